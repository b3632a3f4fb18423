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
}
