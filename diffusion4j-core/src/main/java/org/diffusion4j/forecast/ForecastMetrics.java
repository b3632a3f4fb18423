package org.diffusion4j.forecast;

import java.util.Arrays;

/**
 * Accuracy of sample forecasts. Forecasts are arrays (origins K, samples S, horizon H) and the
 * truth (K, H), in the series' units.
 *
 * <ul>
 *   <li>CRPS, the unbiased energy form from S samples (Gneiting &amp; Raftery 2007, Eq. 21, with the
 *       unbiased pair term of Zamo &amp; Naveau 2018): CRPS = (1/S) sum_i |x_i - y|
 *       - 1/(2 S (S-1)) sum_{i != j} |x_i - x_j|, averaged over every (origin, step).
 *   <li>Mean weighted quantile loss as GluonTS's {@code Evaluator} reports it
 *       ({@code mean_wQuantileLoss}): for q in {0.1, ..., 0.9},
 *       wQL_q = 2 sum |(y - yhat_q) (1{y <= yhat_q} - q)| / sum |y| over all (origin, step), with
 *       yhat_q the sample quantile by linear interpolation ({@code numpy.quantile}'s default); the
 *       mean over the nine levels.
 *   <li>MASE as GluonTS: mean |y - median| / seasonal error, the seasonal error being the mean
 *       |y_t - y_{t-m}| over all history before the origin (m = 1 when the history is not longer
 *       than m); the mean over origins.
 *   <li>80% coverage: the fraction of truths inside [yhat_0.1, yhat_0.9].
 * </ul>
 */
public final class ForecastMetrics {
  /** The quantile levels of {@code mean_wQuantileLoss}: 0.1, 0.2, ..., 0.9. */
  public static final double[] LEVELS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

  private ForecastMetrics() {}

  /**
   * The four headline scores.
   *
   * @param wql mean weighted quantile loss over q = 0.1..0.9
   * @param crps mean CRPS per (origin, step), in series units
   * @param mase mean absolute scaled error of the median
   * @param coverage80 fraction of truths in the central 80% interval
   */
  public record Scores(double wql, double crps, double mase, double coverage80) {}

  /** Unbiased energy-form CRPS of one sample set against one truth; needs at least 2 samples. */
  public static double crps(double[] samples, double y) {
    if (samples.length < 2) {
      throw new IllegalArgumentException("CRPS from samples needs at least 2 samples, got " + samples.length);
    }
    double[] s = samples.clone();
    Arrays.sort(s);
    int m = s.length;
    double abs = 0;
    double pair = 0;
    for (int k = 0; k < m; k++) {
      abs += Math.abs(s[k] - y);
      // sum_{i<j} (x_(j) - x_(i)) = sum_k x_(k) (2k - m + 1) over the sorted samples
      pair += s[k] * (2.0 * k - m + 1);
    }
    return abs / m - pair / ((double) m * (m - 1));
  }

  /** Quantile q of samples sorted ascending, linear interpolation between order statistics. */
  public static double quantileOfSorted(double[] sorted, double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile level must be in [0, 1], got " + q);
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double w = pos - lo;
    return sorted[lo] + w * (sorted[hi] - sorted[lo]);
  }

  /** GluonTS's seasonal error: mean |y_t - y_{t-m}| over the history (m = 1 if the history is not longer than m). */
  public static double seasonalError(double[] history, int season) {
    if (season < 1) {
      throw new IllegalArgumentException("season must be >= 1, got " + season);
    }
    if (history.length < 2) {
      throw new IllegalArgumentException("the seasonal error needs at least 2 past values, got " + history.length);
    }
    int m = season < history.length ? season : 1;
    double s = 0;
    for (int t = m; t < history.length; t++) {
      s += Math.abs(history[t] - history[t - m]);
    }
    return s / (history.length - m);
  }

  /**
   * Scores forecasts (K, S, H) against truths (K, H); {@code seasonalErrors} (K) are the MASE
   * scales of each origin ({@link #seasonalError} of its history).
   */
  public static Scores score(double[][][] forecasts, double[][] truth, double[] seasonalErrors) {
    int k = forecasts.length;
    if (k == 0 || truth.length != k || seasonalErrors.length != k) {
      throw new IllegalArgumentException("need the same number (>= 1) of forecasts, truths and seasonal errors, got "
          + k + ", " + truth.length + ", " + seasonalErrors.length);
    }
    int h = truth[0].length;
    double[] qLoss = new double[LEVELS.length];
    double absTruth = 0;
    double crps = 0;
    double mase = 0;
    int covered = 0;
    for (int o = 0; o < k; o++) {
      if (forecasts[o].length < 2 || truth[o].length != h) {
        throw new IllegalArgumentException("origin " + o + ": need >= 2 samples and horizon " + h);
      }
      double absErr = 0;
      for (int step = 0; step < h; step++) {
        double[] col = new double[forecasts[o].length];
        for (int s = 0; s < col.length; s++) {
          if (forecasts[o][s].length != h) {
            throw new IllegalArgumentException("origin " + o + " sample " + s + " has horizon "
                + forecasts[o][s].length + ", expected " + h);
          }
          col[s] = forecasts[o][s][step];
        }
        double y = truth[o][step];
        crps += crps(col, y);
        Arrays.sort(col);
        absTruth += Math.abs(y);
        for (int qi = 0; qi < LEVELS.length; qi++) {
          double yq = quantileOfSorted(col, LEVELS[qi]);
          qLoss[qi] += 2 * Math.abs((yq - y) * ((y <= yq ? 1 : 0) - LEVELS[qi]));
        }
        absErr += Math.abs(y - quantileOfSorted(col, 0.5));
        if (y >= quantileOfSorted(col, 0.1) && y <= quantileOfSorted(col, 0.9)) {
          covered++;
        }
      }
      mase += absErr / h / seasonalErrors[o];
    }
    double wql = 0;
    for (double l : qLoss) {
      wql += l / absTruth;
    }
    return new Scores(wql / LEVELS.length, crps / (k * h), mase / k, covered / (double) (k * h));
  }
}
