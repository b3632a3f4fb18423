package org.diffusion4j.irregular;

/**
 * A batch of continuous paths X: [start, end] -> R^channels (one per series) with a derivative,
 * the control of a neural CDE (dz = f(z) dX) and of the stable neural SDEs' drift.
 */
public interface ControlPath {
  /** Number of series in the batch. */
  int series();

  /** Dimension of X. */
  int channels();

  /** First time of the path. */
  double start();

  /** Last time of the path. */
  double end();

  /** X(t) for every series, row-major (series, channel); t outside [start, end] extrapolates the end pieces. */
  double[] evaluate(double t);

  /** dX/dt(t) for every series, row-major (series, channel). */
  double[] derivative(double t);

  /** X at each time of {@code grid}, row-major (grid index, series, channel). */
  default double[] sample(double[] grid) {
    int block = series() * channels();
    double[] out = new double[grid.length * block];
    for (int g = 0; g < grid.length; g++) {
      System.arraycopy(evaluate(grid[g]), 0, out, g * block, block);
    }
    return out;
  }
}
