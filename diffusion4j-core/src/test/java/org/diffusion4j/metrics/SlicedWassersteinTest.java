package org.diffusion4j.metrics;

import static org.diffusion4j.metrics.MetricSupport.gaussian;
import static org.diffusion4j.metrics.MetricSupport.quantileSample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class SlicedWassersteinTest {
  @Test
  void oneDimensionalShiftHasDistanceEqualToTheShift() {
    Rng r = Rng.of(1);
    double[] x = new double[999];
    for (int i = 0; i < x.length; i++) {
      x[i] = 3 * r.nextGaussian();
    }
    for (double c : new double[] {-2.5, 0, 0.1, 7}) {
      double[] y = x.clone();
      for (int i = 0; i < y.length; i++) {
        y[i] += c;
      }
      assertEquals(Math.abs(c), SlicedWasserstein.wasserstein1d(x, y, 1), 1e-12);
      assertEquals(Math.abs(c), SlicedWasserstein.wasserstein1d(x, y, 2), 1e-12);
      // In 1-D the sliced distance is the exact one (every direction is +-1).
      Batch a = new Batch(x.length, 1, x.clone());
      Batch b = new Batch(y.length, 1, y);
      assertEquals(Math.abs(c), SlicedWasserstein.w1(8, 3).between(a, b), 1e-12);
      assertEquals(Math.abs(c), SlicedWasserstein.w2(8, 3).between(a, b), 1e-12);
    }
  }

  @Test
  void unequalSizesUseQuantileFunctions() {
    // x = {0, 1}, y = {0, 1, 2}: |F^-1 - G^-1| is 1 on (1/3, 1/2] and (2/3, 1], 0 elsewhere.
    assertEquals(0.5, SlicedWasserstein.wasserstein1d(new double[] {1, 0}, new double[] {2, 0, 1}, 1), 1e-15);
    assertEquals(Math.sqrt(0.5), SlicedWasserstein.wasserstein1d(new double[] {0, 1}, new double[] {0, 1, 2}, 2), 1e-15);
    // Repeating every point leaves the distribution unchanged.
    double[] x = {3, -1, 4, 1, -5};
    double[] xx = {3, -1, 4, 1, -5, 3, -1, 4, 1, -5};
    assertEquals(0, SlicedWasserstein.wasserstein1d(x, xx, 2), 0);
    // W1 = int |F(t) - G(t)| dt (Vallender 1974), checked for random unequal sizes.
    Rng r = Rng.of(4);
    double[] a = new double[37];
    double[] b = new double[53];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = 0.5 + 2 * r.nextGaussian();
    }
    double[] all = new double[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    Arrays.sort(all);
    double cdfIntegral = 0;
    for (int k = 0; k + 1 < all.length; k++) {
      double t = all[k];
      double fa = Arrays.stream(a).filter(v -> v <= t).count() / (double) a.length;
      double fb = Arrays.stream(b).filter(v -> v <= t).count() / (double) b.length;
      cdfIntegral += Math.abs(fa - fb) * (all[k + 1] - all[k]);
    }
    assertEquals(cdfIntegral, SlicedWasserstein.wasserstein1d(a, b, 1), 1e-12);
  }

  @Test
  void twoGaussiansIn1dMatchTheClosedForm() {
    // W2^2(N(m1, s1^2), N(m2, s2^2)) = (m1 - m2)^2 + (s1 - s2)^2 (Dowson & Landau 1982).
    double m1 = 0.3;
    double s1 = 1;
    double m2 = -1.2;
    double s2 = 2.5;
    double exact = (m1 - m2) * (m1 - m2) + (s1 - s2) * (s1 - s2);
    // Quantile samples of different sizes: the only error is the discretisation of the tails,
    // bounded by (s1^2 + s2^2) log(n) / n.
    int n = 20_000;
    double w2 = SlicedWasserstein.wasserstein1d(quantileSample(n, m1, s1), quantileSample(15_000, m2, s2), 2);
    double tailBound = (s1 * s1 + s2 * s2) * Math.log(15_000) / 15_000;
    assertEquals(exact, w2 * w2, tailBound);
    // W1 of a pure shift with equal spread is the shift.
    assertEquals(1.5, SlicedWasserstein.wasserstein1d(quantileSample(n, m1, s1), quantileSample(12_000, m1 + 1.5, s1), 1),
        4 * Math.log(12_000) / 12_000);
    // Random samples: the linear fluctuation term has sd about 2 sqrt((s1^2 + s2^2)(dm^2 + 2 ds^2) / n),
    // plus a positive bias below (s1^2 + s2^2) log(n) / n; allow five sd.
    int ns = 20_000;
    double dm = m1 - m2;
    double ds = s1 - s2;
    double bound = 5 * 2 * Math.sqrt((s1 * s1 + s2 * s2) * (dm * dm + 2 * ds * ds) / ns)
        + (s1 * s1 + s2 * s2) * Math.log(ns) / ns;
    Batch a = gaussian(11, ns, new double[] {m1}, s1);
    Batch b = gaussian(12, ns, new double[] {m2}, s2);
    double sw2 = SlicedWasserstein.w2(4, 0).between(a, b);
    assertEquals(exact, sw2 * sw2, bound);
  }

  @Test
  void slicedW2OfIsotropicGaussians() {
    // Each projection of N(m, s^2 I) on a unit theta is N(theta.m, s^2), so
    // SW2^2 = E_theta[(theta.(m1 - m2))^2] + (s1 - s2)^2 = |m1 - m2|^2 / d + (s1 - s2)^2.
    int d = 3;
    double[] m1 = {1, -1, 0.5};
    double[] m2 = {-0.5, 0.5, 2};
    double s1 = 0.7;
    double s2 = 1.6;
    double dm2 = 0;
    for (int j = 0; j < d; j++) {
      dm2 += (m1[j] - m2[j]) * (m1[j] - m2[j]);
    }
    double ds = s1 - s2;
    double exact = dm2 / d + ds * ds;
    int projections = 400;
    SlicedWasserstein sw = SlicedWasserstein.w2(projections, 5);
    // (1) The directions: the mean of g(theta) = (theta.dm)^2 + ds^2 over them estimates `exact`
    // with sd sd(g) / sqrt(P).
    double[] g = new double[projections];
    for (int k = 0; k < projections; k++) {
      double[] th = sw.direction(k, d);
      double norm = 0;
      double dot = 0;
      for (int j = 0; j < d; j++) {
        norm += th[j] * th[j];
        dot += th[j] * (m1[j] - m2[j]);
      }
      assertEquals(1, norm, 1e-14);
      g[k] = dot * dot + ds * ds;
    }
    double onDirections = MetricSupport.mean(g);
    assertEquals(exact, onDirections, 5 * MetricSupport.sd(g) / Math.sqrt(projections));
    // (2) The samples: per direction the 1-D bound of twoGaussiansIn1dMatchTheClosedForm with dm^2 <= |m1 - m2|^2.
    int n = 4000;
    Batch a = gaussian(21, n, m1, s1);
    Batch b = gaussian(22, n, m2, s2);
    double sw2 = sw.between(a, b);
    double bound = 5 * 2 * Math.sqrt((s1 * s1 + s2 * s2) * (dm2 + 2 * ds * ds) / n)
        + (s1 * s1 + s2 * s2) * Math.log(n) / n;
    assertEquals(onDirections, sw2 * sw2, bound);
    assertEquals(exact, sw2 * sw2, bound + 5 * MetricSupport.sd(g) / Math.sqrt(projections));
  }

  @Test
  void slicedW1OfAShiftIsBelowTheShift() {
    // SW1 of a pure shift c is E|theta.c| = |c| E|theta_1| < |c|; in d = 2, E|cos U| = 2/pi.
    Batch a = gaussian(1, 2000, new double[] {0, 0}, 1);
    Batch b = a.copy();
    for (int i = 0; i < b.n(); i++) {
      b.set(i, 0, b.get(i, 0) + 3);
    }
    SlicedWasserstein sw = SlicedWasserstein.w1(1000, 2);
    double[] proj = new double[1000];
    for (int k = 0; k < 1000; k++) {
      proj[k] = 3 * Math.abs(sw.direction(k, 2)[0]);
    }
    // Same sample shifted: every projected distance is exactly |theta.c|.
    assertEquals(MetricSupport.mean(proj), sw.between(a, b), 1e-12);
    assertEquals(3 * 2 / Math.PI, sw.between(a, b), 5 * MetricSupport.sd(proj) / Math.sqrt(1000));
  }

  @Test
  void invariantToRowOrderAndDeterministic() throws Exception {
    Batch a = gaussian(1, 777, new double[] {0, 1, 2, 3}, 1);
    Batch b = gaussian(2, 500, new double[] {1, 1, 1, 1}, 2);
    SlicedWasserstein sw = SlicedWasserstein.w2(64, 9);
    double v = sw.between(a, b);
    assertEquals(v, sw.between(MetricSupport.shuffled(a, 3), MetricSupport.shuffled(b, 4)), 0);
    assertEquals(v, SlicedWasserstein.w2(64, 9).between(a, b), 0);
    for (int threads : new int[] {1, 2, 16}) {
      assertEquals(v, MetricSupport.inPool(threads, () -> sw.between(a, b)), 0);
    }
    assertNotEquals(v, SlicedWasserstein.w2(64, 10).between(a, b));
    assertTrue(v > 0);
    assertEquals(0, sw.between(a, a), 0);
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new SlicedWasserstein(3, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> SlicedWasserstein.w1(0, 0));
    String m = assertThrows(IllegalArgumentException.class,
        () -> SlicedWasserstein.w1(4, 0).between(new Batch(3, 2), new Batch(3, 3))).getMessage();
    assertTrue(m.contains("dimensions 2 and 3"), m);
    Batch bad = new Batch(3, 2);
    bad.set(2, 1, Double.NaN);
    String nan = assertThrows(IllegalArgumentException.class,
        () -> SlicedWasserstein.w1(4, 0).between(new Batch(3, 2), bad)).getMessage();
    assertTrue(nan.contains("second") && nan.contains("row 2") && nan.contains("column 1"), nan);
    assertThrows(IllegalArgumentException.class, () -> SlicedWasserstein.w1(4, 0).between(new Batch(0, 2), bad));
    assertThrows(IllegalArgumentException.class, () -> SlicedWasserstein.wasserstein1d(new double[0], new double[1], 1));
  }
}
