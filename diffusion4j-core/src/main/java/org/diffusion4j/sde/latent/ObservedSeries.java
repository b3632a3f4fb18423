package org.diffusion4j.sde.latent;

/**
 * N scalar series observed at shared times t_0 &lt; t_1 &lt; ... &lt; t_K (irregular spacing allowed):
 * {@code values[i][k]} is series i at t_k.
 */
public final class ObservedSeries {
  private final double[] times;
  private final double[][] values;

  public ObservedSeries(double[] times, double[][] values) {
    if (times == null || times.length < 2) {
      throw new IllegalArgumentException("observed series need at least 2 observation times, got " + (times == null ? 0 : times.length));
    }
    for (int k = 0; k < times.length; k++) {
      if (!Double.isFinite(times[k])) {
        throw new IllegalArgumentException("observation time " + k + " is not finite: " + times[k]);
      }
      if (k > 0 && !(times[k] > times[k - 1])) {
        throw new IllegalArgumentException("observation times must be strictly increasing, got t[" + (k - 1) + "]=" + times[k - 1]
            + " then t[" + k + "]=" + times[k]);
      }
    }
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("observed series need at least one series");
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i].length != times.length) {
        throw new IllegalArgumentException("series " + i + " has " + values[i].length + " values but there are " + times.length + " times");
      }
      for (double v : values[i]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("series " + i + " has a non-finite value " + v);
        }
      }
    }
    this.times = times.clone();
    this.values = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      this.values[i] = values[i].clone();
    }
  }

  public int count() {
    return values.length;
  }

  public int length() {
    return times.length;
  }

  public double[] times() {
    return times.clone();
  }

  public double time(int k) {
    return times[k];
  }

  public double value(int series, int k) {
    return values[series][k];
  }

  /** Index of the first observation strictly after t (up to 1e-12 of the span), or length() when none. */
  int nextIndex(double t) {
    double eps = 1e-12 * (times[times.length - 1] - times[0]);
    int lo = 0;
    int hi = times.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times[mid] > t + eps) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
