package org.diffusion4j.metrics;

import org.diffusion4j.array.Batch;

/**
 * The Inception score computed from any classifier's class probabilities (Salimans et al. 2016,
 * "Improved Techniques for Training GANs", Sec. 4): IS = exp(E_x KL(p(y|x) || p(y))), where
 * p(y) is the mean of p(y|x) over the given rows. It is 1 when every row predicts the same
 * distribution and K when the predictions are one-hot and the K classes are used equally often.
 * Terms with p(y|x) = 0 contribute 0 (0 log 0 = 0). Computed over all rows at once (no splits).
 */
public final class InceptionScore {
  /** Rows whose probabilities sum further than this from 1 are rejected. */
  public static final double SUM_TOLERANCE = 1e-4;

  private InceptionScore() {}

  /**
   * IS of class probabilities {@code probs} (n, K): row i is p(y | x_i).
   *
   * @throws IllegalArgumentException if there are no rows, an entry is negative or not finite, or
   *     a row does not sum to 1 within {@link #SUM_TOLERANCE}
   */
  public static double of(Batch probs) {
    int n = probs.n();
    int k = probs.d();
    if (n < 1 || k < 1) {
      throw new IllegalArgumentException("inception score: needs at least one row and one class, got (" + n + ", "
          + k + ")");
    }
    double[] p = probs.data();
    double[] marginal = new double[k];
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int j = 0; j < k; j++) {
        double v = p[i * k + j];
        if (!(v >= 0 && v <= 1)) {
          throw new IllegalArgumentException("inception score: probability " + v + " at row " + i + ", class " + j
              + " is outside [0, 1]");
        }
        sum += v;
        marginal[j] += v / n;
      }
      if (Math.abs(sum - 1) > SUM_TOLERANCE) {
        throw new IllegalArgumentException("inception score: row " + i + " sums to " + sum + ", expected 1");
      }
    }
    double meanKl = 0;
    for (int i = 0; i < n; i++) {
      double kl = 0;
      for (int j = 0; j < k; j++) {
        double v = p[i * k + j];
        if (v > 0) {
          kl += v * (Math.log(v) - Math.log(marginal[j]));
        }
      }
      meanKl += kl / n;
    }
    return Math.exp(meanKl);
  }
}
