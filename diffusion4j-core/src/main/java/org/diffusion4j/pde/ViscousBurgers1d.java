package org.diffusion4j.pde;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Finite-difference reference solver for the viscous Burgers equation with a source,
 *
 * <pre>
 *   u_t + (u^2 / 2)_x = nu u_xx + s(x, t) on (0, 1) x (0, T],   u(0, t) = u(1, t) = 0,   u(x, 0) = u0(x),
 * </pre>
 *
 * central differences on n interior points (h = 1/(n+1)) for both the conservative flux and the
 * diffusion, and the Crank-Nicolson rule in time, each step solved by Newton's method on the
 * tridiagonal Jacobian. Second order in h and in dt for smooth solutions (LeVeque 2007, Ch. 9-10);
 * without a source and with u0 = -sin(pi x) it is the standard test problem of Raissi et al.'s
 * physics-informed networks. A reference solver for issue 21's neural-process experiments.
 */
public final class ViscousBurgers1d {
  private ViscousBurgers1d() {}

  /**
   * u on the grid x_i = i h, i = 0..n+1, at time {@code tEnd} after {@code steps} equal steps.
   *
   * @throws IllegalArgumentException if n or steps &lt; 1, or nu or tEnd are not positive and finite
   * @throws ArithmeticException if a Newton solve does not converge
   */
  public static double[] solve(DoubleUnaryOperator u0, DoubleBinaryOperator source, double nu, double tEnd, int n, int steps) {
    if (n < 1 || steps < 1) {
      throw new IllegalArgumentException("n and steps must be >= 1, got n = " + n + ", steps = " + steps);
    }
    if (!(nu > 0) || !Double.isFinite(nu)) {
      throw new IllegalArgumentException("viscosity nu must be positive and finite, got " + nu);
    }
    if (!(tEnd > 0) || !Double.isFinite(tEnd)) {
      throw new IllegalArgumentException("end time must be positive and finite, got " + tEnd);
    }
    double h = 1.0 / (n + 1);
    double dt = tEnd / steps;
    double[] u = new double[n + 2];
    for (int i = 1; i <= n; i++) {
      u[i] = u0.applyAsDouble(i * h);
    }
    double[] explicitHalf = new double[n + 2];
    double[] v = new double[n + 2];
    double[] lower = new double[n];
    double[] diag = new double[n];
    double[] upper = new double[n];
    double[] residual = new double[n];
    for (int k = 0; k < steps; k++) {
      double t0 = k * dt;
      double t1 = (k + 1) * dt;
      for (int i = 1; i <= n; i++) {
        explicitHalf[i] = u[i] + 0.5 * dt * (rate(u, i, h, nu) + source.applyAsDouble(i * h, t0) + source.applyAsDouble(i * h, t1));
      }
      System.arraycopy(u, 0, v, 0, n + 2);
      boolean converged = false;
      for (int iteration = 0; iteration < 50 && !converged; iteration++) {
        for (int i = 1; i <= n; i++) {
          residual[i - 1] = v[i] - 0.5 * dt * rate(v, i, h, nu) - explicitHalf[i];
          diag[i - 1] = 1 + dt * nu / (h * h);
          upper[i - 1] = 0.5 * dt * (v[i + 1] / (2 * h) - nu / (h * h));
          lower[i - 1] = -0.5 * dt * (v[i - 1] / (2 * h) + nu / (h * h));
        }
        double[] delta = NonlinearPoisson1d.thomas(lower, diag, upper, residual);
        double change = 0;
        for (int i = 1; i <= n; i++) {
          v[i] -= delta[i - 1];
          change = Math.max(change, Math.abs(delta[i - 1]));
        }
        converged = change < 1e-13;
      }
      if (!converged) {
        throw new ArithmeticException("Newton did not converge at step " + k + " (t = " + t1 + ")");
      }
      System.arraycopy(v, 0, u, 0, n + 2);
    }
    return u;
  }

  /** -(u_{i+1}^2 - u_{i-1}^2)/(4h) + nu (u_{i-1} - 2 u_i + u_{i+1})/h^2. */
  private static double rate(double[] u, int i, double h, double nu) {
    return -(u[i + 1] * u[i + 1] - u[i - 1] * u[i - 1]) / (4 * h) + nu * (u[i - 1] - 2 * u[i] + u[i + 1]) / (h * h);
  }
}
