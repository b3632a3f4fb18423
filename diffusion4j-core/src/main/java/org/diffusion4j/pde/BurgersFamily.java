package org.diffusion4j.pde;

import java.util.Map;
import java.util.TreeMap;

/**
 * Parametric viscous Burgers problems u_t + u u_x = nu u_xx on (0, 1) x (0, T], u = 0 at x = 0, 1,
 * with the initial condition u0(x; theta) = amplitude * sum_j theta_j sin(j pi x) / j.
 * Reference: {@link ViscousBurgers1d} on 255 interior points with dt = T/256 (cell Peclet number
 * |u| h / nu below 2 while |u| &lt; 512 nu, i.e. |u| &lt; 25 at the default nu = 0.05).
 *
 * @param nu viscosity, &gt; 0
 * @param endTime T
 * @param parameters number of sine modes in u0
 * @param amplitude initial-condition scale
 */
public record BurgersFamily(double nu, double endTime, int parameters, double amplitude) implements ParametricPde {
  /** Interior points and time steps of the reference solve. */
  public static final int REFERENCE_POINTS = 255;

  public static final int REFERENCE_STEPS = 256;

  public BurgersFamily {
    if (!(nu > 0) || !Double.isFinite(nu)) {
      throw new IllegalArgumentException("viscosity nu must be positive and finite, got " + nu);
    }
    if (!(endTime > 0) || !Double.isFinite(endTime)) {
      throw new IllegalArgumentException("end time must be positive and finite, got " + endTime);
    }
    if (parameters < 1 || parameters > 64) {
      throw new IllegalArgumentException("parameters must be in [1, 64], got " + parameters);
    }
    if (!(amplitude > 0) || !Double.isFinite(amplitude)) {
      throw new IllegalArgumentException("amplitude must be positive and finite, got " + amplitude);
    }
  }

  /** nu 0.05, T 0.5, 3 modes, amplitude 0.5. */
  public static BurgersFamily defaults() {
    return new BurgersFamily(0.05, 0.5, 3, 0.5);
  }

  @Override
  public String name() {
    return "burgers";
  }

  @Override
  public double[] inputFunction(double[] theta, double[] x) {
    checkParameters(theta);
    double[] u = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      u[i] = initial(theta, x[i]);
    }
    return u;
  }

  private double initial(double[] theta, double x) {
    double s = 0;
    for (int j = 1; j <= parameters; j++) {
      s += theta[j - 1] * Math.sin(j * Math.PI * x) / j;
    }
    return amplitude * s;
  }

  /** One solve per distinct time t_i in [0, T] (dt at most T/256). */
  @Override
  public double[] reference(double[] theta, double[] x, double[] t) {
    checkParameters(theta);
    if (t == null || t.length != x.length) {
      throw new IllegalArgumentException("burgers reference needs one time per point, got "
          + (t == null ? "none" : t.length + " for " + x.length + " points"));
    }
    Map<Double, double[]> solutions = new TreeMap<>();
    double h = 1.0 / (REFERENCE_POINTS + 1);
    double[] gridX = new double[REFERENCE_POINTS + 2];
    for (int i = 0; i < gridX.length; i++) {
      gridX[i] = i * h;
    }
    double[] u = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double time = t[i];
      if (!(time >= 0 && time <= endTime)) {
        throw new IllegalArgumentException("time " + time + " is outside [0, " + endTime + "]");
      }
      double[] grid = solutions.computeIfAbsent(time, tt -> tt == 0
          ? inputFunction(theta, gridX)
          : ViscousBurgers1d.solve(v -> initial(theta, v), (v, s) -> 0, nu, tt, REFERENCE_POINTS,
              Math.max(1, (int) Math.ceil(REFERENCE_STEPS * tt / endTime))));
      u[i] = ParametricPde.interpolateUniform(gridX, grid, x[i]);
    }
    return u;
  }
}
