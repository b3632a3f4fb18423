package org.diffusion4j.pde;

import java.util.function.DoubleUnaryOperator;

/**
 * Finite-difference reference solver for the 1-D nonlinear Poisson problem
 *
 * <pre>
 *   -u''(x) + kappa u(x)^3 = f(x) on (a, b),   u(a) = left, u(b) = right,
 * </pre>
 *
 * on a uniform grid of n interior points, h = (b - a)/(n + 1): the second-order central difference
 * -(u_{i-1} - 2 u_i + u_{i+1})/h^2 + kappa u_i^3 = f(x_i), solved by Newton's method whose Jacobian
 * is tridiagonal (Thomas algorithm). kappa &gt;= 0 keeps the problem monotone, so the discrete
 * solution is unique; the global error is O(h^2) for smooth solutions (LeVeque, "Finite Difference
 * Methods for ODEs and PDEs", 2007, Ch. 2). The reference solver for the random-grid neural-process
 * experiments of issue 21 (first step only; the neural process itself is not built).
 */
public final class NonlinearPoisson1d {
  private NonlinearPoisson1d() {}

  /** The solution on the grid: x[i] and u[i], i = 0..n+1 including both boundary points. */
  public record Solution(double[] x, double[] u, int newtonIterations) {}

  /**
   * Solves to a Newton update below {@code 1e-13} in max norm (at most 50 iterations).
   *
   * @throws IllegalArgumentException if n &lt; 1, a &gt;= b, or kappa is negative or not finite
   * @throws ArithmeticException if Newton does not converge
   */
  public static Solution solve(DoubleUnaryOperator f, double kappa, double a, double b, double left, double right, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("interior points n must be >= 1, got " + n);
    }
    if (!(a < b) || !Double.isFinite(a) || !Double.isFinite(b)) {
      throw new IllegalArgumentException("interval must satisfy a < b (finite), got [" + a + ", " + b + "]");
    }
    if (!(kappa >= 0) || !Double.isFinite(kappa)) {
      throw new IllegalArgumentException("kappa must be finite and >= 0, got " + kappa);
    }
    double h = (b - a) / (n + 1);
    double[] x = new double[n + 2];
    double[] u = new double[n + 2];
    for (int i = 0; i < n + 2; i++) {
      x[i] = a + i * h;
      u[i] = left + (right - left) * i / (n + 1.0);
    }
    x[n + 1] = b;
    double[] rhs = new double[n];
    for (int i = 0; i < n; i++) {
      rhs[i] = f.applyAsDouble(x[i + 1]);
    }
    double invH2 = 1 / (h * h);
    double[] lower = new double[n];
    double[] diag = new double[n];
    double[] upper = new double[n];
    double[] residual = new double[n];
    for (int iteration = 1; iteration <= 50; iteration++) {
      for (int i = 0; i < n; i++) {
        double ui = u[i + 1];
        residual[i] = -(u[i] - 2 * ui + u[i + 2]) * invH2 + kappa * ui * ui * ui - rhs[i];
        lower[i] = -invH2;
        upper[i] = -invH2;
        diag[i] = 2 * invH2 + 3 * kappa * ui * ui;
      }
      double[] delta = thomas(lower, diag, upper, residual);
      double change = 0;
      for (int i = 0; i < n; i++) {
        u[i + 1] -= delta[i];
        change = Math.max(change, Math.abs(delta[i]));
      }
      if (change < 1e-13 * Math.max(1, maxAbs(u))) {
        return new Solution(x, u, iteration);
      }
    }
    throw new ArithmeticException("Newton did not converge in 50 iterations for n = " + n);
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double e : v) {
      m = Math.max(m, Math.abs(e));
    }
    return m;
  }

  /** Solves the tridiagonal system (lower[i] x[i-1] + diag[i] x[i] + upper[i] x[i+1] = r[i]); inputs are not modified. */
  static double[] thomas(double[] lower, double[] diag, double[] upper, double[] r) {
    int n = diag.length;
    double[] c = new double[n];
    double[] d = new double[n];
    c[0] = upper[0] / diag[0];
    d[0] = r[0] / diag[0];
    for (int i = 1; i < n; i++) {
      double m = diag[i] - lower[i] * c[i - 1];
      c[i] = upper[i] / m;
      d[i] = (r[i] - lower[i] * d[i - 1]) / m;
    }
    double[] out = new double[n];
    out[n - 1] = d[n - 1];
    for (int i = n - 2; i >= 0; i--) {
      out[i] = d[i] - c[i] * out[i + 1];
    }
    return out;
  }
}
