package org.diffusion4j.compress;

import org.diffusion4j.metrics.SymmetricEigen;

/**
 * The nuclear norm ||A||_* = sum of singular values of a small m x n matrix, and its
 * (sub)gradient U V^T, the regulariser SaRA puts on its sparse trainable matrices
 * (sjtuplayer/SaRA {@code optim/adamw.py}, {@code nuclear_norm}: the sum of {@code torch.svd}'s
 * singular values). Computed from the eigendecomposition of the smaller Gram matrix
 * G = A A^T (or A^T A): ||A||_* = sum sqrt(eig(G)), and U V^T = G^{-1/2} A (or A G^{-1/2}) on the
 * range of A, with singular values below {@code 1e-7 * max} (float32 resolution) treated as zero (the subgradient
 * torch's SVD backward gives there is 0 too).
 *
 * @param value ||A||_*
 * @param gradient U V^T, row-major m x n
 */
public record NuclearNorm(double value, double[] gradient) {
  private static final double RELATIVE_CUTOFF = 1e-7;

  /** The nuclear norm and gradient of the row-major {@code rows} x {@code cols} matrix {@code a}. */
  public static NuclearNorm of(double[] a, int rows, int cols) {
    if (rows < 1 || cols < 1 || a.length != rows * cols) {
      throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix needs " + ((long) rows * cols)
          + " values, got " + a.length);
    }
    boolean wide = rows <= cols; // Gram matrix over the smaller side
    int k = wide ? rows : cols;
    double[][] g = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        double s = 0;
        if (wide) {
          for (int c = 0; c < cols; c++) {
            s += a[i * cols + c] * a[j * cols + c];
          }
        } else {
          for (int r = 0; r < rows; r++) {
            s += a[r * cols + i] * a[r * cols + j];
          }
        }
        g[i][j] = s;
        g[j][i] = s;
      }
    }
    SymmetricEigen e = SymmetricEigen.of(g);
    double maxEig = 0;
    for (double v : e.values()) {
      maxEig = Math.max(maxEig, v);
    }
    double cutoff = RELATIVE_CUTOFF * Math.sqrt(maxEig);
    double value = 0;
    for (double v : e.values()) {
      double s = Math.sqrt(Math.max(0, v));
      if (s > cutoff) {
        value += s;
      }
    }
    double[][] inverseRoot = e.apply(v -> {
      double s = Math.sqrt(Math.max(0, v));
      return s > cutoff ? 1 / s : 0;
    });
    double[] grad = new double[a.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double s = 0;
        if (wide) {
          for (int q = 0; q < k; q++) {
            s += inverseRoot[r][q] * a[q * cols + c];
          }
        } else {
          for (int q = 0; q < k; q++) {
            s += a[r * cols + q] * inverseRoot[q][c];
          }
        }
        grad[r * cols + c] = s;
      }
    }
    return new NuclearNorm(value, grad);
  }
}
