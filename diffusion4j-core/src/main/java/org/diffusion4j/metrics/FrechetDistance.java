package org.diffusion4j.metrics;

import org.diffusion4j.array.Batch;

/**
 * Squared Fréchet (2-Wasserstein) distance between Gaussians fitted to two feature sets — the
 * quantity reported as FID (Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule
 * Converge to a Local Nash Equilibrium", Eq. 6; Dowson &amp; Landau 1982):
 * d^2 = |mu_1 - mu_2|^2 + tr(C_1 + C_2 - 2 (C_1^{1/2} C_2 C_1^{1/2})^{1/2}).
 * The trace of the matrix square root is computed from a symmetric Jacobi eigendecomposition
 * ({@link SymmetricEigen}) of the symmetric PSD matrix C_1^{1/2} C_2 C_1^{1/2}, whose eigenvalues are
 * those of C_1 C_2; this is pure Java and meant for small feature dimensions (up to a few hundred).
 * Means and unbiased covariances are fitted by {@link Moments}. Features are the rows as given:
 * compute embeddings first if the metric should live in a feature space.
 */
public record FrechetDistance() implements SampleDistance {
  @Override
  public String name() {
    return "frechet";
  }

  @Override
  public double between(Batch a, Batch b) {
    Checks.requirePair(name(), a, b, 2);
    return ofGaussians(Moments.mean(a), Moments.covariance(a), Moments.mean(b), Moments.covariance(b));
  }

  /**
   * Squared Fréchet distance between N(mu1, c1) and N(mu2, c2) (covariances symmetric PSD).
   *
   * @throws IllegalArgumentException if the shapes disagree or an entry is not finite
   */
  public static double ofGaussians(double[] mu1, double[][] c1, double[] mu2, double[][] c2) {
    int d = mu1.length;
    if (mu2.length != d || c1.length != d || c2.length != d) {
      throw new IllegalArgumentException("Frechet distance: dimensions disagree (means " + d + " and " + mu2.length
          + ", covariances " + c1.length + " and " + c2.length + ")");
    }
    double[][] s1 = SymmetricEigen.sqrtPsd(c1);
    double[][] m = multiply(multiply(s1, symmetric(c2)), s1);
    double trSqrt = 0;
    for (double ev : SymmetricEigen.of(m).values()) {
      trSqrt += Math.sqrt(Math.max(0, ev));
    }
    double dist = 0;
    for (int i = 0; i < d; i++) {
      double r = mu1[i] - mu2[i];
      if (!Double.isFinite(r)) {
        throw new IllegalArgumentException("Frechet distance: mean entry " + i + " is not finite");
      }
      dist += r * r + c1[i][i] + c2[i][i];
    }
    return Math.max(0, dist - 2 * trSqrt);
  }

  private static double[][] symmetric(double[][] a) {
    int n = a.length;
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      if (a[i].length != n) {
        throw new IllegalArgumentException("Frechet distance: covariance row " + i + " has length " + a[i].length
            + ", expected " + n);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = 0.5 * (a[i][j] + a[j][i]);
      }
    }
    return s;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    double[][] c = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        double aik = a[i][k];
        for (int j = 0; j < n; j++) {
          c[i][j] += aik * b[k][j];
        }
      }
    }
    return c;
  }
}
