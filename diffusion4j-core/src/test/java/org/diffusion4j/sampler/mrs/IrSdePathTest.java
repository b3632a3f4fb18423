package org.diffusion4j.sampler.mrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class IrSdePathTest {
  static final IrSdePath PATH = new IrSdePath(0.3, 0.005);

  /** Exact derivatives, the end values, and IR-SDE's defining relation sigma_t^2 / theta_t = 2 lambda^2. */
  @Test
  void scheduleIsTheMeanRevertingSde() {
    assertEquals(0.005, PATH.alpha(1), 1e-12);
    assertEquals(1, PATH.alpha(0), 0);
    assertEquals(0.3 * Math.sqrt(1 - 0.005 * 0.005), PATH.sigma(1), 1e-12);
    for (double t : new double[] {0.05, 0.2, 0.5, 0.8, 0.97}) {
      double h = 1e-6;
      assertEquals((PATH.alpha(t + h) - PATH.alpha(t - h)) / (2 * h), PATH.alphaDot(t), 1e-7, "alpha' at " + t);
      assertEquals((PATH.sigma(t + h) - PATH.sigma(t - h)) / (2 * h), PATH.sigmaDot(t), 1e-7, "sigma' at " + t);
      double theta = -PATH.drift(t);
      assertEquals(2 * 0.3 * 0.3, PATH.diffusionSquared(t) / theta, 1e-9, "g^2/theta at " + t);
    }
    assertThrows(IllegalArgumentException.class, () -> new IrSdePath(0, 0.005));
    assertThrows(IllegalArgumentException.class, () -> new IrSdePath(0.1, 1));
  }

  /**
   * MRS (ODE and SDE, both prediction kinds, order 2) with the exact model on Gaussian data,
   * started from the exact law of x_1 around mu, reproduces the closed-form marginal
   * N(alpha m + (1 - alpha) mu, alpha^2 v + sigma^2) at an intermediate time and at the end.
   * n = 20000 gives standard errors sqrt(var / n) for the mean and var sqrt(2 / n) for the
   * variance; we allow 5 of them plus 1% of the standard deviation / variance for the
   * discretisation: 40 steps for the ODE, 160 for the SDE, whose data-prediction form is weakly
   * first order in the variance (measured to t = 1e-3: variance 0.0968 at 40 steps, 0.0889 at
   * 160, 0.0892 at 640, exact 0.09).
   */
  @Test
  void mrsReproducesTheClosedFormMarginals() {
    double[] m = {0.6, -0.2};
    double[] v = {0.09, 0.25};
    double[] mu = {-0.5, 0.3};
    MeanRevertingPath mr = MeanRevertingPath.of(PATH, mu);
    GaussianMixture data = GaussianMixture.gaussian(m, v);
    int n = 20000;
    Batch x1 = new Batch(n, 2);
    Rng rng = Rng.of(21);
    double a1 = PATH.alpha(1);
    double s1 = PATH.sigma(1);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 2; j++) {
        double mean = a1 * m[j] + (1 - a1) * mu[j];
        x1.set(i, j, mean + Math.sqrt(a1 * a1 * v[j] + s1 * s1) * rng.nextGaussian());
      }
    }
    for (double tEnd : new double[] {0.4, 1e-3}) {
      for (boolean sde : new boolean[] {false, true}) {
        double[] ts = MrsSolver.logSnrTimes(PATH, 1, tEnd, sde ? 160 : 40);
        for (Prediction kind : new Prediction[] {Prediction.EPSILON, Prediction.X0}) {
          Batch out = new MrsSolver(kind, 2, sde).sample(mr.mixtureDenoiser(data, Prediction.X0), mr, x1, ts, 5);
          double at = PATH.alpha(tEnd);
          double st = PATH.sigma(tEnd);
          for (int j = 0; j < 2; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
              mean += out.get(i, j) / n;
            }
            double var = 0;
            for (int i = 0; i < n; i++) {
              var += (out.get(i, j) - mean) * (out.get(i, j) - mean) / (n - 1);
            }
            double expMean = at * m[j] + (1 - at) * mu[j];
            double expVar = at * at * v[j] + st * st;
            String what = (sde ? "sde " : "ode ") + kind + " t=" + tEnd + " coord " + j;
            assertEquals(expMean, mean, 5 * Math.sqrt(expVar / n) + 0.01 * Math.sqrt(expVar), what + " mean");
            assertEquals(expVar, var, 5 * expVar * Math.sqrt(2.0 / n) + 0.01 * expVar, what + " variance");
          }
        }
      }
    }
  }
}
