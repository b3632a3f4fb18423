package org.diffusion4j.metrics;

/**
 * Eigendecomposition A = V diag(values) V^T of a small real symmetric matrix by the cyclic Jacobi
 * method (Golub &amp; Van Loan, "Matrix Computations", 4th ed., Alg. 8.5.2 sym.schur2 and
 * Alg. 8.5.3). Quadratically convergent and accurate for small d (tens to a few hundred).
 *
 * @param values eigenvalues in ascending order
 * @param vectors V, whose column k is the unit eigenvector of values[k]
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
  private static final int MAX_SWEEPS = 100;

  /**
   * Decomposes the symmetric matrix {@code a} (not modified; its upper and lower triangles are
   * averaged).
   *
   * @throws IllegalArgumentException if {@code a} is not square or has a non-finite entry
   */
  public static SymmetricEigen of(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      if (a[i].length != n) {
        throw new IllegalArgumentException("matrix must be square, row " + i + " has length " + a[i].length
            + ", expected " + n);
      }
      for (int j = 0; j < n; j++) {
        if (!Double.isFinite(a[i][j])) {
          throw new IllegalArgumentException("matrix entry [" + i + "][" + j + "] = " + a[i][j] + " is not finite");
        }
      }
    }
    double norm2 = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        m[i][j] = 0.5 * (a[i][j] + a[j][i]);
        norm2 += m[i][j] * m[i][j];
      }
    }
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    double tol = 1e-32 * norm2;
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += m[p][q] * m[p][q];
        }
      }
      if (off <= tol) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (m[p][q] != 0) {
            rotate(m, v, p, q);
          }
        }
      }
    }
    double[] values = new double[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      values[i] = m[i][i];
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
    double[] sortedValues = new double[n];
    double[][] sortedVectors = new double[n][n];
    for (int k = 0; k < n; k++) {
      sortedValues[k] = values[order[k]];
      for (int i = 0; i < n; i++) {
        sortedVectors[i][k] = v[i][order[k]];
      }
    }
    return new SymmetricEigen(sortedValues, sortedVectors);
  }

  /** One Jacobi rotation J(p, q, theta) zeroing m[p][q]: m = J^T m J, v = v J. */
  private static void rotate(double[][] m, double[][] v, int p, int q) {
    double tau = (m[q][q] - m[p][p]) / (2 * m[p][q]);
    double t = tau >= 0 ? 1 / (tau + Math.sqrt(1 + tau * tau)) : -1 / (-tau + Math.sqrt(1 + tau * tau));
    double c = 1 / Math.sqrt(1 + t * t);
    double s = t * c;
    int n = m.length;
    for (int k = 0; k < n; k++) {
      double kp = m[k][p];
      double kq = m[k][q];
      m[k][p] = c * kp - s * kq;
      m[k][q] = s * kp + c * kq;
    }
    for (int k = 0; k < n; k++) {
      double pk = m[p][k];
      double qk = m[q][k];
      m[p][k] = c * pk - s * qk;
      m[q][k] = s * pk + c * qk;
    }
    m[p][q] = 0;
    m[q][p] = 0;
    for (int k = 0; k < n; k++) {
      double kp = v[k][p];
      double kq = v[k][q];
      v[k][p] = c * kp - s * kq;
      v[k][q] = s * kp + c * kq;
    }
  }

  /** V f(diag(values)) V^T, with f applied to each eigenvalue. */
  public double[][] apply(java.util.function.DoubleUnaryOperator f) {
    int n = values.length;
    double[] fv = new double[n];
    for (int k = 0; k < n; k++) {
      fv[k] = f.applyAsDouble(values[k]);
    }
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += vectors[i][k] * fv[k] * vectors[j][k];
        }
        out[i][j] = s;
        out[j][i] = s;
      }
    }
    return out;
  }

  /**
   * The principal square root of a symmetric positive semi-definite matrix; eigenvalues that are
   * negative by round-off are treated as 0.
   */
  public static double[][] sqrtPsd(double[][] a) {
    return of(a).apply(x -> Math.sqrt(Math.max(0, x)));
  }
}
