package org.diffusion4j.spark.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A mergeable quantile sketch with a relative-error guarantee: DDSketch (Masson, Rim &amp; Lee 2019,
 * "DDSketch: a fast and fully-mergeable quantile sketch with relative-error guarantees", VLDB 12(12),
 * Sec. 2; the unbounded-store variant, without bucket collapsing).
 *
 * <p>A positive value x falls in bucket {@code i = ceil(log_gamma x)}, {@code gamma = (1+a)/(1-a)},
 * which covers (gamma^(i-1), gamma^i]; negative values use the bucket of |x| in a second store;
 * |x| below {@link #MIN_INDEXABLE} counts as zero. The estimate of a bucket is
 * {@code 2 gamma^i / (gamma + 1)}, so <b>the q-quantile returned is within a relative error
 * {@code a} of the exact one</b>: |estimate - x_(k)| &lt;= a |x_(k)| for the sample's order statistic
 * of rank k = floor(q (n - 1)) (0-based), Masson et al., Proposition 3 (values below
 * MIN_INDEXABLE in magnitude are returned as 0).
 *
 * <p>The state is integer counts per bucket, so merging is exactly associative and commutative:
 * the sketch of a data set is bitwise the same for any partitioning. Bucket indices use
 * {@link StrictMath#log} so that every JVM computes the same index. Memory: about
 * {@code ln(max/min) / ln(gamma)} buckets per sign (about 460 per factor 10^2 at a = 0.005).
 */
public final class QuantileSketch implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Magnitudes below this count as zero. */
  public static final double MIN_INDEXABLE = 1e-300;

  private final double alpha;
  private final double logGamma;
  private final double gamma;
  private final Store positive = new Store();
  private final Store negative = new Store();
  private long zeros;
  private long nan;

  /** An empty sketch with relative accuracy {@code alpha} in (0, 0.5). */
  public QuantileSketch(double alpha) {
    if (!(alpha > 0 && alpha < 0.5)) {
      throw new IllegalArgumentException("sketch relative accuracy must be in (0, 0.5), got " + alpha);
    }
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = StrictMath.log(gamma);
  }

  /** The relative accuracy a. */
  public double relativeAccuracy() {
    return alpha;
  }

  /** Adds {@code x}; NaN is counted apart and never returned as a quantile; infinities go to the extreme buckets. */
  public void add(double x) {
    if (x != x) {
      nan++;
      return;
    }
    double a = Math.abs(x);
    if (a < MIN_INDEXABLE) {
      zeros++;
    } else if (x > 0) {
      positive.add(index(a));
    } else {
      negative.add(index(a));
    }
  }

  private int index(double a) {
    if (a == Double.POSITIVE_INFINITY) {
      a = Double.MAX_VALUE;
    }
    return (int) Math.ceil(StrictMath.log(a) / logGamma);
  }

  private double value(int index) {
    return 2 * StrictMath.pow(gamma, index) / (gamma + 1);
  }

  /** Adds every value counted in {@code o} (same accuracy); exactly associative and commutative. */
  public void merge(QuantileSketch o) {
    if (o.alpha != alpha) {
      throw new IllegalArgumentException("cannot merge sketches of relative accuracy " + alpha + " and " + o.alpha);
    }
    positive.merge(o.positive);
    negative.merge(o.negative);
    zeros += o.zeros;
    nan += o.nan;
  }

  /** Values counted (NaN excluded). */
  public long count() {
    return positive.total + negative.total + zeros;
  }

  /**
   * The q-quantile estimate (q in [0, 1]): the value of rank floor(q (n-1)) within relative error a.
   * NaN when the sketch is empty.
   */
  public double quantile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
    }
    long n = count();
    if (n == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.floor(q * (n - 1));
    // Order: negatives from the largest magnitude down, then zeros, then positives upwards.
    long seen = 0;
    for (int k = negative.counts.length - 1; k >= 0; k--) {
      seen += negative.counts[k];
      if (seen > rank) {
        return -value(negative.offset + k);
      }
    }
    seen += zeros;
    if (seen > rank) {
      return 0.0;
    }
    for (int k = 0; k < positive.counts.length; k++) {
      seen += positive.counts[k];
      if (seen > rank) {
        return value(positive.offset + k);
      }
    }
    throw new IllegalStateException("rank " + rank + " beyond the sketch's count " + n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantileSketch s && s.alpha == alpha && s.zeros == zeros && s.nan == nan
        && s.positive.equals(positive) && s.negative.equals(negative);
  }

  @Override
  public int hashCode() {
    return positive.hashCode() * 31 + negative.hashCode() + Long.hashCode(zeros);
  }

  /** Dense counts for bucket indices offset .. offset + counts.length - 1, trimmed to the used range. */
  private static final class Store implements Serializable {
    private static final long serialVersionUID = 1L;
    private long[] counts = new long[0];
    private int offset;
    private long total;

    void add(int index) {
      addCount(index, 1);
    }

    void addCount(int index, long c) {
      if (counts.length == 0) {
        counts = new long[16];
        offset = index - 8;
      }
      if (index < offset || index >= offset + counts.length) {
        grow(index);
      }
      counts[index - offset] += c;
      total += c;
    }

    private void grow(int index) {
      int lo = Math.min(offset, index);
      int hi = Math.max(offset + counts.length - 1, index);
      int span = hi - lo + 1;
      int size = Math.max(span + 16, counts.length * 2);
      int newOffset = index < offset ? hi - size + 1 : lo;
      long[] c = new long[size];
      System.arraycopy(counts, 0, c, offset - newOffset, counts.length);
      counts = c;
      offset = newOffset;
    }

    void merge(Store o) {
      for (int k = 0; k < o.counts.length; k++) {
        if (o.counts[k] != 0) {
          addCount(o.offset + k, o.counts[k]);
        }
      }
    }

    private int first() {
      int k = 0;
      while (k < counts.length && counts[k] == 0) {
        k++;
      }
      return k;
    }

    private int last() {
      int k = counts.length - 1;
      while (k >= 0 && counts[k] == 0) {
        k--;
      }
      return k;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Store s) || s.total != total) {
        return false;
      }
      int a = first();
      int b = s.first();
      int len = last() - a + 1;
      if (len <= 0 || s.last() - b + 1 != len) {
        return len <= 0 && s.last() - b + 1 <= 0;
      }
      return offset + a == s.offset + b
          && Arrays.equals(counts, a, a + len, s.counts, b, b + len);
    }

    @Override
    public int hashCode() {
      int a = first();
      int h = Long.hashCode(total);
      for (int k = a; k <= last(); k++) {
        h = h * 31 + Long.hashCode(counts[k]);
      }
      return h + (a < counts.length ? offset + a : 0);
    }
  }
}
