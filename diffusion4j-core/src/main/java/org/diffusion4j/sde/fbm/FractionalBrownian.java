package org.diffusion4j.sde.fbm;

import org.diffusion4j.array.Parallel;
import org.diffusion4j.random.Rng;

/**
 * Exact sampling of fractional Brownian motion B^H on the uniform grid t_k = k T / n, k = 1..n,
 * by circulant embedding (Davies &amp; Harte 1987; Dietrich &amp; Newsam 1997): the fractional Gaussian
 * noise autocovariance gamma(k) = (|k+1|^{2H} - 2|k|^{2H} + |k-1|^{2H}) / 2 is embedded in a
 * circulant matrix of size M = 2N (N = n rounded up to a power of two), whose eigenvalues
 * lambda = FFT(c) are non-negative for every H in (0, 1) (Craigmile 2003). With complex white
 * noise Z, the real part of FFT(sqrt(lambda / M) Z) is exact fGn; its cumulative sum, scaled by
 * (T/n)^H, is fBM with Cov(B_s, B_t) = (s^{2H} + t^{2H} - |t - s|^{2H}) / 2. Cost O(M log M) per path.
 */
public final class FractionalBrownian {
  private final double hurst;
  private final int steps;
  private final double horizon;
  private final int size;
  private final double[] sqrtEigen;

  private FractionalBrownian(double hurst, int steps, double horizon) {
    checkHurst(hurst);
    if (steps < 1) {
      throw new IllegalArgumentException("fBM needs at least 1 step, got " + steps);
    }
    if (!(horizon > 0) || !Double.isFinite(horizon)) {
      throw new IllegalArgumentException("fBM horizon T must be > 0, got " + horizon);
    }
    this.hurst = hurst;
    this.steps = steps;
    this.horizon = horizon;
    int n2 = Integer.highestOneBit(steps);
    if (n2 < steps) {
      n2 <<= 1;
    }
    this.size = 2 * n2;
    double[] re = new double[size];
    double[] im = new double[size];
    for (int k = 0; k <= n2; k++) {
      re[k] = fgnCovariance(hurst, k);
    }
    for (int k = 1; k < n2; k++) {
      re[size - k] = re[k];
    }
    Fft.transform(re, im);
    sqrtEigen = new double[size];
    double max = 0;
    for (double v : re) {
      max = Math.max(max, Math.abs(v));
    }
    for (int k = 0; k < size; k++) {
      if (re[k] < -1e-9 * max) {
        throw new IllegalStateException("circulant embedding has a negative eigenvalue " + re[k] + " for H=" + hurst);
      }
      sqrtEigen[k] = Math.sqrt(Math.max(re[k], 0.0) / size);
    }
  }

  /** A sampler of B^H on {@code steps} uniform steps over [0, horizon]. */
  public static FractionalBrownian of(double hurst, int steps, double horizon) {
    return new FractionalBrownian(hurst, steps, horizon);
  }

  static void checkHurst(double h) {
    if (!(h > 0 && h < 1)) {
      throw new IllegalArgumentException("Hurst index H must be in (0, 1), got " + h);
    }
  }

  /** Autocovariance of unit-step fractional Gaussian noise at lag k. */
  public static double fgnCovariance(double h, int k) {
    double e = 2 * h;
    return 0.5 * (Math.pow(Math.abs(k + 1), e) - 2 * Math.pow(Math.abs(k), e) + Math.pow(Math.abs(k - 1), e));
  }

  /** Cov(B^H_s, B^H_t) = (s^{2H} + t^{2H} - |t - s|^{2H}) / 2 (Mandelbrot &amp; Van Ness 1968). */
  public static double covariance(double h, double s, double t) {
    return 0.5 * (Math.pow(Math.abs(s), 2 * h) + Math.pow(Math.abs(t), 2 * h) - Math.pow(Math.abs(t - s), 2 * h));
  }

  public double hurst() {
    return hurst;
  }

  public int steps() {
    return steps;
  }

  /** The grid time of sample k (0-based), (k + 1) T / n. */
  public double time(int k) {
    return (k + 1) * horizon / steps;
  }

  /** Writes one path B^H(t_1..t_n) into {@code out[off ..]} using {@code rng} (2M normals). */
  public void sample(Rng rng, double[] out, int off) {
    double[] re = new double[size];
    double[] im = new double[size];
    for (int k = 0; k < size; k++) {
      re[k] = sqrtEigen[k] * rng.nextGaussian();
      im[k] = sqrtEigen[k] * rng.nextGaussian();
    }
    Fft.transform(re, im);
    double scale = Math.pow(horizon / steps, hurst);
    double acc = 0;
    for (int k = 0; k < steps; k++) {
      acc += scale * re[k];
      out[off + k] = acc;
    }
  }

  /** {@code paths} independent paths, row p from {@code Rng.of(seed).stream(p)}: row-major (paths, steps). */
  public double[] sample(long seed, int paths) {
    if (paths < 1) {
      throw new IllegalArgumentException("paths must be >= 1, got " + paths);
    }
    double[] out = new double[Math.multiplyExact(paths, steps)];
    Rng root = Rng.of(seed);
    Parallel.forRows(paths, 16, (from, to) -> {
      for (int p = from; p < to; p++) {
        sample(root.stream(p), out, p * steps);
      }
    });
    return out;
  }

  /**
   * Exact sampling at arbitrary times by Cholesky factorisation of the covariance matrix,
   * O(n^3): for checks and small grids. Row-major (paths, times.length).
   */
  public static double[] sampleCholesky(double hurst, double[] times, long seed, int paths) {
    checkHurst(hurst);
    int n = times.length;
    double[] l = cholesky(hurst, times);
    double[] out = new double[Math.multiplyExact(paths, n)];
    Rng root = Rng.of(seed);
    double[] z = new double[n];
    for (int p = 0; p < paths; p++) {
      Rng rng = root.stream(p);
      rng.fillGaussian(z, 0, n);
      for (int i = 0; i < n; i++) {
        double acc = 0;
        for (int j = 0; j <= i; j++) {
          acc += l[i * n + j] * z[j];
        }
        out[p * n + i] = acc;
      }
    }
    return out;
  }

  /** Lower Cholesky factor (row-major n x n) of the fBM covariance at {@code times} (all &gt; 0, distinct). */
  public static double[] cholesky(double hurst, double[] times) {
    int n = times.length;
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      if (!(times[i] > 0)) {
        throw new IllegalArgumentException("fBM Cholesky times must be > 0, got " + times[i]);
      }
      for (int j = 0; j < n; j++) {
        a[i * n + j] = covariance(hurst, times[i], times[j]);
      }
    }
    for (int j = 0; j < n; j++) {
      double d = a[j * n + j];
      for (int k = 0; k < j; k++) {
        d -= a[j * n + k] * a[j * n + k];
      }
      if (!(d > 0)) {
        throw new IllegalArgumentException("fBM covariance is not positive definite at the given times (repeated time?)");
      }
      d = Math.sqrt(d);
      a[j * n + j] = d;
      for (int i = j + 1; i < n; i++) {
        double s = a[i * n + j];
        for (int k = 0; k < j; k++) {
          s -= a[i * n + k] * a[j * n + k];
        }
        a[i * n + j] = s / d;
      }
      for (int k = j + 1; k < n; k++) {
        a[j * n + k] = 0;
      }
    }
    return a;
  }
}
