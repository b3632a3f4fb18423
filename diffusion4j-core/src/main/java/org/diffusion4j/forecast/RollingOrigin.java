package org.diffusion4j.forecast;

import java.util.Arrays;

/**
 * Rolling-origin evaluation at the end of a series: K origins spaced one horizon H apart, the
 * last forecast ending at the last value. Origin k (0-based) is at index
 * T - (K - k) H: the forecaster sees values [0, origin) and is scored on [origin, origin + H).
 * A model fitted once must be trained on values before {@link #firstOrigin} only.
 *
 * @param length series length T
 * @param horizon forecast horizon H
 * @param origins number of origins K
 */
public record RollingOrigin(int length, int horizon, int origins) {
  public RollingOrigin {
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
    }
    if (origins < 1) {
      throw new IllegalArgumentException("origins must be >= 1, got " + origins);
    }
    if ((long) horizon * origins >= length - 1) {
      throw new IllegalArgumentException(origins + " origins of horizon " + horizon + " need a series longer than "
          + ((long) horizon * origins + 1) + " values, got " + length);
    }
  }

  /** Index of origin k: the first forecast value. */
  public int origin(int k) {
    if (k < 0 || k >= origins) {
      throw new IllegalArgumentException("origin index must be in [0, " + (origins - 1) + "], got " + k);
    }
    return length - (origins - k) * horizon;
  }

  /** Index of the first origin; training data is [0, firstOrigin). */
  public int firstOrigin() {
    return origin(0);
  }

  /** A forecast run: forecasts (K, S, H), truths (K, H), scores and wall time of forecasting. */
  public record Evaluation(double[][][] forecasts, double[][] truth, ForecastMetrics.Scores scores, long nanos) {}

  /**
   * Forecasts every origin with {@code forecaster} (origin k gets seed {@code seed + k}) and scores
   * the result; {@code season} sets the MASE scale.
   */
  public Evaluation evaluate(Forecaster forecaster, double[] values, int samples, int season, long seed) {
    if (values.length != length) {
      throw new IllegalArgumentException("series has " + values.length + " values, this evaluation expects " + length);
    }
    double[][][] f = new double[origins][][];
    long start = System.nanoTime();
    for (int k = 0; k < origins; k++) {
      f[k] = forecaster.forecast(Arrays.copyOf(values, origin(k)), horizon, samples, seed + k);
    }
    long nanos = System.nanoTime() - start;
    return new Evaluation(f, truths(values), score(f, values, season), nanos);
  }

  /** The truths (K, H). */
  public double[][] truths(double[] values) {
    double[][] y = new double[origins][];
    for (int k = 0; k < origins; k++) {
      y[k] = Arrays.copyOfRange(values, origin(k), origin(k) + horizon);
    }
    return y;
  }

  /** Scores given forecasts (K, S, H) on this evaluation's origins. */
  public ForecastMetrics.Scores score(double[][][] forecasts, double[] values, int season) {
    double[] scale = new double[origins];
    for (int k = 0; k < origins; k++) {
      scale[k] = ForecastMetrics.seasonalError(Arrays.copyOf(values, origin(k)), season);
    }
    return ForecastMetrics.score(forecasts, truths(values), scale);
  }
}
