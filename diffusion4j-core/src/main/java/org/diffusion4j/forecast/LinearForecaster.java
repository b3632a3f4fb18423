package org.diffusion4j.forecast;

import java.util.Arrays;
import org.diffusion4j.array.SmallMatrices;

/**
 * A ridge-regression point forecaster on mean-scaled windows: the next H values from the last C,
 * both divided by the context's mean |x|, with an intercept. It is the downstream model of
 * train-on-synthetic, test-on-real (TSDiff section 3.3 trains GluonTS's linear, DeepAR and
 * Transformer models on synthetic windows; this is the linear one, fitted in closed form:
 * W = (X^T X + ridge I)^{-1} X^T Y, the intercept not penalised). Every sample path is the point
 * forecast.
 */
public final class LinearForecaster implements Forecaster {
  private final int context;
  private final int horizon;
  private final double[][] weights; // (C + 1) x H, last row the intercept

  private LinearForecaster(int context, int horizon, double[][] weights) {
    this.context = context;
    this.horizon = horizon;
    this.weights = weights;
  }

  /**
   * Fits on windows (n, C + H) already in mean-scaled units.
   *
   * @throws IllegalArgumentException for no windows, windows of another length, or a negative ridge
   */
  public static LinearForecaster fit(double[][] windows, int context, int horizon, double ridge) {
    if (windows.length == 0 || context < 1 || horizon < 1 || !(ridge >= 0)) {
      throw new IllegalArgumentException("need >= 1 window, context and horizon >= 1 and ridge >= 0, got "
          + windows.length + ", " + context + ", " + horizon + ", " + ridge);
    }
    int p = context + 1;
    double[][] a = new double[p][p];
    double[][] b = new double[p][horizon];
    double[] f = new double[p];
    for (double[] w : windows) {
      if (w.length != context + horizon) {
        throw new IllegalArgumentException("window length " + w.length + ", expected " + (context + horizon));
      }
      System.arraycopy(w, 0, f, 0, context);
      f[context] = 1;
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          a[i][j] += f[i] * f[j];
        }
        for (int h = 0; h < horizon; h++) {
          b[i][h] += f[i] * w[context + h];
        }
      }
    }
    for (int i = 0; i < context; i++) {
      a[i][i] += ridge;
    }
    return new LinearForecaster(context, horizon, solve(a, b));
  }

  /** Mean-scaled windows (n, C + H) of a real series: every window, each divided by its context's mean |x|. */
  public static double[][] windows(double[] values, int context, int horizon) {
    int n = values.length - context - horizon + 1;
    if (n < 1) {
      throw new IllegalArgumentException("a series of " + values.length + " values has no window of " + context
          + " + " + horizon);
    }
    double[][] out = new double[n][];
    for (int s = 0; s < n; s++) {
      double scale = meanAbs(values, s, context);
      out[s] = new double[context + horizon];
      for (int i = 0; i < context + horizon; i++) {
        out[s][i] = values[s + i] / scale;
      }
    }
    return out;
  }

  private static double meanAbs(double[] v, int from, int len) {
    double s = 0;
    for (int i = from; i < from + len; i++) {
      s += Math.abs(v[i]);
    }
    return Math.max(s / len, 1e-10);
  }

  /** A X = B for the normal equations, naming the remedy when they are singular. */
  private static double[][] solve(double[][] a, double[][] b) {
    try {
      return SmallMatrices.solve(a, b);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("singular normal equations; use a positive ridge");
    }
  }

  @Override
  public double[][] forecast(double[] history, int h, int samples, long seed) {
    if (h != horizon) {
      throw new IllegalArgumentException("this model forecasts horizon " + horizon + ", asked for " + h);
    }
    if (history.length < context) {
      throw new IllegalArgumentException("context " + context + " is longer than the " + history.length + " values");
    }
    int from = history.length - context;
    double scale = meanAbs(history, from, context);
    double[] point = new double[horizon];
    for (int j = 0; j < horizon; j++) {
      double s = weights[context][j];
      for (int i = 0; i < context; i++) {
        s += weights[i][j] * history[from + i] / scale;
      }
      point[j] = s * scale;
    }
    double[][] out = new double[samples][];
    for (int k = 0; k < samples; k++) {
      out[k] = point.clone();
    }
    return out;
  }

  @Override
  public String toString() {
    return "linear(C=" + context + ")";
  }
}
