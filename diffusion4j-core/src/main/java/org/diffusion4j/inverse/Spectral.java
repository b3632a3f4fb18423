package org.diffusion4j.inverse;

import org.diffusion4j.array.Batch;

/**
 * The measurement seen in the SVD basis of a linear operator, shared by the projection, DDRM and
 * ODE solvers: singular values, which spectral coordinates are measured (s_i above the
 * pseudo-inverse cutoff), and ybar = Sigma^+ U^T y per row (the measured coordinates of V^T x
 * that explain y exactly).
 */
final class Spectral {
  final LinearOperator op;
  final Svd svd;
  final int n;
  final int m;
  final double[] s;
  final boolean[] measured;
  /** ybar, (rows, n): zero in unmeasured coordinates. */
  final double[] ybar;

  Spectral(LinearOperator op, Batch y) {
    this.op = op;
    this.svd = op.svd();
    this.n = op.inputDim();
    this.m = op.outputDim();
    double[] sv = svd.singulars();
    double max = 0;
    for (double v : sv) {
      max = Math.max(max, v);
    }
    double cut = LinearOperator.DEFAULT_RCOND * max;
    s = new double[n];
    measured = new boolean[n];
    for (int i = 0; i < m; i++) {
      s[i] = sv[i];
      measured[i] = sv[i] > cut;
    }
    ybar = new double[y.n() * n];
    double[] d = new double[m];
    for (int r = 0; r < y.n(); r++) {
      svd.ut(y.data(), r * m, d, 0);
      for (int i = 0; i < m; i++) {
        ybar[r * n + i] = measured[i] ? d[i] / s[i] : 0;
      }
    }
  }

  /** Spectral coefficients V^T x of every row into {@code c}. */
  void vt(Batch x, double[] c) {
    for (int r = 0; r < x.n(); r++) {
      svd.vt(x.data(), r * n, c, r * n);
    }
  }

  /** x = V c for every row. */
  void v(double[] c, Batch x) {
    for (int r = 0; r < x.n(); r++) {
      svd.v(c, r * n, x.data(), r * n);
    }
  }
}
