package org.diffusion4j.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class ForecastMetricsTest {
  /** Standard normal CDF via erf (Abramowitz &amp; Stegun 7.1.26, |error| &lt; 1.5e-7). */
  static double phiCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
        * Math.exp(-x * x);
    return 0.5 * (1 + Math.signum(z) * erf);
  }

  /** Gneiting &amp; Raftery 2007 Eq. 5: CRPS(N(mu, s^2), y) = s [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)]. */
  static double gaussianCrps(double mu, double s, double y) {
    double z = (y - mu) / s;
    return s * (z * (2 * phiCdf(z) - 1) + 2 * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) - 1 / Math.sqrt(Math.PI));
  }

  @Test
  void crpsFromSamplesMatchesGaussianClosedForm() {
    Rng rng = Rng.of(7);
    int m = 40_000;
    double mu = 3;
    double s = 2;
    double[] x = new double[m];
    for (int i = 0; i < m; i++) {
      x[i] = mu + s * rng.nextGaussian();
    }
    for (double y : new double[] {3, 1, 6.5, -4}) {
      double exact = gaussianCrps(mu, s, y);
      // standard error of both sample means is below 0.006 s here; 0.03 s is five of them
      assertEquals(exact, ForecastMetrics.crps(x, y), 0.03 * s, "y = " + y);
    }
  }

  @Test
  void crpsHandCases() {
    // {0, 2} vs 1: mean |x - y| = 1, pair term = (1/(2*2*1)) * (2 + 2) = 1
    assertEquals(0, ForecastMetrics.crps(new double[] {0, 2}, 1), 1e-15);
    // {0, 2} vs 5: (5 + 3)/2 - 1 = 3
    assertEquals(3, ForecastMetrics.crps(new double[] {2, 0}, 5), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> ForecastMetrics.crps(new double[] {1}, 0));
  }

  @Test
  void weightedQuantileLossHandCases() {
    // point forecast 2, truths 1 and 3: every level loses 2(1 - q) + 2q = 2 over sum |y| = 4
    double[][][] f = {{{2, 2}, {2, 2}}};
    ForecastMetrics.Scores s = ForecastMetrics.score(f, new double[][] {{1, 3}}, new double[] {1});
    assertEquals(0.5, s.wql(), 1e-12);
    // samples {0, 10}, truth 5: yhat_q = 10 q; losses 0.8 1.2 1.2 0.8 0 0.8 1.2 1.2 0.8 (sum 8), over |y| = 5
    ForecastMetrics.Scores s2 = ForecastMetrics.score(new double[][][] {{{0}, {10}}}, new double[][] {{5}},
        new double[] {1});
    assertEquals(8.0 / 5 / 9, s2.wql(), 1e-12);
    assertEquals(0, s2.mase(), 1e-12); // median 5 = truth
    assertEquals(1, s2.coverage80(), 0);
  }

  @Test
  void maseUsesSeasonalErrorOfAllHistory() {
    double[] history = {1, 2, 4, 7};
    assertEquals(2, ForecastMetrics.seasonalError(history, 1), 1e-15);
    assertEquals(4, ForecastMetrics.seasonalError(history, 2), 1e-15);
    assertEquals(2, ForecastMetrics.seasonalError(history, 4), 1e-15); // season not shorter than history -> m = 1
    // median 8 vs truth 10 with scale 2 -> 1; second origin median 0 vs truth 1 with scale 4 -> 0.25
    double[][][] f = {{{8}, {8}}, {{0}, {0}}};
    ForecastMetrics.Scores s = ForecastMetrics.score(f, new double[][] {{10}, {1}}, new double[] {2, 4});
    assertEquals((1 + 0.25) / 2, s.mase(), 1e-15);
    assertEquals(0, s.coverage80(), 0);
  }

  @Test
  void quantileInterpolatesLikeNumpy() {
    double[] sorted = {1, 2, 3, 4};
    assertEquals(1.3, ForecastMetrics.quantileOfSorted(sorted, 0.1), 1e-12); // numpy.quantile([1,2,3,4], 0.1)
    assertEquals(2.5, ForecastMetrics.quantileOfSorted(sorted, 0.5), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> ForecastMetrics.quantileOfSorted(sorted, 1.5));
  }

  @Test
  void seasonalNaiveRepeatsLastSeason() {
    double[] h = {1, 2, 3, 4, 5, 6};
    double[][] f = SeasonalNaive.plain(3).forecast(h, 5, 2, 0);
    assertArrayEquals(new double[] {4, 5, 6, 4, 5}, f[0]);
    assertArrayEquals(f[0], f[1]);
    // a line has every seasonal residual equal to 3: the bootstrap path continues the line exactly
    double[][] b = SeasonalNaive.bootstrapped(3).forecast(h, 5, 4, 9);
    for (double[] path : b) {
      assertArrayEquals(new double[] {7, 8, 9, 10, 11}, path, 1e-12);
    }
  }

  @Test
  void bootstrapIncrementsAreResidualsAndSeedDetermined() {
    double[] h = {0, 1, 0, 2, 0, 5};
    // m = 1 residuals: 1, -1, 2, -2, 5
    double[][] f = SeasonalNaive.bootstrapped(1).forecast(h, 6, 50, 3);
    java.util.Set<Double> residuals = java.util.Set.of(1.0, -1.0, 2.0, -2.0, 5.0);
    java.util.Set<Double> seen = new java.util.HashSet<>();
    for (double[] path : f) {
      double prev = h[h.length - 1];
      for (double v : path) {
        assertTrue(residuals.contains(v - prev), "increment " + (v - prev));
        seen.add(v - prev);
        prev = v;
      }
    }
    assertEquals(residuals, seen); // 300 draws hit all five residuals
    assertArrayEquals(f[7], SeasonalNaive.bootstrapped(1).forecast(h, 6, 50, 3)[7]);
  }

  @Test
  void rollingOriginsEndAtTheSeries() {
    RollingOrigin r = new RollingOrigin(10, 2, 3);
    assertEquals(4, r.origin(0));
    assertEquals(6, r.origin(1));
    assertEquals(8, r.origin(2));
    double[] v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    RollingOrigin.Evaluation e = r.evaluate(SeasonalNaive.plain(1), v, 3, 1, 0);
    assertArrayEquals(new double[] {3, 3}, e.forecasts()[0][0]);
    assertArrayEquals(new double[] {8, 9}, e.truth()[2]);
    // truths 4,5 | 6,7 | 8,9 vs 3,3 | 5,5 | 7,7: |err| sums 3, 3, 3 over scale 1 -> MASE 1.5
    assertEquals(1.5, e.scores().mase(), 1e-12);
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new RollingOrigin(10, 3, 3));
    assertTrue(ex.getMessage().contains("longer than 10"), ex.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RollingOrigin(10, 0, 1));
  }

  /** A noiseless AR(2) recursion is linear in its last values: ridge 0 recovers it exactly. */
  @Test
  void linearForecasterRecoversALinearRecursion() {
    double[] v = new double[60];
    v[0] = 5;
    v[1] = 6;
    for (int i = 2; i < v.length; i++) {
      v[i] = 1.2 * v[i - 1] - 0.5 * v[i - 2] + 2;
    }
    // mean scaling makes the intercept scale-dependent, so fit with the intercept-free recursion only
    double[] w = new double[60];
    w[0] = 5;
    w[1] = 6;
    for (int i = 2; i < w.length; i++) {
      w[i] = 1.3 * w[i - 1] - 0.4 * w[i - 2];
    }
    LinearForecaster f = LinearForecaster.fit(LinearForecaster.windows(java.util.Arrays.copyOf(w, 40), 2, 1), 2, 1, 0);
    double[] next = f.forecast(java.util.Arrays.copyOf(w, 50), 1, 2, 0)[0];
    assertEquals(w[50], next[0], 1e-8 * Math.abs(w[50]));
    assertThrows(IllegalArgumentException.class, () -> LinearForecaster.windows(v, 59, 2));
  }
}
