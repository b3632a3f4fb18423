package org.diffusion4j.sde;

/**
 * Saved states of a Monte Carlo SDE solve. {@code values} is row-major of shape
 * (paths, times.length, dim): path p at save time s component i is
 * {@code values[(p * times.length + s) * dim + i]}, i.e. an NPY array of shape
 * (paths, saves * dim) with each row laid out save by save.
 *
 * @param steps accepted steps over all paths
 * @param rejected rejected steps over all paths (adaptive only)
 */
public record SdeSolution(double[] times, int paths, int dim, double[] values, long steps, long rejected) {
  /** Component i of path p at save index s. */
  public double get(int p, int s, int i) {
    return values[(p * times.length + s) * dim + i];
  }

  /** Component i at save index s of every path (a copy). */
  public double[] column(int s, int i) {
    double[] out = new double[paths];
    for (int p = 0; p < paths; p++) {
      out[p] = get(p, s, i);
    }
    return out;
  }

  /** Number of save times. */
  public int saves() {
    return times.length;
  }
}
