package org.diffusion4j.irregular;

import java.util.Arrays;
import org.diffusion4j.random.Rng;

/**
 * A batch of {@code n} series observed at shared, strictly increasing times {@code t_0 < ... <
 * t_{L-1}}, each with {@code channels} values per time; {@code NaN} marks a missing value. Values
 * are row-major (series, time, channel), as torchcde's (batch, length, channels) tensors.
 */
public record IrregularBatch(double[] times, double[] values, int series, int channels) {
  /** Checks the shapes and that the times are finite and strictly increasing. */
  public IrregularBatch {
    if (times == null || times.length < 2) {
      throw new IllegalArgumentException("an irregular series needs at least 2 observation times, got "
          + (times == null ? 0 : times.length));
    }
    for (int k = 0; k < times.length; k++) {
      if (!Double.isFinite(times[k])) {
        throw new IllegalArgumentException("observation time " + k + " is " + times[k] + "; times must be finite");
      }
      if (k > 0 && !(times[k] > times[k - 1])) {
        throw new IllegalArgumentException("observation times must be strictly increasing, but t[" + k + "] = "
            + times[k] + " <= t[" + (k - 1) + "] = " + times[k - 1]);
      }
    }
    if (series < 1 || channels < 1) {
      throw new IllegalArgumentException("series and channels must be >= 1, got " + series + " and " + channels);
    }
    long expected = (long) series * times.length * channels;
    if (values == null || values.length != expected) {
      throw new IllegalArgumentException("dimension mismatch: " + series + " series x " + times.length + " times x "
          + channels + " channels need " + expected + " values, got " + (values == null ? 0 : values.length));
    }
    times = times.clone();
    values = values.clone();
  }

  /** One series of one channel. */
  public static IrregularBatch of(double[] times, double[] values) {
    return new IrregularBatch(times, values, 1, 1);
  }

  @Override
  public double[] times() {
    return times.clone();
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  /** Number of observation times L. */
  public int length() {
    return times.length;
  }

  public double time(int k) {
    return times[k];
  }

  /** Value of series {@code i} at time index {@code k}, channel {@code j} (NaN if missing). */
  public double value(int i, int k, int j) {
    return values[(i * times.length + k) * channels + j];
  }

  /**
   * A copy with round(rate L) time points of each series removed (all their channels set to NaN),
   * chosen uniformly without replacement from stream i of {@code Rng.of(seed)} for series i. This
   * is how Kidger et al. (2020, NeuralCDE repository, {@code datasets/common.py}, missing-rate
   * experiments) and Oh et al. (2024, torch-ists) drop 30/50/70% of the observations.
   */
  public IrregularBatch dropTimePoints(double rate, long seed) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("drop rate must be in [0, 1), got " + rate);
    }
    int length = times.length;
    int drop = (int) Math.round(rate * length);
    double[] out = values.clone();
    Rng root = Rng.of(seed);
    int[] perm = new int[length];
    for (int i = 0; i < series; i++) {
      Rng r = root.stream(i);
      for (int k = 0; k < length; k++) {
        perm[k] = k;
      }
      for (int k = 0; k < drop; k++) { // partial Fisher-Yates: the first `drop` entries are a uniform subset
        int pick = k + r.nextInt(length - k);
        int tmp = perm[k];
        perm[k] = perm[pick];
        perm[pick] = tmp;
        Arrays.fill(out, (i * length + perm[k]) * channels, (i * length + perm[k] + 1) * channels, Double.NaN);
      }
    }
    return new IrregularBatch(times, out, series, channels);
  }

  /**
   * A copy with the observation time prepended as channel 0 wherever the first value channel is
   * observed (NaN elsewhere), as Kidger et al. (2020) include time as a channel of the control.
   */
  public IrregularBatch withTimeChannel() {
    int length = times.length;
    double[] out = new double[series * length * (channels + 1)];
    for (int i = 0; i < series; i++) {
      for (int k = 0; k < length; k++) {
        int src = (i * length + k) * channels;
        int dst = (i * length + k) * (channels + 1);
        out[dst] = Double.isNaN(values[src]) ? Double.NaN : times[k];
        System.arraycopy(values, src, out, dst + 1, channels);
      }
    }
    return new IrregularBatch(times, out, series, channels + 1);
  }

  /** Fraction of values that are NaN. */
  public double missingFraction() {
    int missing = 0;
    for (double v : values) {
      if (Double.isNaN(v)) {
        missing++;
      }
    }
    return missing / (double) values.length;
  }
}
