package org.diffusion4j.metrics;

import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;
import org.hipparchus.special.Erf;

final class MetricSupport {
  private MetricSupport() {}

  /** n seeded draws of N(mean, s^2 I). */
  static Batch gaussian(long seed, int n, double[] mean, double s) {
    int d = mean.length;
    Batch x = Noise.standardNormal(seed, n, d);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x.set(i, j, mean[j] + s * x.get(i, j));
      }
    }
    return x;
  }

  /** The 1-D "quantile sample" m + s Phi^-1((i + 1/2) / n), i = 0..n-1: a deterministic stand-in for N(m, s^2). */
  static double[] quantileSample(int n, double m, double s) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = m + s * Math.sqrt(2) * Erf.erfInv(2 * (i + 0.5) / n - 1);
    }
    return x;
  }

  /** The rows of {@code x} in a seeded random order. */
  static Batch shuffled(Batch x, long seed) {
    int n = x.n();
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    Rng r = Rng.of(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    Batch out = x.zerosLike();
    for (int i = 0; i < n; i++) {
      System.arraycopy(x.data(), perm[i] * x.d(), out.data(), i * x.d(), x.d());
    }
    return out;
  }

  static double inPool(int threads, Callable<Double> work) throws Exception {
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      return pool.submit(work).get();
    } finally {
      pool.shutdown();
    }
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  static double sd(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  /** Composite Simpson rule on [a, b] with an even number n of intervals. */
  static double simpson(java.util.function.DoubleUnaryOperator f, double a, double b, int n) {
    double h = (b - a) / n;
    double s = f.applyAsDouble(a) + f.applyAsDouble(b);
    for (int i = 1; i < n; i++) {
      s += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
    }
    return s * h / 3;
  }

  /** E|Z| for Z ~ N(mu, v), by quadrature of |z| times the normal density over mu +- 12 sd. */
  static double meanAbsNormal(double mu, double v) {
    double sd = Math.sqrt(v);
    double lo = mu - 12 * sd;
    double hi = mu + 12 * sd;
    java.util.function.DoubleUnaryOperator f =
        z -> Math.abs(z) * Math.exp(-0.5 * (z - mu) * (z - mu) / v) / Math.sqrt(2 * Math.PI * v);
    if (lo < 0 && hi > 0) {
      // Split at the kink of |z| so that Simpson's rule stays high order.
      return simpson(f, lo, 0, 20_000) + simpson(f, 0, hi, 20_000);
    }
    return simpson(f, lo, hi, 40_000);
  }
}
