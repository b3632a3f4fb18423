package org.diffusion4j.pde;

import org.diffusion4j.random.Rng;

/**
 * A family of 1-D PDE problems indexed by a parameter vector theta ~ N(0, I): the data source of
 * the random-grid neural process. The model sees theta only through the <em>input function</em>
 * (the source f of a Poisson problem, the initial condition u0 of Burgers' equation) sampled on a
 * grid, and is scored against the in-tree finite-difference reference solution.
 */
public interface ParametricPde {
  /** Short name (poisson, burgers). */
  String name();

  /** Dimension of theta. */
  int parameters();

  /** Spatial domain [lower, upper]: the unit interval unless a family says otherwise. */
  default double lower() {
    return 0;
  }

  default double upper() {
    return 1;
  }

  /** Final time T of a time-dependent problem; 0 for a stationary one. */
  double endTime();

  default boolean timeDependent() {
    return endTime() > 0;
  }

  /** The input function (source or initial condition) of problem theta at the points x. */
  double[] inputFunction(double[] theta, double[] x);

  /**
   * The finite-difference reference solution of problem theta at the points (x_i, t_i) (t ignored
   * when stationary), interpolated linearly from the solver's grid.
   */
  double[] reference(double[] theta, double[] x, double[] t);

  /** theta ~ N(0, I). */
  default double[] sampleParameters(Rng rng) {
    double[] theta = new double[parameters()];
    rng.fillGaussian(theta, 0, theta.length);
    return theta;
  }

  /** Checks that theta has {@link #parameters()} finite entries. */
  default void checkParameters(double[] theta) {
    if (theta.length != parameters()) {
      throw new IllegalArgumentException(name() + " needs " + parameters() + " parameters, got " + theta.length);
    }
    for (double v : theta) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(name() + " parameter is not finite: " + v);
      }
    }
  }

  /** Linear interpolation of (gridX, gridU) (gridX increasing and uniform from gridX[0]) at x, clamped to the grid. */
  static double interpolateUniform(double[] gridX, double[] gridU, double x) {
    int last = gridX.length - 1;
    double h = (gridX[last] - gridX[0]) / last;
    double s = (x - gridX[0]) / h;
    int i = (int) Math.floor(s);
    if (i < 0) {
      return gridU[0];
    }
    if (i >= last) {
      return gridU[last];
    }
    double frac = s - i;
    return (1 - frac) * gridU[i] + frac * gridU[i + 1];
  }
}
