package org.diffusion4j.array;

/** Dense linear algebra on small {@code double[][]} matrices (a few hundred rows at most). */
public final class SmallMatrices {
  private SmallMatrices() {}

  /**
   * The inverse of a square matrix by Gauss-Jordan elimination with partial pivoting; {@code a} is
   * not modified.
   *
   * @throws IllegalArgumentException if a pivot is exactly zero (the matrix is singular)
   */
  public static double[][] invert(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
          piv = r;
        }
      }
      if (m[piv][c] == 0) {
        throw new IllegalArgumentException("matrix is singular");
      }
      double[] tmp = m[c];
      m[c] = m[piv];
      m[piv] = tmp;
      double p = m[c][c];
      for (int k = 0; k < 2 * n; k++) {
        m[c][k] /= p;
      }
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = m[r][c];
          for (int k = 0; k < 2 * n; k++) {
            m[r][k] -= f * m[c][k];
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

  /**
   * Solves A y = b by Gaussian elimination with partial pivoting; neither argument is modified.
   *
   * @throws IllegalArgumentException if a pivot is exactly zero (the matrix is singular)
   */
  public static double[] solve(double[][] a, double[] b) {
    double[][] column = new double[b.length][1];
    for (int i = 0; i < b.length; i++) {
      column[i][0] = b[i];
    }
    double[][] y = solve(a, column);
    double[] out = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = y[i][0];
    }
    return out;
  }

  /**
   * Solves A X = B (several right-hand sides, the columns of B) by Gaussian elimination with
   * partial pivoting; neither argument is modified. Each column gets exactly the operations a
   * single-column solve would, so results do not depend on how many columns are solved together.
   *
   * @throws IllegalArgumentException if a pivot is exactly zero (the matrix is singular)
   */
  public static double[][] solve(double[][] a, double[][] b) {
    int n = a.length;
    if (b.length != n) {
      throw new IllegalArgumentException("A has " + n + " rows but B has " + b.length);
    }
    int m = n == 0 ? 0 : b[0].length;
    double[][] u = new double[n][];
    double[][] y = new double[n][];
    for (int i = 0; i < n; i++) {
      u[i] = a[i].clone();
      y[i] = b[i].clone();
    }
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(u[r][c]) > Math.abs(u[piv][c])) {
          piv = r;
        }
      }
      if (u[piv][c] == 0) {
        throw new IllegalArgumentException("matrix is singular");
      }
      double[] t = u[c];
      u[c] = u[piv];
      u[piv] = t;
      t = y[c];
      y[c] = y[piv];
      y[piv] = t;
      for (int r = c + 1; r < n; r++) {
        double f = u[r][c] / u[c][c];
        for (int k = c; k < n; k++) {
          u[r][k] -= f * u[c][k];
        }
        for (int j = 0; j < m; j++) {
          y[r][j] -= f * y[c][j];
        }
      }
    }
    double[][] x = new double[n][m];
    for (int r = n - 1; r >= 0; r--) {
      for (int j = 0; j < m; j++) {
        double s = y[r][j];
        for (int k = r + 1; k < n; k++) {
          s -= u[r][k] * x[k][j];
        }
        x[r][j] = s / u[r][r];
      }
    }
    return x;
  }
}
