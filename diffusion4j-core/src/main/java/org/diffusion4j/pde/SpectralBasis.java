package org.diffusion4j.pde;

/**
 * Basis functions with exact derivatives, evaluated at arbitrary points: the decoder of the
 * random-grid neural process writes its solution as a linear combination of them, so the PDE
 * residual at any collocation point needs no automatic differentiation in x or t. Matrices are
 * row-major (points, functions).
 */
public final class SpectralBasis {
  private SpectralBasis() {}

  /**
   * The derivative of order {@code derivative} (0, 1 or 2) of sin(j pi (x - a)/(b - a)), j = 1..modes, at
   * each point: every combination vanishes at a and b (homogeneous Dirichlet conditions hold exactly).
   */
  public static double[] sine(double[] x, int modes, double a, double b, int derivative) {
    checkModes(modes, derivative);
    double length = b - a;
    double[] out = new double[x.length * modes];
    for (int i = 0; i < x.length; i++) {
      double s = (x[i] - a) / length;
      for (int j = 1; j <= modes; j++) {
        double k = j * Math.PI / length;
        double angle = j * Math.PI * s;
        out[i * modes + j - 1] = switch (derivative) {
          case 0 -> Math.sin(angle);
          case 1 -> k * Math.cos(angle);
          default -> -k * k * Math.sin(angle);
        };
      }
    }
    return out;
  }

  /**
   * The derivative of order {@code derivative} (0 or 1) of the shifted Legendre polynomials
   * P_m(2 (t - t0)/(t1 - t0) - 1), m = 0..degrees-1, by the three-term recurrence
   * (m+1) P_{m+1} = (2m+1) s P_m - m P_{m-1} and P'_{m+1} = P'_{m-1} + (2m+1) P_m (Abramowitz &amp; Stegun 22.7.10, 22.8.5).
   */
  public static double[] legendre(double[] t, int degrees, double t0, double t1, int derivative) {
    if (degrees < 1 || derivative < 0 || derivative > 1) {
      throw new IllegalArgumentException("need degrees >= 1 and derivative 0 or 1, got " + degrees + ", " + derivative);
    }
    double scale = 2 / (t1 - t0);
    double[] out = new double[t.length * degrees];
    double[] p = new double[degrees];
    double[] dp = new double[degrees];
    for (int i = 0; i < t.length; i++) {
      double s = scale * (t[i] - t0) - 1;
      p[0] = 1;
      dp[0] = 0;
      if (degrees > 1) {
        p[1] = s;
        dp[1] = 1;
      }
      for (int m = 1; m + 1 < degrees; m++) {
        p[m + 1] = ((2 * m + 1) * s * p[m] - m * p[m - 1]) / (m + 1);
        dp[m + 1] = dp[m - 1] + (2 * m + 1) * p[m];
      }
      for (int m = 0; m < degrees; m++) {
        out[i * degrees + m] = derivative == 0 ? p[m] : dp[m] * scale;
      }
    }
    return out;
  }

  /**
   * Row-wise tensor product: row i is the outer product of row i of {@code left} (width
   * {@code leftWidth}) and row i of {@code right}, flattened left-major (index j * rightWidth + m).
   */
  public static double[] rowProduct(double[] left, int leftWidth, double[] right, int rightWidth) {
    int n = left.length / leftWidth;
    if (left.length != n * leftWidth || right.length != n * rightWidth) {
      throw new IllegalArgumentException("row counts differ: " + left.length + "/" + leftWidth + " vs " + right.length + "/" + rightWidth);
    }
    double[] out = new double[n * leftWidth * rightWidth];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < leftWidth; j++) {
        double l = left[i * leftWidth + j];
        for (int m = 0; m < rightWidth; m++) {
          out[(i * leftWidth + j) * rightWidth + m] = l * right[i * rightWidth + m];
        }
      }
    }
    return out;
  }

  private static void checkModes(int modes, int derivative) {
    if (modes < 1 || derivative < 0 || derivative > 2) {
      throw new IllegalArgumentException("need modes >= 1 and derivative in 0..2, got " + modes + ", " + derivative);
    }
  }
}
