package org.diffusion4j.metrics;

import org.diffusion4j.array.Batch;

/** Sample mean and covariance of the rows of a batch (two-pass, for accuracy). */
public final class Moments {
  private Moments() {}

  /** The mean row. */
  public static double[] mean(Batch x) {
    Checks.requireRows("mean", "input", x, 1);
    int d = x.d();
    double[] m = new double[d];
    double[] xs = x.data();
    for (int i = 0; i < x.n(); i++) {
      for (int j = 0; j < d; j++) {
        m[j] += xs[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      m[j] /= x.n();
    }
    return m;
  }

  /** The unbiased sample covariance (divisor n - 1), a d x d matrix. */
  public static double[][] covariance(Batch x) {
    Checks.requireRows("covariance", "input", x, 2);
    int d = x.d();
    double[] m = mean(x);
    double[][] c = new double[d][d];
    double[] xs = x.data();
    double[] r = new double[d];
    for (int i = 0; i < x.n(); i++) {
      for (int j = 0; j < d; j++) {
        r[j] = xs[i * d + j] - m[j];
      }
      for (int j = 0; j < d; j++) {
        for (int k = j; k < d; k++) {
          c[j][k] += r[j] * r[k];
        }
      }
    }
    for (int j = 0; j < d; j++) {
      for (int k = j; k < d; k++) {
        c[j][k] /= x.n() - 1;
        c[k][j] = c[j][k];
      }
    }
    return c;
  }
}
