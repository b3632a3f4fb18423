package org.diffusion4j.metrics;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.random.Rng;

/**
 * Sliced Wasserstein distance (Rabin et al. 2011; Bonneel et al. 2015, "Sliced and Radon
 * Wasserstein Barycenters of Measures", Eq. 4):
 * SW_p(a, b)^p = E_theta[ W_p(theta . a, theta . b)^p ] over unit directions theta uniform on the
 * sphere, estimated with a fixed number of random directions. Direction k is a normalised Gaussian
 * vector drawn from {@code Rng.of(seed).stream(k)}, so the value depends only on the inputs, the
 * seed and the number of projections (never on thread count). Each 1-D distance is exact
 * ({@link #wasserstein1d}).
 *
 * @param order p, 1 or 2
 * @param projections number of random directions (at least 1)
 * @param seed seed of the directions
 */
public record SlicedWasserstein(int order, int projections, long seed) implements SampleDistance {
  /** Default number of directions: the Monte Carlo error of SW^p is about sd / sqrt(128). */
  public static final int DEFAULT_PROJECTIONS = 128;

  public SlicedWasserstein {
    if (order != 1 && order != 2) {
      throw new IllegalArgumentException("sliced Wasserstein order must be 1 or 2, got " + order);
    }
    if (projections < 1) {
      throw new IllegalArgumentException("sliced Wasserstein needs at least 1 projection, got " + projections);
    }
  }

  /** SW_1 with {@code projections} directions from {@code seed}. */
  public static SlicedWasserstein w1(int projections, long seed) {
    return new SlicedWasserstein(1, projections, seed);
  }

  /** SW_2 with {@code projections} directions from {@code seed}. */
  public static SlicedWasserstein w2(int projections, long seed) {
    return new SlicedWasserstein(2, projections, seed);
  }

  @Override
  public String name() {
    return "sw" + order;
  }

  /** The unit direction number {@code k} in dimension {@code d}. */
  public double[] direction(int k, int d) {
    Rng r = Rng.of(seed).stream(k);
    double[] theta = new double[d];
    double norm;
    do {
      r.fillGaussian(theta, 0, d);
      norm = 0;
      for (double v : theta) {
        norm += v * v;
      }
    } while (norm == 0);
    double inv = 1 / Math.sqrt(norm);
    for (int j = 0; j < d; j++) {
      theta[j] *= inv;
    }
    return theta;
  }

  @Override
  public double between(Batch a, Batch b) {
    Checks.requirePair(name(), a, b, 1);
    int d = a.d();
    double[] powers = new double[projections];
    Parallel.forRows(projections, 1, (from, to) -> {
      double[] pa = new double[a.n()];
      double[] pb = new double[b.n()];
      for (int k = from; k < to; k++) {
        double[] theta = direction(k, d);
        project(a, theta, pa);
        project(b, theta, pb);
        Arrays.sort(pa);
        Arrays.sort(pb);
        powers[k] = sortedPower(pa, pb, order);
      }
    });
    double mean = 0;
    for (double v : powers) {
      mean += v;
    }
    mean /= projections;
    return order == 1 ? mean : Math.sqrt(mean);
  }

  private static void project(Batch x, double[] theta, double[] out) {
    int d = x.d();
    double[] xs = x.data();
    for (int i = 0; i < out.length; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += xs[i * d + j] * theta[j];
      }
      out[i] = s;
    }
  }

  /**
   * Exact p-Wasserstein distance between two 1-D empirical distributions (uniform weights, sizes
   * may differ): W_p^p = int_0^1 |F^-1(u) - G^-1(u)|^p du with the empirical quantile functions
   * (Villani 2003, Thm. 2.18; Peyre &amp; Cuturi 2019, "Computational Optimal Transport", Remark 2.30).
   * The inputs are not modified.
   *
   * @return W_p (not its p-th power)
   */
  public static double wasserstein1d(double[] x, double[] y, int p) {
    if (p < 1) {
      throw new IllegalArgumentException("Wasserstein order must be >= 1, got " + p);
    }
    if (x.length == 0 || y.length == 0) {
      throw new IllegalArgumentException("Wasserstein distance needs non-empty samples, got sizes "
          + x.length + " and " + y.length);
    }
    double[] xs = x.clone();
    double[] ys = y.clone();
    Arrays.sort(xs);
    Arrays.sort(ys);
    return Math.pow(sortedPower(xs, ys, p), 1.0 / p);
  }

  /**
   * W_p^p of sorted samples: merges the breakpoints i/n and j/m of the two quantile step functions
   * (positions are counted exactly in units of 1/(n m)).
   */
  static double sortedPower(double[] xs, double[] ys, int p) {
    long n = xs.length;
    long m = ys.length;
    int i = 0;
    int j = 0;
    long cur = 0;
    double sum = 0;
    while (i < n && j < m) {
      long endX = (i + 1) * m;
      long endY = (j + 1) * n;
      long next = Math.min(endX, endY);
      double diff = Math.abs(xs[i] - ys[j]);
      double term = p == 1 ? diff : p == 2 ? diff * diff : Math.pow(diff, p);
      sum += term * (next - cur);
      cur = next;
      if (endX == next) {
        i++;
      }
      if (endY == next) {
        j++;
      }
    }
    return sum / ((double) n * m);
  }
}
