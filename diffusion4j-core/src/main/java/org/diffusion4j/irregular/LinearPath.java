package org.diffusion4j.irregular;

/**
 * Piecewise-linear interpolation of the observations; missing values (NaN) are filled first, per
 * series and channel, by linear interpolation in time between the nearest observed neighbours,
 * and by the first (last) observed value before the first (after the last) observation, as
 * torchcde's {@code linear_interpolation_coeffs} (interpolation_linear.py) does. A channel with no
 * observation at all is filled with 0. This is also the "linear interpolation" baseline of the
 * interpolation task.
 */
public final class LinearPath extends ObservedPath {
  private final double[] knots; // filled values, (series, time, channel)

  private LinearPath(double[] times, double[] knots, int series, int channels) {
    super(times, series, channels);
    this.knots = knots;
  }

  /** The linear interpolant of {@code batch}. */
  public static LinearPath of(IrregularBatch batch) {
    return new LinearPath(batch.times(), fill(batch), batch.series(), batch.channels());
  }

  /**
   * The observations with every NaN replaced by the linear interpolation of its observed
   * neighbours (constant extrapolation at the ends), row-major (series, time, channel).
   */
  public static double[] fill(IrregularBatch batch) {
    double[] t = batch.times();
    double[] v = batch.values();
    int length = t.length;
    int c = batch.channels();
    for (int i = 0; i < batch.series(); i++) {
      for (int j = 0; j < c; j++) {
        int prev = -1;
        for (int k = 0; k < length; k++) {
          int idx = (i * length + k) * c + j;
          if (Double.isNaN(v[idx])) {
            continue;
          }
          if (prev < 0) {
            for (int q = 0; q < k; q++) {
              v[(i * length + q) * c + j] = v[idx];
            }
          } else {
            double a = v[(i * length + prev) * c + j];
            for (int q = prev + 1; q < k; q++) {
              double w = (t[q] - t[prev]) / (t[k] - t[prev]);
              v[(i * length + q) * c + j] = a + w * (v[idx] - a);
            }
          }
          prev = k;
        }
        double last = prev < 0 ? 0.0 : v[(i * length + prev) * c + j];
        for (int q = prev + 1; q < length; q++) {
          v[(i * length + q) * c + j] = last;
        }
      }
    }
    return v;
  }

  /** Index k of the interval [t_k, t_{k+1}] holding t (first / last interval outside the range). */
  static int interval(double[] times, double t) {
    int lo = 0;
    int hi = times.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (times[mid] <= t) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  @Override
  public double[] evaluate(double t) {
    int k = interval(times, t);
    return pieceAt(knots, times.length, channels, series, k, (t - times[k]) / (times[k + 1] - times[k]), 0);
  }

  @Override
  public double[] derivative(double t) {
    int k = interval(times, t);
    return pieceAt(knots, times.length, channels, series, k, 0, times[k + 1] - times[k]);
  }

  /**
   * On the straight piece from knot k to k + 1 of knots (series, count, width): the point at
   * fraction {@code w} when {@code span} is 0, else the slope (x_{k+1} - x_k) / span.
   */
  static double[] pieceAt(double[] knots, int count, int width, int series, int k, double w, double span) {
    double[] out = new double[series * width];
    for (int i = 0; i < series; i++) {
      for (int j = 0; j < width; j++) {
        double a = knots[(i * count + k) * width + j];
        double b = knots[(i * count + k + 1) * width + j];
        out[i * width + j] = span == 0 ? a + w * (b - a) : (b - a) / span;
      }
    }
    return out;
  }
}
