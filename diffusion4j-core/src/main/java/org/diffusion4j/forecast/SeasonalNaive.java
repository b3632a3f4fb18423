package org.diffusion4j.forecast;

import org.diffusion4j.random.Rng;

/**
 * Seasonal naive forecasts (Hyndman &amp; Athanasopoulos, "Forecasting: Principles and Practice",
 * 3rd ed., section 5.2): y_{T+h} = y_{T+h-m(k+1)}, k = floor((h-1)/m).
 *
 * <p>Without bootstrap every sample path is that point forecast. With bootstrap (section 5.5,
 * "prediction intervals from bootstrapped residuals", as fable's {@code SNAIVE} with
 * {@code bootstrap = TRUE}) each path is simulated forward, y*_{T+h} = y*_{T+h-m} + e*, the
 * e* drawn with replacement from the in-sample residuals e_t = y_t - y_{t-m}; m = 1 gives a
 * random walk with bootstrapped increments.
 */
public final class SeasonalNaive implements Forecaster {
  private final int season;
  private final boolean bootstrap;

  private SeasonalNaive(int season, boolean bootstrap) {
    if (season < 1) {
      throw new IllegalArgumentException("season must be >= 1, got " + season);
    }
    this.season = season;
    this.bootstrap = bootstrap;
  }

  /** The plain seasonal naive point forecast repeated in every sample. */
  public static SeasonalNaive plain(int season) {
    return new SeasonalNaive(season, false);
  }

  /** Seasonal naive with bootstrapped residuals. */
  public static SeasonalNaive bootstrapped(int season) {
    return new SeasonalNaive(season, true);
  }

  @Override
  public double[][] forecast(double[] history, int horizon, int samples, long seed) {
    if (horizon < 1 || samples < 1) {
      throw new IllegalArgumentException("horizon and samples must be >= 1, got " + horizon + " and " + samples);
    }
    int m = season;
    if (history.length < m + (bootstrap ? 1 : 0)) {
      throw new IllegalArgumentException("seasonal naive with season " + m + " needs at least " + (m + (bootstrap ? 1 : 0))
          + " past values, got " + history.length);
    }
    int t = history.length;
    double[] residuals = new double[Math.max(0, t - m)];
    for (int i = m; i < t; i++) {
      residuals[i - m] = history[i] - history[i - m];
    }
    double[][] out = new double[samples][horizon];
    Rng rng = Rng.of(seed);
    double[] path = new double[t + horizon];
    System.arraycopy(history, 0, path, 0, t);
    for (int s = 0; s < samples; s++) {
      for (int h = 0; h < horizon; h++) {
        double e = bootstrap ? residuals[rng.nextInt(residuals.length)] : 0;
        path[t + h] = path[t + h - m] + e;
        out[s][h] = path[t + h];
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return (bootstrap ? "seasonal-naive-bootstrap" : "seasonal-naive") + "(m=" + season + ")";
  }
}
