package org.diffusion4j.inverse;

/**
 * The SVD of a small dense square matrix B = U diag(s) V^T by one-sided Jacobi rotations
 * (Hestenes 1958; Demmel &amp; Veselic 1992, which also shows it computes small singular values
 * to high relative accuracy). For the 1-D factors of separable blurs (side 28); O(n^3) per sweep.
 * Singular values are sorted descending; a column whose singular value underflows to 0 gets an
 * orthonormal completion by Gram-Schmidt so that U stays orthogonal.
 */
final class DenseSvd {
  /** Row-major n x n factors: b = u diag(s) v^T. */
  final double[] u;
  final double[] s;
  final double[] v;
  final int n;

  private DenseSvd(int n, double[] u, double[] s, double[] v) {
    this.n = n;
    this.u = u;
    this.s = s;
    this.v = v;
  }

  /**
   * The same factors with every singular value below {@code zero} set to 0: the SVD of the
   * truncated matrix U diag(s') V^T (DDRM's {@code Deblurring}, ZERO = 3e-2).
   */
  DenseSvd truncatedBelow(double zero) {
    double[] st = s.clone();
    for (int i = 0; i < st.length; i++) {
      if (st[i] < zero) {
        st[i] = 0;
      }
    }
    return new DenseSvd(n, u, st, v);
  }

  /** U diag(s) V^T as [row][col]. */
  double[][] matrix() {
    double[][] b = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int k = 0; k < n; k++) {
          acc += u[i * n + k] * s[k] * v[j * n + k];
        }
        b[i][j] = acc;
      }
    }
    return b;
  }

  static DenseSvd of(double[][] b) {
    int n = b.length;
    // Columns of w start as those of b; rotations make them mutually orthogonal: w = b v.
    double[][] w = new double[n][n]; // w[col][row]
    double[][] vc = new double[n][n]; // vc[col][row]
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[j][i] = b[i][j];
      }
      vc[i][i] = 1;
    }
    for (int sweep = 0; sweep < 60; sweep++) {
      boolean rotated = false;
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          double alpha = dot(w[p], w[p]);
          double beta = dot(w[q], w[q]);
          double gamma = dot(w[p], w[q]);
          if (gamma == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {
            continue;
          }
          rotated = true;
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          if (zeta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(1 + t * t);
          double sn = c * t;
          rotate(w[p], w[q], c, sn);
          rotate(vc[p], vc[q], c, sn);
        }
      }
      if (!rotated) {
        break;
      }
    }
    Integer[] order = new Integer[n];
    double[] norms = new double[n];
    for (int j = 0; j < n; j++) {
      order[j] = j;
      norms[j] = Math.sqrt(dot(w[j], w[j]));
    }
    java.util.Arrays.sort(order, (a, c) -> Double.compare(norms[c], norms[a]));
    double[] s = new double[n];
    double[][] uc = new double[n][];
    double[][] vs = new double[n][];
    double max = norms[order[0]];
    for (int k = 0; k < n; k++) {
      int j = order[k];
      s[k] = norms[j];
      vs[k] = vc[j];
      if (norms[j] > 1e-300 && norms[j] > 1e-14 * max) {
        uc[k] = new double[n];
        for (int i = 0; i < n; i++) {
          uc[k][i] = w[j][i] / norms[j];
        }
      }
    }
    // Orthonormal completion of U where the singular value is (numerically) zero.
    for (int k = 0; k < n; k++) {
      if (uc[k] != null) {
        continue;
      }
      if (s[k] <= 1e-14 * max) {
        s[k] = 0;
      }
      for (int e = 0; e < n && uc[k] == null; e++) {
        double[] cand = new double[n];
        cand[e] = 1;
        for (int l = 0; l < n; l++) {
          if (uc[l] != null) {
            double d = dot(cand, uc[l]);
            for (int i = 0; i < n; i++) {
              cand[i] -= d * uc[l][i];
            }
          }
        }
        double nr = Math.sqrt(dot(cand, cand));
        if (nr > 1e-6) {
          for (int i = 0; i < n; i++) {
            cand[i] /= nr;
          }
          uc[k] = cand;
        }
      }
    }
    double[] u = new double[n * n];
    double[] v = new double[n * n];
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < n; i++) {
        u[i * n + k] = uc[k][i];
        v[i * n + k] = vs[k][i];
      }
    }
    return new DenseSvd(n, u, s, v);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void rotate(double[] a, double[] b, double c, double s) {
    for (int i = 0; i < a.length; i++) {
      double x = a[i];
      double y = b[i];
      a[i] = c * x - s * y;
      b[i] = s * x + c * y;
    }
  }
}
