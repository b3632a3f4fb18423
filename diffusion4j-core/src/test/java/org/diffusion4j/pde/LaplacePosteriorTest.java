package org.diffusion4j.pde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.SmallMatrices;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * Linear forward maps, where the posterior is exactly Gaussian: the Laplace fit equals the closed
 * form, and its 95% bands cover the truth at the nominal rate.
 */
class LaplacePosteriorTest {
  @Test
  void linearMapGivesTheClosedFormPosterior() {
    double[][] a = {{1, 2}, {0.5, -1}, {3, 0.2}};
    double[] b = {0.1, -0.2, 0.3};
    double[] y = {1, 0.4, -2};
    double noise = 0.3;
    double prior = 2;
    LaplacePosterior post = LaplacePosterior.fit(theta -> {
      double[] g = new double[3];
      for (int i = 0; i < 3; i++) {
        g[i] = a[i][0] * theta[0] + a[i][1] * theta[1] + b[i];
      }
      return g;
    }, 2, y, noise, prior, 20);
    double[][] precision = new double[2][2];
    double[] rhs = new double[2];
    for (int k = 0; k < 2; k++) {
      for (int l = 0; l < 2; l++) {
        for (int i = 0; i < 3; i++) {
          precision[k][l] += a[i][k] * a[i][l] / (noise * noise);
        }
      }
      precision[k][k] += 1 / (prior * prior);
      for (int i = 0; i < 3; i++) {
        rhs[k] += a[i][k] * (y[i] - b[i]) / (noise * noise);
      }
    }
    double[][] cov = SmallMatrices.invert(precision);
    double[] mean = SmallMatrices.solve(precision, rhs);
    for (int k = 0; k < 2; k++) {
      assertEquals(mean[k], post.mean()[k], 1e-8);
      for (int l = 0; l < 2; l++) {
        assertEquals(cov[k][l], post.covariance()[k][l], 1e-8);
      }
    }
  }

  /**
   * Linear Poisson (kappa = 0) with a Gaussian prior on the source weights: observe u at 5 off-grid
   * points with noise, and check that the 95% posterior band of u at a held-out point covers the
   * true value in 95% of 200 seeded problems (binomial 3-sigma bounds: [0.90, 0.996]).
   */
  @Test
  void linearPoissonBandsCoverAtTheNominalRate() {
    PoissonFamily family = new PoissonFamily(0, 3, 20, 0.12);
    double[] xObs = {0.11, 0.33, 0.52, 0.71, 0.93};
    double[] xTest = {0.42};
    double noise = 0.02;
    int covered = 0;
    int trials = 200;
    for (int trial = 0; trial < trials; trial++) {
      Rng rng = Rng.of(11).stream(trial);
      double[] truth = family.sampleParameters(rng);
      double[] y = family.reference(truth, xObs, null);
      for (int i = 0; i < y.length; i++) {
        y[i] += noise * rng.nextGaussian();
      }
      LaplacePosterior post = LaplacePosterior.fit(theta -> family.reference(theta, xObs, null), 3, y, noise, 1, 10);
      // u(xTest) is linear in theta: mean c.m, variance c^T S c with c the unit responses
      double[] c = new double[3];
      for (int k = 0; k < 3; k++) {
        double[] e = new double[3];
        e[k] = 1;
        c[k] = family.reference(e, xTest, null)[0];
      }
      double m = 0;
      double v = 0;
      for (int k = 0; k < 3; k++) {
        m += c[k] * post.mean()[k];
        for (int l = 0; l < 3; l++) {
          v += c[k] * post.covariance()[k][l] * c[l];
        }
      }
      double actual = family.reference(truth, xTest, null)[0];
      if (Math.abs(actual - m) <= 1.959964 * Math.sqrt(v)) {
        covered++;
      }
    }
    double rate = covered / (double) trials;
    assertTrue(rate >= 0.90 && rate <= 0.996, "coverage " + rate);
  }

  @Test
  void samplesHaveThePosteriorMoments() {
    LaplacePosterior post = new LaplacePosterior(new double[] {1, -1}, new double[][] {{0.5, 0.2}, {0.2, 0.3}}, 1);
    double[][] s = post.sample(Rng.of(2), 20000);
    double m0 = 0;
    double c01 = 0;
    for (double[] r : s) {
      m0 += r[0];
      c01 += (r[0] - 1) * (r[1] + 1);
    }
    assertEquals(1, m0 / s.length, 0.02);
    assertEquals(0.2, c01 / s.length, 0.02);
  }

  @Test
  void badInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> LaplacePosterior.fit(t -> t, 1, new double[] {1}, 0, 1, 5));
    assertThrows(IllegalArgumentException.class, () -> LaplacePosterior.fit(t -> t, 1, new double[0], 1, 1, 5));
    assertThrows(IllegalArgumentException.class, () -> LaplacePosterior.fit(t -> new double[2], 1, new double[] {1}, 1, 1, 5));
  }
}
