package org.diffusion4j.nn.objective;

import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/**
 * Draws training times on [t_lo, t_hi], the path's range shrunk by 1e-3 of its length at an end
 * where sigma = 0 (data end) or alpha = 0 (noise end), where targets or weights are singular.
 * Stateful only for {@link TimeSampling#IMPORTANCE} (its loss history, saved in checkpoints).
 */
public final class TimeSampler {
  /** Number of bins of the importance sampler. */
  public static final int BINS = 32;
  private static final int WARMUP_PER_BIN = 10;
  private static final double HISTORY_DECAY = 0.99;

  private final TimeSampling kind;
  private final GaussianPath path;
  private final double lo;
  private final double hi;
  // Importance state: per-bin EMA of the squared loss and sample counts.
  private final double[] meanSq = new double[BINS];
  private final long[] counts = new long[BINS];

  public TimeSampler(TimeSampling kind, GaussianPath path) {
    this.kind = kind;
    this.path = path;
    double span = path.tMax() - path.tMin();
    this.lo = path.sigma(path.tMin()) > 0 ? path.tMin() : path.tMin() + 1e-3 * span;
    this.hi = path.alpha(path.tMax()) > 1e-12 ? path.tMax() : path.tMax() - 1e-3 * span;
  }

  public double lo() {
    return lo;
  }

  public double hi() {
    return hi;
  }

  /**
   * Draws t[i] from {@code rows[i]} for every row and writes the unbiasing weight (1 unless
   * importance sampling) into {@code weights}; {@code bins} receives the importance bin of each row.
   */
  public void sample(Rng[] rows, double[] t, double[] weights, int[] bins) {
    double[] cdf = kind == TimeSampling.IMPORTANCE ? importanceCdf() : null;
    for (int i = 0; i < rows.length; i++) {
      Rng r = rows[i];
      double u;
      double w = 1;
      switch (kind) {
        case UNIFORM -> u = r.nextDouble();
        case LOGIT_NORMAL -> u = 1 / (1 + Math.exp(-r.nextGaussian()));
        case LOG_NORMAL -> {
          double logSigma = -1.2 + 1.2 * r.nextGaussian();
          double lambda = Math.max(path.lambda(hi), Math.min(path.lambda(lo), -logSigma));
          double ti = path.tOfLambda(lambda);
          u = (ti - lo) / (hi - lo);
        }
        case IMPORTANCE -> {
          if (cdf == null) {
            u = r.nextDouble();
          } else {
            double v = r.nextDouble();
            int k = 0;
            while (k < BINS - 1 && v >= cdf[k]) {
              k++;
            }
            double pk = cdf[k] - (k == 0 ? 0 : cdf[k - 1]);
            u = (k + r.nextDouble()) / BINS;
            w = 1 / (BINS * pk);
          }
        }
        default -> throw new AssertionError(kind);
      }
      u = Math.min(1, Math.max(0, u));
      t[i] = lo + u * (hi - lo);
      weights[i] = w;
      bins[i] = Math.min(BINS - 1, (int) (u * BINS));
    }
  }

  /** Feeds per-sample losses (unweighted by the importance weight) back into the history. */
  public void observe(int[] bins, double[] losses) {
    if (kind != TimeSampling.IMPORTANCE) {
      return;
    }
    for (int i = 0; i < bins.length; i++) {
      int k = bins[i];
      double l2 = losses[i] * losses[i];
      meanSq[k] = counts[k] == 0 ? l2 : HISTORY_DECAY * meanSq[k] + (1 - HISTORY_DECAY) * l2;
      counts[k]++;
    }
  }

  private double[] importanceCdf() {
    double total = 0;
    for (int k = 0; k < BINS; k++) {
      if (counts[k] < WARMUP_PER_BIN) {
        return null;
      }
      total += Math.sqrt(meanSq[k]);
    }
    if (!(total > 0 && Double.isFinite(total))) {
      return null;
    }
    double[] cdf = new double[BINS];
    double acc = 0;
    for (int k = 0; k < BINS; k++) {
      // Mix with 1% uniform so no bin's probability collapses to 0 (its weight 1/p stays finite).
      acc += 0.99 * Math.sqrt(meanSq[k]) / total + 0.01 / BINS;
      cdf[k] = acc;
    }
    cdf[BINS - 1] = 1;
    return cdf;
  }

  /** The importance history (for checkpoints): BINS mean squares then BINS counts. */
  public double[] state() {
    double[] s = new double[2 * BINS];
    System.arraycopy(meanSq, 0, s, 0, BINS);
    for (int k = 0; k < BINS; k++) {
      s[BINS + k] = counts[k];
    }
    return s;
  }

  /** Restores {@link #state()}. */
  public void restore(double[] s) {
    if (s.length != 2 * BINS) {
      throw new IllegalArgumentException("time-sampler state has " + s.length + " values, expected " + 2 * BINS);
    }
    System.arraycopy(s, 0, meanSq, 0, BINS);
    for (int k = 0; k < BINS; k++) {
      counts[k] = (long) s[BINS + k];
    }
  }
}
