package org.diffusion4j.spark.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Counts on {@code bins} equal bins over [lo, hi), with an underflow count (x &lt; lo), an
 * overflow count (x &gt;= hi) and a NaN count (bin b = floor((x - lo) / (hi - lo) * bins), so a value
 * within rounding of an inner edge may land on either side, the same way on every JVM). Counts are integers, so merging is exactly
 * associative and commutative.
 */
public final class Histogram implements Serializable {
  private static final long serialVersionUID = 1L;
  private final double lo;
  private final double hi;
  private final long[] counts;
  private long under;
  private long over;
  private long nan;

  /** An empty histogram; {@code lo < hi} finite and {@code bins} in [1, 1_000_000]. */
  public Histogram(double lo, double hi, int bins) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
      throw new IllegalArgumentException("histogram range must be finite with lo < hi, got [" + lo + ", " + hi + ")");
    }
    if (bins < 1 || bins > 1_000_000) {
      throw new IllegalArgumentException("histogram bins must be in [1, 1000000], got " + bins);
    }
    this.lo = lo;
    this.hi = hi;
    this.counts = new long[bins];
  }

  /** Counts {@code x}. */
  public void add(double x) {
    if (x != x) {
      nan++;
    } else if (x < lo) {
      under++;
    } else if (x >= hi) {
      over++;
    } else {
      int b = (int) ((x - lo) / (hi - lo) * counts.length);
      counts[Math.min(b, counts.length - 1)]++;
    }
  }

  /** Adds the counts of {@code o}, which must have the same range and bins. */
  public void merge(Histogram o) {
    if (o.lo != lo || o.hi != hi || o.counts.length != counts.length) {
      throw new IllegalArgumentException("cannot merge histograms on different bins: [" + lo + ", " + hi + ") x "
          + counts.length + " and [" + o.lo + ", " + o.hi + ") x " + o.counts.length);
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += o.counts[i];
    }
    under += o.under;
    over += o.over;
    nan += o.nan;
  }

  public double lo() {
    return lo;
  }

  public double hi() {
    return hi;
  }

  /** A copy of the bin counts. */
  public long[] counts() {
    return counts.clone();
  }

  public long underflow() {
    return under;
  }

  public long overflow() {
    return over;
  }

  public long nanCount() {
    return nan;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram h && h.lo == lo && h.hi == hi && Arrays.equals(h.counts, counts)
        && h.under == under && h.over == over && h.nan == nan;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts) + Long.hashCode(under) * 31 + Long.hashCode(over) * 17;
  }
}
