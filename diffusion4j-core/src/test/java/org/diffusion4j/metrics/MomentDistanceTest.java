package org.diffusion4j.metrics;

import static org.diffusion4j.metrics.MetricSupport.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** Mean and covariance errors, the Jacobi eigensolver and the Frechet distance against closed forms. */
class MomentDistanceTest {
  @Test
  void meanAndCovarianceOfASmallSample() {
    Batch x = new Batch(3, 2, new double[] {1, 2, 3, 6, 5, 4});
    assertArrayEquals(new double[] {3, 4}, Moments.mean(x), 1e-15);
    double[][] c = Moments.covariance(x);
    // Deviations (-2,-2), (0,2), (2,0): cov = [[8, 4], [4, 8]] / 2.
    assertArrayEquals(new double[] {4, 2}, c[0], 1e-15);
    assertArrayEquals(new double[] {2, 4}, c[1], 1e-15);
  }

  @Test
  void meanAndCovarianceErrorsOfTransformedSamples() {
    Batch a = gaussian(1, 500, new double[] {0, 1, 2}, 1);
    Batch shifted = a.copy();
    Batch scaled = a.copy().scale(2);
    for (int i = 0; i < a.n(); i++) {
      shifted.set(i, 0, a.get(i, 0) + 3);
      shifted.set(i, 2, a.get(i, 2) - 4);
    }
    assertEquals(5, new MeanError().between(a, shifted), 1e-12);
    assertEquals(0, new CovarianceError().between(a, shifted), 1e-12);
    // cov(2x) - cov(x) = 3 cov(x).
    double[][] c = Moments.covariance(a);
    double f = 0;
    for (double[] row : c) {
      for (double v : row) {
        f += 9 * v * v;
      }
    }
    assertEquals(Math.sqrt(f), new CovarianceError().between(a, scaled), 1e-12);
    double[] m = Moments.mean(a);
    assertEquals(Math.sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]), new MeanError().between(a, scaled), 1e-12);
    assertEquals(new MeanError().between(a, shifted),
        new MeanError().between(MetricSupport.shuffled(a, 1), MetricSupport.shuffled(shifted, 2)), 1e-12);
  }

  @Test
  void meanErrorOfGaussianSamplesWithinSampleBound() {
    int n = 20_000;
    Batch a = gaussian(3, n, new double[] {0, 0}, 1);
    Batch b = gaussian(4, n, new double[] {0.5, 0}, 1);
    // Each mean coordinate has sd sqrt(2 / n); the error is |(0.5, 0) + noise|.
    assertEquals(0.5, new MeanError().between(a, b), 5 * Math.sqrt(2.0 / n));
  }

  static double[][] randomSymmetric(long seed, int n) {
    Rng r = Rng.of(seed);
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        a[i][j] = r.nextGaussian();
        a[j][i] = a[i][j];
      }
    }
    return a;
  }

  /** A random SPD matrix B B^T + eps I. */
  static double[][] randomSpd(long seed, int n) {
    Rng r = Rng.of(seed);
    double[][] b = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        b[i][j] = r.nextGaussian();
      }
    }
    double[][] c = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          c[i][j] += b[i][k] * b[j][k];
        }
      }
      c[i][i] += 0.1;
    }
    return c;
  }

  @Test
  void jacobiReconstructsTheMatrix() {
    for (int n : new int[] {1, 2, 5, 12}) {
      double[][] a = randomSymmetric(n, n);
      SymmetricEigen e = SymmetricEigen.of(a);
      double[][] back = e.apply(x -> x);
      for (int i = 0; i < n; i++) {
        assertArrayEquals(a[i], back[i], 1e-12, "n=" + n);
        for (int j = 0; j < n; j++) {
          double dot = 0;
          for (int k = 0; k < n; k++) {
            dot += e.vectors()[k][i] * e.vectors()[k][j];
          }
          assertEquals(i == j ? 1 : 0, dot, 1e-13);
        }
        if (i > 0) {
          assertTrue(e.values()[i] >= e.values()[i - 1]);
        }
      }
    }
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    assertArrayEquals(new double[] {1, 3}, SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}}).values(), 1e-15);
    double[][] c = randomSpd(9, 6);
    double[][] s = SymmetricEigen.sqrtPsd(c);
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        double v = 0;
        for (int k = 0; k < 6; k++) {
          v += s[i][k] * s[k][j];
        }
        assertEquals(c[i][j], v, 1e-12);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}}));
    assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{Double.NaN}}));
  }

  @Test
  void frechetOfDiagonalGaussians() {
    // Commuting covariances: tr sqrt(C1^1/2 C2 C1^1/2) = sum sqrt(c1_i c2_i).
    double[] mu1 = {0, 1, -1};
    double[] mu2 = {1, 1, 1};
    double[] c1 = {1, 4, 0.25};
    double[] c2 = {9, 1, 0.25};
    double exact = 1 + 0 + 4 + (1 - 3) * (1 - 3) + (2 - 1) * (2 - 1) + 0;
    assertEquals(exact, FrechetDistance.ofGaussians(mu1, diag(c1), mu2, diag(c2)), 1e-12);
    // The same after rotating both covariances by one orthogonal Q (and the means).
    double[][] q = SymmetricEigen.of(randomSymmetric(3, 3)).vectors();
    assertEquals(exact, FrechetDistance.ofGaussians(rotate(q, mu1), conj(q, diag(c1)), rotate(q, mu2),
        conj(q, diag(c2))), 1e-11);
  }

  @Test
  void frechetOfNonCommuting2x2MatchesClosedForm() {
    // For 2x2 PSD M, tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)); M = C1^1/2 C2 C1^1/2 has
    // tr M = tr(C1 C2) and det M = det C1 det C2.
    for (long seed = 0; seed < 20; seed++) {
      double[][] c1 = randomSpd(seed, 2);
      double[][] c2 = randomSpd(seed + 100, 2);
      double trProd = c1[0][0] * c2[0][0] + c1[0][1] * c2[1][0] + c1[1][0] * c2[0][1] + c1[1][1] * c2[1][1];
      double det = (c1[0][0] * c1[1][1] - c1[0][1] * c1[1][0]) * (c2[0][0] * c2[1][1] - c2[0][1] * c2[1][0]);
      double trSqrt = Math.sqrt(trProd + 2 * Math.sqrt(det));
      double[] mu1 = {seed, 1};
      double[] mu2 = {0, -1};
      double exact = seed * seed + 4 + c1[0][0] + c1[1][1] + c2[0][0] + c2[1][1] - 2 * trSqrt;
      double got = FrechetDistance.ofGaussians(mu1, c1, mu2, c2);
      assertEquals(exact, got, 1e-10 * Math.max(1, exact), "seed " + seed);
      assertEquals(got, FrechetDistance.ofGaussians(mu2, c2, mu1, c1), 1e-10 * Math.max(1, exact));
    }
  }

  @Test
  void frechetIsZeroForEqualGaussiansAndSymmetricInHigherDimension() {
    double[][] c = randomSpd(1, 10);
    double[] mu = new double[10];
    assertEquals(0, FrechetDistance.ofGaussians(mu, c, mu, c), 1e-10);
    double[][] c2 = randomSpd(2, 10);
    assertEquals(FrechetDistance.ofGaussians(mu, c, mu, c2), FrechetDistance.ofGaussians(mu, c2, mu, c), 1e-9);
  }

  @Test
  void frechetOfSamplesConvergesToTheGaussianValue() {
    int n = 20_000;
    Batch a = gaussian(1, n, new double[] {0, 0, 0}, 1);
    Batch b = gaussian(2, n, new double[] {1, 0, 0}, 2);
    // Exact: |dm|^2 + d (s1 - s2)^2 = 1 + 3. The estimate's sd is O(1/sqrt(n)): mean term
    // 2 |dm| sqrt((s1^2 + s2^2)/n), covariance terms about sqrt(2 d) (s1^2 + s2^2)/sqrt(n).
    double sdBound = 2 * Math.sqrt(5.0 / n) + Math.sqrt(6) * 5 / Math.sqrt(n);
    FrechetDistance fd = new FrechetDistance();
    assertEquals(4, fd.between(a, b), 5 * sdBound);
    assertEquals(fd.between(a, b), fd.between(MetricSupport.shuffled(a, 1), MetricSupport.shuffled(b, 2)), 1e-10);
    assertThrows(IllegalArgumentException.class, () -> fd.between(new Batch(1, 3), b));
  }

  static double[][] diag(double[] v) {
    double[][] m = new double[v.length][v.length];
    for (int i = 0; i < v.length; i++) {
      m[i][i] = v[i];
    }
    return m;
  }

  static double[] rotate(double[][] q, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      for (int j = 0; j < v.length; j++) {
        out[i] += q[i][j] * v[j];
      }
    }
    return out;
  }

  /** Q A Q^T. */
  static double[][] conj(double[][] q, double[][] a) {
    int n = a.length;
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          for (int l = 0; l < n; l++) {
            s += q[i][k] * a[k][l] * q[j][l];
          }
        }
        out[i][j] = s;
      }
    }
    return out;
  }
}
