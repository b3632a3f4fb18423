package org.diffusion4j.nn.ambient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.net.UNet2dConfig;
import org.diffusion4j.path.VpCosinePath;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class AmbientDiffusionTest {
  private static final double[] MU = {1.0, -0.5};
  private static final double[][] SIGMA = {{1.0, 0.6}, {0.6, 0.8}};
  private static final double KEEP = 0.6;
  private static final double DELTA = 0.3;
  private static final double T = 0.5;
  private static final int N = 400_000;

  /**
   * 2-D Gaussian data seen only through random coordinate masks (keep 0.6). The ambient objective's
   * optimum, fitted in closed form as a weighted least-squares regression per further-mask pattern
   * (a linear model is exact here: E[x0 | A~ x_t] is affine for Gaussian data), is the clean
   * posterior mean E[x0 | A~ x_t] (Daras et al. 2023, Sec. 3). From it we read off the clean
   * mean (pattern: nothing observed) and covariance (patterns {0} and {1}: the slope of the
   * observed coordinate gives its variance, of the hidden one the cross-covariance, although the
   * hidden coordinate is never an input). The naive model, an ordinary denoiser on the zero-filled
   * observations, learns the zero-filled law instead: mean keep mu, variance keep Sigma_ii +
   * keep (1 - keep) mu_i^2, covariance keep^2 Sigma_01. Sampling error of the recovered moments is
   * about 0.02 at this n; the tolerance is 0.07, the naive errors are 0.16 to 0.4.
   */
  @Test
  void maskedObjectiveRecoversCleanMomentsWhileZeroFillingDoesNot() {
    VpCosinePath path = new VpCosinePath();
    double a = path.alpha(T);
    double s = path.sigma(T);
    Batch clean = gaussian(N, 11);
    AmbientDiffusion.Observed observed = AmbientDiffusion.observe(clean, KEEP, 12);
    int[] rows = new int[N];
    double[] t = new double[N];
    for (int i = 0; i < N; i++) {
      rows[i] = i;
      t[i] = T;
    }
    AmbientDiffusion.TrainingBatch b = AmbientDiffusion.trainingBatch(observed, rows, t, DELTA, path, Rng.of(13));
    // the network input never contains a pixel outside the observation mask
    for (int g = 0; g < 2 * N; g++) {
      assertTrue(b.furtherMask()[g] <= observed.mask().data()[g]);
      assertTrue(b.furtherMask()[g] == 1 || b.input()[g] == 0);
    }

    double[] mean = new double[2];
    for (int j = 0; j < 2; j++) {
      mean[j] = fit(b, new boolean[] {false, false}, j)[0];
    }
    double[][] cov = new double[2][2];
    for (int k = 0; k < 2; k++) {
      boolean[] pattern = {k == 0, k == 1};
      double slopeOwn = fit(b, pattern, k)[1];
      cov[k][k] = slopeOwn * s * s / (a * (1 - a * slopeOwn));
      double slopeOther = fit(b, pattern, 1 - k)[1];
      cov[1 - k][k] = slopeOther * (a * a * cov[k][k] + s * s) / a;
    }

    // naive: a denoiser of the zero-filled observations as if they were clean (every pixel input and target)
    Batch ones = new Batch(N, 2);
    Arrays.fill(ones.data(), 1);
    AmbientDiffusion.TrainingBatch z = AmbientDiffusion.trainingBatch(new AmbientDiffusion.Observed(observed.y(), ones),
        rows, t, 0, path, Rng.of(13));
    double[][] coef = new double[2][];
    for (int j = 0; j < 2; j++) {
      coef[j] = fit(z, new boolean[] {true, true}, j); // [c, K_j0, K_j1]
    }
    // E[z | u] = c + K u with c = (I - a K) mu_z and K (a^2 Sigma_z + s^2) = a Sigma_z
    double[][] k = {{coef[0][1], coef[0][2]}, {coef[1][1], coef[1][2]}};
    double[][] iak = {{1 - a * k[0][0], -a * k[0][1]}, {-a * k[1][0], 1 - a * k[1][1]}};
    double[] naiveMean = solve2(iak, new double[] {coef[0][0], coef[1][0]});
    double[][] naiveCov = mul2(inverse2(new double[][] {{a * iak[0][0], a * iak[0][1]}, {a * iak[1][0], a * iak[1][1]}}),
        k);
    for (double[] r : naiveCov) {
      r[0] *= s * s;
      r[1] *= s * s;
    }

    System.out.printf("ambient mean %s cov %s%nnaive   mean %s cov %s%n", Arrays.toString(mean),
        Arrays.deepToString(cov), Arrays.toString(naiveMean), Arrays.deepToString(naiveCov));
    double tol = 0.07;
    double naiveWorst = 0;
    for (int i = 0; i < 2; i++) {
      assertEquals(MU[i], mean[i], tol, "mean " + i);
      assertEquals(KEEP * MU[i], naiveMean[i], tol, "naive mean " + i);
      naiveWorst = Math.max(naiveWorst, Math.abs(naiveMean[i] - MU[i]));
      for (int j = 0; j < 2; j++) {
        assertEquals(SIGMA[i][j], cov[i][j], tol, "cov " + i + j);
        double zeroFilled = i == j ? KEEP * SIGMA[i][i] + KEEP * (1 - KEEP) * MU[i] * MU[i] : KEEP * KEEP * SIGMA[i][j];
        assertEquals(zeroFilled, naiveCov[i][j], tol, "naive cov " + i + j);
        naiveWorst = Math.max(naiveWorst, Math.abs(naiveCov[i][j] - SIGMA[i][j]));
      }
    }
    assertTrue(naiveWorst > 3 * tol, "the naive model should be visibly wrong, worst error " + naiveWorst);
  }

  @Test
  void sameSeedGivesBitwiseIdenticalTrainingAndSamples() {
    Batch digits = Mnist.rows(Mnist.train(), 0, 16, "few").data();
    AmbientDiffusion.Config cfg = tinyConfig();
    AmbientDiffusion.Observed o1 = AmbientDiffusion.observe(digits, cfg.keep(), 5);
    AmbientDiffusion.Observed o2 = AmbientDiffusion.observe(digits, cfg.keep(), 5);
    assertArrayEquals(o1.y().data(), o2.y().data());
    assertArrayEquals(o1.mask().data(), o2.mask().data());
    double[] first;
    double[] second;
    try (AmbientDiffusion m = AmbientDiffusion.create(cfg)) {
      m.train(o1, 3, 60, ProgressListener.NONE);
      first = m.sample(2, 2, 9).data();
    }
    try (AmbientDiffusion m = AmbientDiffusion.create(cfg)) {
      m.train(o2, 3, 60, ProgressListener.NONE);
      second = m.sample(2, 2, 9).data();
    }
    assertArrayEquals(first, second);
    try (AmbientDiffusion m = AmbientDiffusion.create(cfg)) {
      m.train(AmbientDiffusion.observe(digits, cfg.keep(), 6), 3, 60, ProgressListener.NONE);
      assertTrue(!Arrays.equals(first, m.sample(2, 2, 9).data()), "another observation seed should change the model");
    }
  }

  @Test
  void badSettingsAreRejected() {
    UNet2dConfig net = tinyConfig().network();
    assertThrows(IllegalArgumentException.class, () -> new AmbientDiffusion.Config(0, 0.1, net, 4, 1e-3, 0));
    assertThrows(IllegalArgumentException.class, () -> new AmbientDiffusion.Config(1.5, 0.1, net, 4, 1e-3, 0));
    assertThrows(IllegalArgumentException.class, () -> new AmbientDiffusion.Config(0.7, 0, net, 4, 1e-3, 0));
    assertThrows(IllegalArgumentException.class, () -> new AmbientDiffusion.Config(0.7, 1, net, 4, 1e-3, 0));
    assertThrows(IllegalArgumentException.class, () -> AmbientDiffusion.observe(new Batch(2, 4), -0.1, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AmbientDiffusion.Observed(new Batch(2, 4), new Batch(2, 3)));
    assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
  }

  private static AmbientDiffusion.Config tinyConfig() {
    UNet2dConfig net = new UNet2dConfig(1, 28, 28, 4, new int[] {1, 2}, 1, new int[0], 1, 0.0, 2, 0, 1, 3);
    return new AmbientDiffusion.Config(0.7, 0.1, net, 4, 1e-3, 3);
  }

  /** n draws of N(MU, SIGMA) by the Cholesky factor. */
  private static Batch gaussian(int n, long seed) {
    double l00 = Math.sqrt(SIGMA[0][0]);
    double l10 = SIGMA[1][0] / l00;
    double l11 = Math.sqrt(SIGMA[1][1] - l10 * l10);
    Rng r = Rng.of(seed);
    Batch x = new Batch(n, 2);
    for (int i = 0; i < n; i++) {
      double e0 = r.nextGaussian();
      double e1 = r.nextGaussian();
      x.set(i, 0, MU[0] + l00 * e0);
      x.set(i, 1, MU[1] + l10 * e0 + l11 * e1);
    }
    return x;
  }

  /**
   * The ambient loss's minimiser for output coordinate j among rows whose further mask equals
   * {@code pattern}: weighted least squares of the target on [1, inputs in the pattern] with the
   * observation mask as weights (the loss only sees observed targets). Returns [intercept, slopes...].
   */
  private static double[] fit(AmbientDiffusion.TrainingBatch b, boolean[] pattern, int j) {
    int p = 1;
    for (boolean q : pattern) {
      p += q ? 1 : 0;
    }
    double[][] xtx = new double[p][p];
    double[] xty = new double[p];
    int n = b.t().length;
    double[] f = new double[p];
    for (int i = 0; i < n; i++) {
      boolean match = true;
      for (int k = 0; k < 2; k++) {
        match &= (b.furtherMask()[2 * i + k] == 1) == pattern[k];
      }
      double w = b.lossMask()[2 * i + j];
      if (!match || w == 0) {
        continue;
      }
      f[0] = 1;
      int c = 1;
      for (int k = 0; k < 2; k++) {
        if (pattern[k]) {
          f[c++] = b.input()[2 * i + k];
        }
      }
      for (int r = 0; r < p; r++) {
        xty[r] += f[r] * b.target()[2 * i + j];
        for (int q = 0; q < p; q++) {
          xtx[r][q] += f[r] * f[q];
        }
      }
    }
    return solve(xtx, xty);
  }

  private static double[] solve(double[][] m, double[] v) {
    int p = v.length;
    double[][] a = new double[p][];
    double[] y = v.clone();
    for (int i = 0; i < p; i++) {
      a[i] = m[i].clone();
    }
    for (int c = 0; c < p; c++) {
      for (int r = c + 1; r < p; r++) {
        double f = a[r][c] / a[c][c];
        for (int q = c; q < p; q++) {
          a[r][q] -= f * a[c][q];
        }
        y[r] -= f * y[c];
      }
    }
    double[] x = new double[p];
    for (int r = p - 1; r >= 0; r--) {
      double acc = y[r];
      for (int q = r + 1; q < p; q++) {
        acc -= a[r][q] * x[q];
      }
      x[r] = acc / a[r][r];
    }
    return x;
  }

  private static double[] solve2(double[][] m, double[] v) {
    return solve(m, v);
  }

  private static double[][] inverse2(double[][] m) {
    double det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    return new double[][] {{m[1][1] / det, -m[0][1] / det}, {-m[1][0] / det, m[0][0] / det}};
  }

  private static double[][] mul2(double[][] x, double[][] y) {
    double[][] r = new double[2][2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        r[i][j] = x[i][0] * y[0][j] + x[i][1] * y[1][j];
      }
    }
    return r;
  }
}
