package org.diffusion4j.nn.neuralsde;

import org.diffusion4j.sde.latent.ObservedSeries;

/**
 * The affine maps between a data file's units and the units the networks are trained in: time
 * {@code s = (t - t0) * timeScale} runs over 0 .. L-1 on average (one unit per observation, as the
 * SDE-GAN example's grid), values {@code z = (y - mean) / sd} are standardised over all series.
 * Stored in a run so that sampling maps back to the data's units.
 */
public record SeriesScaling(double t0, double timeScale, double mean, double sd) {
  /** The scaling of {@code data}: its first time, (L - 1) / span, and the mean and sd of all its values (sd 1 if constant). */
  public static SeriesScaling of(ObservedSeries data) {
    int n = data.count();
    int len = data.length();
    double mean = 0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < len; k++) {
        mean += data.value(i, k) / ((double) n * len);
      }
    }
    double var = 0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < len; k++) {
        var += (data.value(i, k) - mean) * (data.value(i, k) - mean) / ((double) n * len);
      }
    }
    double sd = var > 0 ? Math.sqrt(var) : 1;
    return new SeriesScaling(data.time(0), (len - 1) / (data.time(len - 1) - data.time(0)), mean, sd);
  }

  /** Times in model units. */
  public double[] modelTimes(double[] times) {
    double[] s = new double[times.length];
    for (int k = 0; k < s.length; k++) {
      s[k] = (times[k] - t0) * timeScale;
    }
    return s;
  }

  /** All values of {@code data}, standardised, row-major (series, time). */
  public double[] modelValues(ObservedSeries data) {
    int len = data.length();
    double[] z = new double[data.count() * len];
    for (int i = 0; i < data.count(); i++) {
      for (int k = 0; k < len; k++) {
        z[i * len + k] = (data.value(i, k) - mean) / sd;
      }
    }
    return z;
  }

  /** Model-unit values, flat (rows, length), as data-unit rows. */
  public double[][] dataRows(double[] z, int rows, int length) {
    double[][] y = new double[rows][length];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < length; k++) {
        y[r][k] = mean + sd * z[r * length + k];
      }
    }
    return y;
  }
}
