package org.diffusion4j.nn.forecast;

import java.util.Locale;

/**
 * The window layout of a TSDiff model (official code: src/uncond_ts_diff/model/diffusion/tsdiff.py,
 * {@code _extract_features}). A window is L = context + horizon steps; channel 0 is the target,
 * channel j (1..k) the target lagged by {@code lags[j-1]} steps; every channel is divided by the
 * window's scale, the mean absolute value of its context (GluonTS {@code MeanScaler}, used with
 * {@code normalization: mean}). The model diffuses all 1 + k channels, as TSDiff does.
 *
 * @param context context length C
 * @param horizon forecast horizon H
 * @param lags the lag offsets, each &gt;= 1 (may be empty)
 * @param freq the series frequency (H, D, B, MS, ...), informational
 * @param season the seasonal period m (for baselines, MASE and refinement's initial forecast)
 * @param shift mu and
 * @param spread s of a global affine standardisation after the mean scaling, z = (x/scale - mu)/s,
 *     fitted on the training windows; (0, 1) is TSDiff's plain mean scaling. Not in TSDiff: for
 *     series whose windows vary by a few percent of their level (CO2, prices) the mean-scaled
 *     windows are nearly constant, far from the unit scale a diffusion model's noise schedule
 *     assumes; the standardisation restores it and is undone exactly on the samples.
 */
public record TsdiffSpec(int context, int horizon, int[] lags, String freq, int season, double shift, double spread) {
  public TsdiffSpec {
    if (context < 1) {
      throw new IllegalArgumentException("context must be >= 1, got " + context);
    }
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
    }
    if (season < 1) {
      throw new IllegalArgumentException("season must be >= 1, got " + season);
    }
    if (!(spread > 0) || !Double.isFinite(spread) || !Double.isFinite(shift)) {
      throw new IllegalArgumentException("standardisation needs a finite shift and a positive spread, got " + shift
          + ", " + spread);
    }
    lags = lags.clone();
    for (int l : lags) {
      if (l < 1) {
        throw new IllegalArgumentException("lags must be >= 1, got " + l);
      }
    }
  }

  /**
   * TSDiff's lags ({@code utils.get_lags_for_freq}): hourly 24 x {1..7, 14, 21, 28}; daily and
   * business-daily 30 x {1..12}. TSDiff has none for other frequencies; here monthly (M, MS)
   * gets 12 x {1, 2, 3}, and anything else no lags.
   */
  public static int[] lagsFor(String freq) {
    return switch (freq.trim().toUpperCase(Locale.ROOT)) {
      case "H" -> new int[] {24, 48, 72, 96, 120, 144, 168, 336, 504, 672};
      case "D", "B" -> new int[] {30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 360};
      case "M", "MS" -> new int[] {12, 24, 36};
      default -> new int[0];
    };
  }

  @Override
  public int[] lags() {
    return lags.clone();
  }

  /** Window length L = C + H. */
  public int length() {
    return context + horizon;
  }

  /** Channels 1 + number of lags. */
  public int channels() {
    return 1 + lags.length;
  }

  /** Flattened window dimension L (1 + k). */
  public int dim() {
    return length() * channels();
  }

  /** The largest lag (0 without lags): values needed before a window's first step. */
  public int maxLag() {
    int m = 0;
    for (int l : lags) {
      m = Math.max(m, l);
    }
    return m;
  }

  /** TSDiff's plain mean scaling (shift 0, spread 1). */
  public static TsdiffSpec of(int context, int horizon, int[] lags, String freq, int season) {
    return new TsdiffSpec(context, horizon, lags, freq, season, 0, 1);
  }

  /** A copy with another standardisation. */
  public TsdiffSpec withStandardisation(double newShift, double newSpread) {
    return new TsdiffSpec(context, horizon, lags, freq, season, newShift, newSpread);
  }

  /** Model units of a mean-scaled value v = x / scale. */
  public double standardise(double v) {
    return (v - shift) / spread;
  }

  /** Mean-scaled value of a model-unit value z. */
  public double unstandardise(double z) {
    return z * spread + shift;
  }

  /**
   * The scale in TSDiff's units that gives the same guided target as scale {@code s} here. The
   * guidance targets p(z) exp(-s E(z)) with the energy on model units z = (u - shift)/spread of the
   * mean-scaled window u, while TSDiff puts the energy on u itself. The quantile energy is
   * homogeneous of degree 1 in the residual and the MSE energy of degree 2, so s E(z) equals
   * (s / spread) E(u) for quantile and (s / spread^2) E(u) for MSE guidance: with spread 0.0093
   * (CO2) the scale 8 here is TSDiff's scale 860 (quantile).
   */
  public double officialScale(org.diffusion4j.forecast.SelfGuidance.Loss loss, double s) {
    return loss == org.diffusion4j.forecast.SelfGuidance.Loss.QUANTILE ? s / spread : s / (spread * spread);
  }
}
