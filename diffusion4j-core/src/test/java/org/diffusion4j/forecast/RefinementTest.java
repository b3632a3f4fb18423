package org.diffusion4j.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.SmallMatrices;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

class RefinementTest {
  static final int D = SelfGuidanceTest.D;
  static final double T = 0.21; // TSDiff's fixed_t = 20 of 100 steps

  static Refinement refinement(SelfGuidance.Loss prior, Refinement.Method method, double priorScale, int n,
      double step, int iterations) {
    GaussianWindowDenoiser exact = new GaussianWindowDenoiser(SelfGuidanceTest.PATH,
        GaussianWindowDenoiser.ar1Covariance(D, SelfGuidanceTest.PHI));
    Batch[] ym = SelfGuidanceTest.observation(n);
    return Refinement.of(exact, SelfGuidanceTest.PATH, ym[0], ym[1], 1,
        new Refinement.Options(method, prior, priorScale, T, iterations, step, 0.1));
  }

  /** The analytic energy gradient (through the model's pullback) against central differences. */
  @Test
  void gradientMatchesFiniteDifferences() {
    for (SelfGuidance.Loss prior : SelfGuidance.Loss.values()) {
      Refinement r = refinement(prior, Refinement.Method.MOST_LIKELY, 0.7, 3, 0.1, 1);
      Batch x = Noise.standardNormal(1, 3, D);
      Batch eps = Noise.standardNormal(2, 3, D);
      Batch g = x.zerosLike();
      r.gradient(x, eps, g);
      double h = 1e-6;
      for (int i = 0; i < x.size(); i++) {
        Batch xp = x.copy();
        Batch xm = x.copy();
        xp.data()[i] += h;
        xm.data()[i] -= h;
        double fd = (r.energy(xp, eps) - r.energy(xm, eps)) / (2 * h);
        assertEquals(fd, g.data()[i], 1e-5 * (1 + Math.abs(fd)), prior + " entry " + i);
      }
    }
  }

  /**
   * Most-likely refinement minimises E_eps E(x). For the exact Gaussian denoiser
   * eps - eps_hat = alpha K eps - (alpha/sigma)(I - alpha K) x with I - alpha K = sigma^2 P,
   * P = (alpha^2 S + sigma^2 I)^{-1}, so the expected energy is alpha^2 sigma^2 x^T P^2 x + const
   * + lambda |M (x - y)|^2, whose gradient 2 (H x - lambda M y), H = alpha^2 sigma^2 P^2 + lambda M,
   * is linear in x and eps: the mean of the noisy runs follows exactly the noise-free recursion
   * x &lt;- x - lr 2 (H x - lambda M y) (which tends to x* = H^{-1} lambda M y, slowly in the weakly
   * curved directions). The mean over 2,000 runs must match that recursion.
   */
  @Test
  void mostLikelyReachesTheExpectedEnergyMinimum() {
    int n = 2000;
    double lambda = 2;
    double lr = 0.05;
    int iterations = 200;
    Refinement r = refinement(SelfGuidance.Loss.MSE, Refinement.Method.MOST_LIKELY, lambda, n, lr, iterations);
    Batch init = new Batch(n, D);
    Batch x = r.refine(init, 5);
    double a = SelfGuidanceTest.PATH.alpha(T);
    double s = SelfGuidanceTest.PATH.sigma(T);
    double[][] cov = GaussianWindowDenoiser.ar1Covariance(D, SelfGuidanceTest.PHI);
    double[][] m = new double[D][D];
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        m[i][j] = a * a * cov[i][j] + (i == j ? s * s : 0);
      }
    }
    double[][] p = SmallMatrices.invert(m);
    double[][] h = new double[D][D];
    double[] rhs = new double[D];
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        double pp = 0;
        for (int k = 0; k < D; k++) {
          pp += p[i][k] * p[k][j];
        }
        h[i][j] = a * a * s * s * pp + (i == j && i < SelfGuidanceTest.CONTEXT ? lambda : 0);
      }
      rhs[i] = i < SelfGuidanceTest.CONTEXT ? lambda * SelfGuidanceTest.CONTEXT_VALUES[i] : 0;
    }
    double[] expectedX = new double[D];
    for (int it = 0; it < iterations; it++) {
      double[] next = expectedX.clone();
      for (int i = 0; i < D; i++) {
        double hx = 0;
        for (int j = 0; j < D; j++) {
          hx += h[i][j] * expectedX[j];
        }
        next[i] -= lr * 2 * (hx - rhs[i]);
      }
      expectedX = next;
    }
    for (int i = 0; i < D; i++) {
      double expected = expectedX[i];
      double mean = 0;
      for (int row = 0; row < n; row++) {
        mean += x.get(row, i);
      }
      mean /= n;
      assertEquals(expected, mean, 0.03, "entry " + i);
    }
  }

  @Test
  void deterministicAndValidated() {
    Refinement r = refinement(SelfGuidance.Loss.QUANTILE, Refinement.Method.LANGEVIN, 1, 4, 0.1, 5);
    Batch init = Noise.standardNormal(3, 4, D);
    assertArrayEquals(r.refine(init, 9).data(), r.refine(init, 9).data());
    assertThrows(IllegalArgumentException.class, () -> refinement(SelfGuidance.Loss.MSE, Refinement.Method.LANGEVIN,
        1, 4, -0.1, 5));
    assertThrows(IllegalArgumentException.class, () -> Refinement.Method.parse("hmc"));
  }
}
