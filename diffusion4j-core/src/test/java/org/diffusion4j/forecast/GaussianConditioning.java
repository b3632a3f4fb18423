package org.diffusion4j.forecast;

import org.diffusion4j.array.SmallMatrices;

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
    double[][] inv = SmallMatrices.invert(a);
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
}
