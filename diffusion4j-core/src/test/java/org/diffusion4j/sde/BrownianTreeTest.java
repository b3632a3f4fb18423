package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BrownianTreeTest {
  private static double inc(BrownianPath p, double s, double t, int j) {
    double[] w = new double[p.dim()];
    p.increment(s, t, w, 0);
    return w[j];
  }

  @Test
  void incrementsAddUpForRandomQueryOrders() {
    BrownianTree tree = BrownianTree.of(5, 2, 0, 3);
    Random rnd = new Random(1);
    for (int trial = 0; trial < 300; trial++) {
      double[] p = {rnd.nextDouble() * 3, rnd.nextDouble() * 3, rnd.nextDouble() * 3};
      java.util.Arrays.sort(p);
      BrownianPath path = tree.path(trial % 7);
      // Query the three intervals in a random order, interleaved with unrelated queries.
      List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
      Collections.shuffle(order, rnd);
      double[] v = new double[3];
      for (int k : order) {
        inc(path, rnd.nextDouble(), 2.5 + rnd.nextDouble() / 2, 0);
        v[k] = k == 0 ? inc(path, p[0], p[2], 1) : k == 1 ? inc(path, p[0], p[1], 1) : inc(path, p[1], p[2], 1);
      }
      assertEquals(v[0], v[1] + v[2], 1e-12, "W(s,u) = W(s,t) + W(t,u)");
    }
  }

  /**
   * Values do not depend on the query order, on the default tree and on a coarse-leaf tree, with
   * the per-path caches (last branch, last point) hit and missed in between.
   */
  @Test
  void sameSeedGivesIdenticalValuesWhateverTheQueryOrder() {
    Random rnd = new Random(2);
    double[] times = new double[300];
    for (int i = 0; i < times.length; i++) {
      times[i] = i < 100 ? rnd.nextDouble() : (i - 100) * 1e-3 * (1 + 1e-9);
    }
    for (BrownianTree tree : new BrownianTree[] {BrownianTree.of(42, 2, 0, 1), BrownianTree.forSpacing(42, 2, 0, 1, 1e-3)}) {
      BrownianTree.Path a = tree.path(3);
      BrownianTree.Path b = tree.path(3);
      BrownianTree.Path c = tree.path(3);
      int n = times.length;
      double[] wa = new double[2 * n];
      double[] qa = new double[2 * n];
      double[] wb = new double[2 * n];
      double[] qb = new double[2 * n];
      double[] wc = new double[2 * n];
      double[] qc = new double[2 * n];
      for (int i = 0; i < n; i++) {
        a.value(times[i], wa, qa, 2 * i);
      }
      for (int i = n - 1; i >= 0; i--) {
        b.value(times[i], wb, qb, 2 * i);
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        order.add(i);
      }
      Collections.shuffle(order, rnd);
      double[] scratch = new double[2];
      for (int i : order) {
        c.increment(times[i], Math.min(1, times[i] + rnd.nextDouble() * 0.01), scratch, 0); // moves the caches
        c.value(times[i], wc, qc, 2 * i);
        c.value(times[i], wc, qc, 2 * i); // a cache hit returns the same
      }
      assertArrayEquals(wa, wb, 0.0);
      assertArrayEquals(qa, qb, 0.0);
      assertArrayEquals(wa, wc, 0.0);
      assertArrayEquals(qa, qc, 0.0);
    }
    BrownianTree tree = BrownianTree.of(42, 1, 0, 1);
    assertNotEquals(inc(tree.path(3), 0, 1, 0), inc(tree.path(4), 0, 1, 0));
    assertNotEquals(inc(tree.path(3), 0, 1, 0), inc(BrownianTree.of(43, 1, 0, 1).path(3), 0, 1, 0));
  }

  /** A tree for spacing dt gives exactly N(0, dt) increments on a non-dyadic grid of step dt, independent across steps. */
  @Test
  void spacingTreeIsExactOnItsGrid() {
    int steps = 1000;
    double dt = 1e-3;
    int paths = 30;
    BrownianTree tree = BrownianTree.forSpacing(12, 1, 0, 1, dt);
    double[] z = new double[steps * paths];
    double[] lead = new double[(steps - 1) * paths];
    double[] lag = new double[(steps - 1) * paths];
    for (int p = 0; p < paths; p++) {
      BrownianPath path = tree.path(p);
      for (int k = 0; k < steps; k++) {
        z[p * steps + k] = inc(path, k * dt, k + 1 == steps ? 1.0 : (k + 1) * dt, 0) / Math.sqrt(dt);
      }
      for (int k = 0; k + 1 < steps; k++) {
        lead[p * (steps - 1) + k] = z[p * steps + k];
        lag[p * (steps - 1) + k] = z[p * steps + k + 1];
      }
    }
    assertTrue(Stats.ksNormal(z) < Stats.ksCritical(z.length), "KS " + Stats.ksNormal(z));
    assertEquals(1.0, Stats.variance(z), 4 * Math.sqrt(2.0 / z.length));
    assertEquals(0.0, Stats.correlation(lead, lag), 4 / Math.sqrt(lag.length));
    assertThrows(IllegalArgumentException.class, () -> BrownianTree.forSpacing(1, 1, 0, 1, 0));
  }

  /** Dyadic increments of many paths, queried in shuffled order: N(0, dt) by KS, lag-1 uncorrelated. */
  @Test
  void dyadicIncrementsAreIndependentStandardNormal() {
    int steps = 512;
    int paths = 40;
    double dt = 1.0 / steps;
    BrownianTree tree = BrownianTree.of(7, 1, 0, 1);
    double[] z = new double[steps * paths];
    double[] lead = new double[(steps - 1) * paths];
    double[] lag = new double[(steps - 1) * paths];
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < steps; k++) {
      order.add(k);
    }
    Random rnd = new Random(3);
    for (int p = 0; p < paths; p++) {
      BrownianPath path = tree.path(p);
      Collections.shuffle(order, rnd);
      for (int k : order) {
        z[p * steps + k] = inc(path, k * dt, (k + 1) * dt, 0) / Math.sqrt(dt);
      }
      for (int k = 0; k + 1 < steps; k++) {
        lead[p * (steps - 1) + k] = z[p * steps + k];
        lag[p * (steps - 1) + k] = z[p * steps + k + 1];
      }
    }
    assertTrue(Stats.ksNormal(z) < Stats.ksCritical(z.length), "KS " + Stats.ksNormal(z));
    assertEquals(0.0, Stats.correlation(lead, lag), 4 / Math.sqrt(lag.length));
  }

  /** Increments over random non-dyadic intervals, one per path: N(0, t - s) by KS. */
  @Test
  void nonDyadicIncrementsAreNormalWithVarianceLength() {
    int n = 3000;
    BrownianTree tree = BrownianTree.of(8, 1, -1, 2);
    Random rnd = new Random(4);
    double[] z = new double[n];
    for (int p = 0; p < n; p++) {
      double s = -1 + 3 * rnd.nextDouble();
      double t = s + (2 - s) * rnd.nextDouble();
      z[p] = inc(tree.path(p), s, t, 0) / Math.sqrt(t - s);
    }
    assertTrue(Stats.ksNormal(z) < Stats.ksCritical(n), "KS " + Stats.ksNormal(z));
  }

  /**
   * The time integral: H = I/h - dW/2 has variance h/12 and is uncorrelated with dW, on the
   * root interval and on a non-dyadic sub-interval (where it comes from the bridge).
   */
  @Test
  void spaceTimeLevyAreaHasTheRightLaw() {
    int n = 4000;
    BrownianTree tree = BrownianTree.of(9, 1, 0, 1);
    double[][] intervals = {{0, 1}, {0.3, 0.55}};
    for (double[] iv : intervals) {
      double h = iv[1] - iv[0];
      double[] area = new double[n];
      double[] w = new double[n];
      double[] dw = new double[1];
      double[] iw = new double[1];
      for (int p = 0; p < n; p++) {
        tree.path(p).increment(iv[0], iv[1], dw, iw, 0);
        w[p] = dw[0];
        area[p] = iw[0] / h - dw[0] / 2;
      }
      // Sample variance: relative standard error sqrt(2/n).
      assertEquals(h / 12, Stats.variance(area), 4 * Math.sqrt(2.0 / n) * h / 12);
      assertEquals(h, Stats.variance(w), 4 * Math.sqrt(2.0 / n) * h);
      assertEquals(0.0, Stats.correlation(area, w), 4 / Math.sqrt(n));
    }
  }

  @Test
  void rejectsQueriesOutsideTheInterval() {
    BrownianTree.Path p = BrownianTree.of(1, 1, 0, 1).path(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.increment(0.5, 1.5, new double[1], 0));
    assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BrownianTree.of(1, 1, 1, 0));
  }
}
