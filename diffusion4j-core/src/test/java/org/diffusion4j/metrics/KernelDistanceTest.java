package org.diffusion4j.metrics;

import static org.diffusion4j.metrics.MetricSupport.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.junit.jupiter.api.Test;

/** MMD (Gretton et al. 2012) and energy distance (Szekely & Rizzo 2013) against closed forms. */
class KernelDistanceTest {
  static final int REPLICATES = 20;
  /** Student t quantile for 19 degrees of freedom at two-sided 1e-5 is about 6.0; use 6.5. */
  static final double T_CRIT = 6.5;

  /** E exp(-|X - Y|^2 / (2 h^2)) for X ~ N(m1, s1^2 I), Y ~ N(m2, s2^2 I) in d dimensions. */
  static double expectedRbf(double dm2, double s1, double s2, double h, int d) {
    double w = h * h + s1 * s1 + s2 * s2;
    return Math.pow(h * h / w, d / 2.0) * Math.exp(-dm2 / (2 * w));
  }

  @Test
  void mmdMatchesTheGaussianClosedForm() {
    int d = 2;
    double[] m1 = {0, 0};
    double[] m2 = {0.8, -0.3};
    double s1 = 1;
    double s2 = 1.3;
    double h = 1.5;
    double dm2 = 0.64 + 0.09;
    double exact = expectedRbf(0, s1, s1, h, d) + expectedRbf(0, s2, s2, h, d) - 2 * expectedRbf(dm2, s1, s2, h, d);
    double[] est = new double[REPLICATES];
    for (int r = 0; r < REPLICATES; r++) {
      est[r] = Mmd.rbf(h).between(gaussian(100 + r, 400, m1, s1), gaussian(200 + r, 300, m2, s2));
    }
    // Unbiased estimator: the replicate mean is within t * sd / sqrt(R) of the exact value.
    double sd = MetricSupport.sd(est);
    assertEquals(exact, MetricSupport.mean(est), T_CRIT * sd / Math.sqrt(REPLICATES));
    assertTrue(exact > 10 * sd / Math.sqrt(REPLICATES), "the test must be able to see the difference");
  }

  @Test
  void mmdIsNearZeroForEqualDistributionsAndPositiveOtherwise() {
    int n = 1000;
    Batch a = gaussian(1, n, new double[] {0, 0}, 1);
    Batch b = gaussian(2, n, new double[] {0, 0}, 1);
    Batch c = gaussian(3, n, new double[] {1, 0}, 1);
    Mmd mmd = Mmd.medianHeuristic();
    // Under H0 the unbiased statistic is degenerate with sd <= sqrt(8 / (n (n - 1))) for a kernel in [0, 1].
    double h0 = 5 * Math.sqrt(8.0 / (n * (n - 1.0)));
    assertEquals(0, mmd.between(a, b), h0);
    assertTrue(mmd.between(a, c) > 5 * h0, "shifted: " + mmd.between(a, c));
    // The same sample twice: MMD_u^2 = 2 (S - n^2) / (n^2 (n - 1)) with S <= n^2, so in [-2/(n-1), 0].
    double same = mmd.between(a, a);
    assertTrue(same <= 0 && same >= -2.0 / (n - 1), "same sample: " + same);
  }

  /** Gretton et al. 2012, Eq. 3 and Szekely & Rizzo 2013, Eq. 2.1 written out term by term on small sets. */
  @Test
  void estimatorsEqualTheirDefinitionsOnSmallSets() {
    Batch x = gaussian(31, 7, new double[] {0, 1}, 1);
    Batch y = gaussian(32, 5, new double[] {1, 0}, 2);
    double h = 0.9;
    double kxx = 0;
    double kyy = 0;
    double kxy = 0;
    double exy = 0;
    double exx = 0;
    double eyy = 0;
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 7; j++) {
        if (i != j) {
          double dist = Math.hypot(x.get(i, 0) - x.get(j, 0), x.get(i, 1) - x.get(j, 1));
          kxx += Math.exp(-dist * dist / (2 * h * h));
          exx += dist;
        }
      }
      for (int j = 0; j < 5; j++) {
        double dist = Math.hypot(x.get(i, 0) - y.get(j, 0), x.get(i, 1) - y.get(j, 1));
        kxy += Math.exp(-dist * dist / (2 * h * h));
        exy += dist;
      }
    }
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        if (i != j) {
          double dist = Math.hypot(y.get(i, 0) - y.get(j, 0), y.get(i, 1) - y.get(j, 1));
          kyy += Math.exp(-dist * dist / (2 * h * h));
          eyy += dist;
        }
      }
    }
    double mmd = kxx / (7 * 6) + kyy / (5 * 4) - 2 * kxy / (7 * 5);
    assertEquals(mmd, Mmd.rbf(h).between(x, y), 1e-14);
    double energy = 2 * exy / (7 * 5) - exx / (7 * 6) - eyy / (5 * 4);
    assertEquals(energy, new EnergyDistance().between(x, y), 1e-13);
  }

  @Test
  void sumOfKernelsIsTheSumOfMmds() {
    Batch a = gaussian(5, 300, new double[] {0, 1, 2}, 1);
    Batch b = gaussian(6, 200, new double[] {0.5, 1, 2}, 0.8);
    double sum = Mmd.rbf(0.5, 1, 4).between(a, b);
    double parts = Mmd.rbf(0.5).between(a, b) + Mmd.rbf(1).between(a, b) + Mmd.rbf(4).between(a, b);
    assertEquals(parts, sum, 1e-12 * Math.abs(parts));
    double median = Mmd.medianDistance(a, b);
    assertEquals(Mmd.rbf(0.5 * median, 2 * median).between(a, b),
        Mmd.medianHeuristic(0.5, 2).between(a, b), 0);
    assertEquals(Mmd.rbf(median).between(a, b), Mmd.medianHeuristic().between(a, b), 0);
  }

  @Test
  void medianHeuristicIsTheMedianPairwiseDistance() {
    Batch a = new Batch(3, 1, new double[] {0, 1, 3});
    Batch b = new Batch(2, 1, new double[] {7, 4});
    // Pairwise distances of {0, 1, 3, 7, 4}: 1 3 7 4 2 6 3 4 1 3 -> sorted 1 1 2 3 3 3 4 4 6 7, median 3.
    assertEquals(3, Mmd.medianDistance(a, b), 0);
    Batch same = new Batch(4, 2);
    assertEquals(1, Mmd.medianDistance(same, same), 0);
    // Large sets: a hashed subset, independent of the row order.
    Batch big = gaussian(1, 1500, new double[] {0, 0}, 1);
    Batch big2 = gaussian(2, 1500, new double[] {0, 0}, 2);
    double med = Mmd.medianDistance(big, big2);
    assertEquals(med, Mmd.medianDistance(MetricSupport.shuffled(big, 1), MetricSupport.shuffled(big2, 2)), 0);
    // Pooled N(0, I) and N(0, 4 I) in 2-D: the median distance is around 2.4.
    assertTrue(med > 1.8 && med < 3.0, "median " + med);
  }

  @Test
  void energyDistanceOfShiftedGaussiansMatchesQuadrature() {
    // 1-D: D^2 = 2 E|X - Y| - E|X - X'| - E|Y - Y'| with X - Y ~ N(m1 - m2, s1^2 + s2^2) etc.
    double m1 = 0;
    double s1 = 1;
    double m2 = 1.2;
    double s2 = 0.6;
    double exact = 2 * MetricSupport.meanAbsNormal(m1 - m2, s1 * s1 + s2 * s2)
        - MetricSupport.meanAbsNormal(0, 2 * s1 * s1) - MetricSupport.meanAbsNormal(0, 2 * s2 * s2);
    // Sanity of the quadrature against E|X - X'| = 2 s / sqrt(pi).
    assertEquals(2 * s1 / Math.sqrt(Math.PI), MetricSupport.meanAbsNormal(0, 2 * s1 * s1), 1e-10);
    double[] est = new double[REPLICATES];
    for (int r = 0; r < REPLICATES; r++) {
      est[r] = new EnergyDistance().between(gaussian(300 + r, 500, new double[] {m1}, s1),
          gaussian(400 + r, 400, new double[] {m2}, s2));
    }
    double sd = MetricSupport.sd(est);
    assertEquals(exact, MetricSupport.mean(est), T_CRIT * sd / Math.sqrt(REPLICATES));
    assertTrue(exact > 10 * sd / Math.sqrt(REPLICATES));
  }

  @Test
  void energyDistanceIn2dMatchesMonteCarlo() {
    // 2-D isotropic: E|X - Y| for X - Y ~ N(dm, (s1^2 + s2^2) I) by Monte Carlo with 10^6 draws.
    double[] m1 = {0, 0};
    double[] m2 = {0.7, 0.7};
    double s1 = 1;
    double s2 = 1.5;
    int mc = 1_000_000;
    Batch z = org.diffusion4j.random.Noise.standardNormal(77, mc, 2);
    double[] terms = new double[mc];
    for (int i = 0; i < mc; i++) {
      double dx = 0.7 + Math.sqrt(s1 * s1 + s2 * s2) * z.get(i, 0);
      double dy = 0.7 + Math.sqrt(s1 * s1 + s2 * s2) * z.get(i, 1);
      double r = Math.hypot(z.get(i, 0), z.get(i, 1));
      // |X - X'| ~ sqrt(2) s1 |Z| and |Y - Y'| ~ sqrt(2) s2 |Z| (Rayleigh): reuse the same draws.
      terms[i] = 2 * Math.hypot(dx, dy) - Math.sqrt(2) * (s1 + s2) * r;
    }
    double exact = MetricSupport.mean(terms);
    double mcSd = MetricSupport.sd(terms) / Math.sqrt(mc);
    double[] est = new double[REPLICATES];
    for (int r = 0; r < REPLICATES; r++) {
      est[r] = new EnergyDistance().between(gaussian(500 + r, 400, m1, s1), gaussian(600 + r, 400, m2, s2));
    }
    double sd = MetricSupport.sd(est);
    assertEquals(exact, MetricSupport.mean(est), T_CRIT * Math.hypot(sd / Math.sqrt(REPLICATES), mcSd));
  }

  @Test
  void energyDistanceNearZeroForEqualDistributions() {
    double[] est = new double[REPLICATES];
    for (int r = 0; r < REPLICATES; r++) {
      est[r] = new EnergyDistance().between(gaussian(700 + r, 300, new double[] {1, 2}, 1),
          gaussian(800 + r, 300, new double[] {1, 2}, 1));
    }
    assertEquals(0, MetricSupport.mean(est), T_CRIT * MetricSupport.sd(est) / Math.sqrt(REPLICATES));
    // The same sample twice gives exactly -(2 / n) times the mean pairwise distance.
    Batch a = gaussian(1, 200, new double[] {0, 0, 0}, 1);
    double s = 0;
    for (int i = 0; i < a.n(); i++) {
      for (int j = 0; j < a.n(); j++) {
        double q = 0;
        for (int c = 0; c < 3; c++) {
          q += (a.get(i, c) - a.get(j, c)) * (a.get(i, c) - a.get(j, c));
        }
        s += Math.sqrt(q);
      }
    }
    double meanDist = s / (200.0 * 199);
    assertEquals(-2 * meanDist / 200, new EnergyDistance().between(a, a), 1e-12);
  }

  @Test
  void invariantToRowOrderAndThreadCount() throws Exception {
    // 1100 pooled rows: more than Mmd.MEDIAN_SUBSET, so the hashed subset is exercised.
    Batch a = gaussian(1, 600, new double[] {0, 1}, 1);
    Batch b = gaussian(2, 500, new double[] {0.3, 1}, 1.2);
    Batch as = MetricSupport.shuffled(a, 5);
    Batch bs = MetricSupport.shuffled(b, 6);
    for (SampleDistance m : new SampleDistance[] {Mmd.medianHeuristic(), Mmd.medianHeuristic(0.5, 1, 2),
        new EnergyDistance()}) {
      double v = m.between(a, b);
      assertEquals(v, m.between(as, bs), 1e-12 * Math.abs(v), m.name());
      for (int threads : new int[] {1, 2, 16}) {
        assertEquals(v, MetricSupport.inPool(threads, () -> m.between(a, b)), 0, m.name() + " " + threads);
      }
    }
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, Mmd::rbf);
    assertThrows(IllegalArgumentException.class, () -> Mmd.rbf(-1));
    assertThrows(IllegalArgumentException.class, () -> Mmd.medianHeuristic(Double.NaN));
    String m = assertThrows(IllegalArgumentException.class,
        () -> Mmd.rbf(1).between(new Batch(1, 2), new Batch(5, 2))).getMessage();
    assertTrue(m.contains("1 rows") && m.contains("at least 2"), m);
    assertThrows(IllegalArgumentException.class, () -> new EnergyDistance().between(new Batch(4, 2), new Batch(5, 1)));
    assertEquals(Mmd.rbf(1, 2), Mmd.rbf(1, 2));
    assertTrue(Arrays.equals(new double[] {1, 2}, Mmd.rbf(1, 2).bandwidths()));
  }
}
