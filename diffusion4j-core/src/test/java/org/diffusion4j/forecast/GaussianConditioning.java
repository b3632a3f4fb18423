package org.diffusion4j.forecast;

/** Closed-form Gaussian conditioning for the AR(1) test: x ~ N(0, S), y = x[0..c) + N(0, v I). */
final class GaussianConditioning {
  private GaussianConditioning() {}

  /** {posterior mean, posterior marginal variance} of every entry given y observed on the first c entries. */
  static double[][] posterior(double[][] s, double[] y, double noiseVar) {
    int d = s.length;
    int c = y.length;
    // A = S_oo + v I (c x c); mean = S_.o A^{-1} y; cov = S - S_.o A^{-1} S_o.
    double[][] a = new double[c][c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        a[i][j] = s[i][j] + (i == j ? noiseVar : 0);
      }
    }
    double[][] inv = invert(a);
    double[] mean = new double[d];
    double[] var = new double[d];
    for (int i = 0; i < d; i++) {
      double[] w = new double[c];
      for (int j = 0; j < c; j++) {
        for (int k = 0; k < c; k++) {
          w[j] += s[i][k] * inv[k][j];
        }
      }
      double m = 0;
      double reduce = 0;
      for (int j = 0; j < c; j++) {
        m += w[j] * y[j];
        reduce += w[j] * s[j][i];
      }
      mean[i] = m;
      var[i] = s[i][i] - reduce;
    }
    return new double[][] {mean, var};
  }

  /** Gauss-Jordan inverse with partial pivoting (small well-conditioned matrices). */
  static double[][] invert(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int col = 0; col < n; col++) {
      int p = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[p][col])) {
          p = r;
        }
      }
      double[] tmp = m[col];
      m[col] = m[p];
      m[p] = tmp;
      double piv = m[col][col];
      for (int j = 0; j < 2 * n; j++) {
        m[col][j] /= piv;
      }
      for (int r = 0; r < n; r++) {
        if (r != col) {
          double f = m[r][col];
          for (int j = 0; j < 2 * n; j++) {
            m[r][j] -= f * m[col][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], n, inv[i], 0, n);
    }
    return inv;
  }
}
