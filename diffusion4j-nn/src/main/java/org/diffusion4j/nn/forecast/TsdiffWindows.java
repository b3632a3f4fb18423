package org.diffusion4j.nn.forecast;

import org.diffusion4j.array.Batch;

/**
 * Builds TSDiff windows (layout in {@link TsdiffSpec}) from a series: training windows, and the
 * observation of a forecast (the context known, the horizon unknown).
 */
public final class TsdiffWindows {
  private TsdiffWindows() {}

  /** GluonTS MeanScaler's floor on the scale. */
  static final double MIN_SCALE = 1e-10;

  /** The window scale: mean |x| over the context [start, start + C), floored at 1e-10. */
  public static double scale(double[] values, int start, int context) {
    double s = 0;
    for (int i = start; i < start + context; i++) {
      s += Math.abs(values[i]);
    }
    return Math.max(s / context, MIN_SCALE);
  }

  /** Number of training windows of a series of length T: max(0, T - maxLag - L + 1), before striding. */
  public static int windowCount(int length, TsdiffSpec spec) {
    return Math.max(0, length - spec.maxLag() - spec.length() + 1);
  }

  /**
   * Every {@code stride}-th window of {@code values} (all of which must lie before the first
   * forecast origin), as rows of dimension L (1 + k), channels fastest.
   *
   * @throws IllegalArgumentException if the series is shorter than maxLag + L
   */
  public static Batch training(double[] values, TsdiffSpec spec, int stride) {
    if (stride < 1) {
      throw new IllegalArgumentException("stride must be >= 1, got " + stride);
    }
    int count = windowCount(values.length, spec);
    if (count == 0) {
      throw new IllegalArgumentException("training data has " + values.length + " values; a window of context "
          + spec.context() + " + horizon " + spec.horizon() + " with largest lag " + spec.maxLag() + " needs at least "
          + (spec.maxLag() + spec.length()));
    }
    int rows = (count + stride - 1) / stride;
    Batch out = new Batch(rows, spec.dim());
    for (int r = 0; r < rows; r++) {
      int start = spec.maxLag() + r * stride;
      fill(values, start, spec, out.data(), r * spec.dim(), spec.length());
    }
    return out;
  }

  /** Writes steps [start, start + known) of the window at {@code start} (scaled), channels fastest. */
  private static void fill(double[] values, int start, TsdiffSpec spec, double[] dst, int offset, int known) {
    double scale = scale(values, start, spec.context());
    int[] lags = spec.lags();
    int c = spec.channels();
    for (int p = 0; p < known; p++) {
      dst[offset + p * c] = spec.standardise(values[start + p] / scale);
      for (int j = 0; j < lags.length; j++) {
        int idx = start + p - lags[j];
        dst[offset + p * c + 1 + j] = idx >= 0 ? spec.standardise(values[idx] / scale) : 0;
      }
    }
  }

  /**
   * The observation of a forecast from {@code history}: the window starts C steps before the end.
   *
   * @param observed (1, L (1 + k)) scaled values, zero where unknown
   * @param mask (1, L (1 + k)), 1 where known: the context's target, and every lag channel whose
   *     lagged time lies before the origin (TSDiff's {@code lagged_sequence_values} of the mask)
   * @param scale the window scale (multiply samples by it to return to series units)
   */
  public record Observation(Batch observed, Batch mask, double scale) {}

  /**
   * The spec with the standardisation (mu, s) fitted on the mean-scaled training windows: the
   * mean and standard deviation of every entry of every {@code stride}-th window.
   */
  public static TsdiffSpec fitStandardisation(double[] values, TsdiffSpec spec, int stride) {
    Batch w = training(values, spec.withStandardisation(0, 1), stride);
    double sum = 0;
    for (double v : w.data()) {
      sum += v;
    }
    double mean = sum / w.size();
    double sq = 0;
    for (double v : w.data()) {
      sq += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(sq / Math.max(1, w.size() - 1));
    return spec.withStandardisation(mean, sd > 1e-12 ? sd : 1);
  }

  /** The forecast observation after {@code history} (needs at least C values). */
  public static Observation observation(double[] history, TsdiffSpec spec) {
    int t = history.length;
    if (t < spec.context()) {
      throw new IllegalArgumentException("context " + spec.context() + " is longer than the " + t
          + " values before the origin");
    }
    int start = t - spec.context();
    Batch obs = new Batch(1, spec.dim());
    Batch mask = new Batch(1, spec.dim());
    double scale = scale(history, start, spec.context());
    int[] lags = spec.lags();
    int c = spec.channels();
    for (int p = 0; p < spec.length(); p++) {
      int idx = start + p;
      if (idx < t) {
        obs.data()[p * c] = spec.standardise(history[idx] / scale);
        mask.data()[p * c] = 1;
      }
      for (int j = 0; j < lags.length; j++) {
        int li = idx - lags[j];
        if (li >= 0 && li < t) {
          obs.data()[p * c + 1 + j] = spec.standardise(history[li] / scale);
          mask.data()[p * c + 1 + j] = 1;
        }
      }
    }
    return new Observation(obs, mask, scale);
  }
}
