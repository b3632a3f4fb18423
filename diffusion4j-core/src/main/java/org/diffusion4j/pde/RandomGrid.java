package org.diffusion4j.pde;

import java.util.Arrays;
import org.diffusion4j.random.Rng;

/**
 * Random collocation grids on an interval [a, b] and quadrature over them: the grid of a
 * random-grid neural process is a random variable, drawn afresh at every training step, and every
 * integral over the domain (the encoder's kernel convolution, the physics likelihood's squared
 * residual) is estimated from the points it holds. Points are returned in their drawn order (not
 * sorted); {@link #cellWeights} depends on the set of points only, never on their order.
 */
public final class RandomGrid {
  private RandomGrid() {}

  /** n independent U(a, b) points. */
  public static double[] uniform(Rng rng, int n, double a, double b) {
    check(n, a, b);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = a + (b - a) * rng.nextOpenDouble();
    }
    return x;
  }

  /**
   * Jittered (stratified) points: one U point in each of n equal cells, cells visited in a random
   * order (a Fisher-Yates shuffle), so the order of the points carries no information. The Monte
   * Carlo variance of a smooth integrand falls as n^-3 instead of n^-1.
   */
  public static double[] stratified(Rng rng, int n, double a, double b) {
    check(n, a, b);
    double h = (b - a) / n;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = a + (i + rng.nextOpenDouble()) * h;
    }
    shuffle(x, rng);
    return x;
  }

  /** Shuffles {@code x} in place (Fisher-Yates) and returns it. */
  public static double[] shuffle(double[] x, Rng rng) {
    for (int i = x.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      double t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }

  /** The fixed grid of a fixed-grid baseline: the n cell centres a + (i + 1/2)(b - a)/n. */
  public static double[] cellCentres(int n, double a, double b) {
    check(n, a, b);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = a + (i + 0.5) * (b - a) / n;
    }
    return x;
  }

  /**
   * Quadrature weights for points in [a, b]: each point's Voronoi cell length (half the gap to
   * each neighbour, the end cells reaching a and b), so sum_i w_i g(x_i) estimates the integral of
   * g and the weights sum to b - a. On cell centres this is the midpoint rule. Weights follow the
   * input order; equal points share their cell equally.
   *
   * @throws IllegalArgumentException if a point lies outside [a, b] or is not finite
   */
  public static double[] cellWeights(double[] x, double a, double b) {
    check(x.length, a, b);
    for (double v : x) {
      if (!(v >= a && v <= b)) {
        throw new IllegalArgumentException("grid point " + v + " is outside [" + a + ", " + b + "]");
      }
    }
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // ties broken by value only, so a permutation of the input gives the same weight to the same value
    Arrays.sort(order, (p, q) -> Double.compare(x[p], x[q]));
    double[] w = new double[x.length];
    int n = x.length;
    int start = 0;
    while (start < n) {
      int end = start;
      while (end + 1 < n && x[order[end + 1]] == x[order[start]]) {
        end++;
      }
      double lo = start == 0 ? a : 0.5 * (x[order[start - 1]] + x[order[start]]);
      double hi = end == n - 1 ? b : 0.5 * (x[order[end]] + x[order[end + 1]]);
      double share = (hi - lo) / (end - start + 1);
      for (int k = start; k <= end; k++) {
        w[order[k]] = share;
      }
      start = end + 1;
    }
    return w;
  }

  private static void check(int n, double a, double b) {
    if (n < 1) {
      throw new IllegalArgumentException("grid size must be >= 1, got " + n);
    }
    if (!(a < b) || !Double.isFinite(a) || !Double.isFinite(b)) {
      throw new IllegalArgumentException("interval must satisfy a < b (finite), got [" + a + ", " + b + "]");
    }
  }
}
