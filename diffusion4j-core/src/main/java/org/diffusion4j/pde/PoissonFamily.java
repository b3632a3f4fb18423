package org.diffusion4j.pde;

/**
 * Parametric nonlinear Poisson problems -u'' + kappa u^3 = f(x; theta) on (0, 1), u(0) = u(1) = 0,
 * with the source a weighted sum of Gaussian bumps,
 * f(x; theta) = amplitude * sum_j theta_j exp(-(x - c_j)^2 / (2 width^2)), c_j = (j + 1/2)/p.
 * Reference: {@link NonlinearPoisson1d} on 511 interior points (h = 1/512, error about 1e-6).
 *
 * @param kappa cubic coefficient, &gt;= 0
 * @param parameters p, the number of bumps (theta's dimension)
 * @param amplitude source scale
 * @param width bump width
 */
public record PoissonFamily(double kappa, int parameters, double amplitude, double width) implements ParametricPde {
  /** Interior points of the reference solve. */
  public static final int REFERENCE_POINTS = 511;

  public PoissonFamily {
    if (!(kappa >= 0) || !Double.isFinite(kappa)) {
      throw new IllegalArgumentException("kappa must be finite and >= 0, got " + kappa);
    }
    if (parameters < 1 || parameters > 64) {
      throw new IllegalArgumentException("parameters must be in [1, 64], got " + parameters);
    }
    if (!(amplitude > 0) || !Double.isFinite(amplitude) || !(width > 0) || !Double.isFinite(width)) {
      throw new IllegalArgumentException("amplitude and width must be positive and finite, got " + amplitude + ", " + width);
    }
  }

  /** kappa 5, 4 bumps, amplitude 20, width 0.1: solutions of size about 0.3-1, where the cubic term matters. */
  public static PoissonFamily defaults() {
    return new PoissonFamily(5, 4, 20, 0.1);
  }

  @Override
  public String name() {
    return "poisson";
  }

  @Override
  public double endTime() {
    return 0;
  }

  @Override
  public double[] inputFunction(double[] theta, double[] x) {
    checkParameters(theta);
    double[] f = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = source(theta, x[i]);
    }
    return f;
  }

  private double source(double[] theta, double x) {
    double s = 0;
    for (int j = 0; j < parameters; j++) {
      double d = x - (j + 0.5) / parameters;
      s += theta[j] * Math.exp(-d * d / (2 * width * width));
    }
    return amplitude * s;
  }

  @Override
  public double[] reference(double[] theta, double[] x, double[] t) {
    checkParameters(theta);
    NonlinearPoisson1d.Solution s = NonlinearPoisson1d.solve(v -> source(theta, v), kappa, 0, 1, 0, 0, REFERENCE_POINTS);
    double[] u = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      u[i] = ParametricPde.interpolateUniform(s.x(), s.u(), x[i]);
    }
    return u;
  }
}
