package org.diffusion4j.spark.stats;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Count, minimum, maximum and the first four power sums of a sample, each power sum exact: x^k is
 * split into unrounded parts with fused multiply-adds (Dekker's two-product, Ogita, Rump &amp;
 * Oishi 2005, "Accurate sum and dot product", Algorithm 2.5) and the parts are added into an
 * {@link ExactSum}. The central moments are then formed from the exact sums without cancellation
 * and rounded once, so a reduction over any partitioning gives bitwise the same mean, variance,
 * skewness and kurtosis. (Products below 2^-969 may lose their low parts to underflow; this only
 * touches accuracy, never the partition independence.)
 */
public final class ExactMoments implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final MathContext MC = new MathContext(40);

  private long count;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private final ExactSum s1 = new ExactSum();
  private final ExactSum s2 = new ExactSum();
  private final ExactSum s3 = new ExactSum();
  private final ExactSum s4 = new ExactSum();

  /** The moments of {@code xs}. */
  public static ExactMoments of(double[] xs) {
    ExactMoments m = new ExactMoments();
    for (double x : xs) {
      m.add(x);
    }
    return m;
  }

  /** Adds one observation. */
  public void add(double x) {
    count++;
    if (x < min) {
      min = x;
    }
    if (x > max) {
      max = x;
    }
    s1.add(x);
    double p = x * x;
    double pe = Math.fma(x, x, -p); // x^2 = p + pe exactly
    s2.add(p);
    s2.add(pe);
    double a = p * x;
    double c = pe * x;
    s3.add(a);
    s3.add(Math.fma(p, x, -a));
    s3.add(c);
    s3.add(Math.fma(pe, x, -c));
    double pp = p * p;
    double p2 = 2 * p;
    double cross = p2 * pe;
    double ee = pe * pe;
    s4.add(pp);
    s4.add(Math.fma(p, p, -pp));
    s4.add(cross);
    s4.add(Math.fma(p2, pe, -cross));
    s4.add(ee);
    s4.add(Math.fma(pe, pe, -ee));
  }

  /** Adds the observations of {@code o}; exactly associative and commutative. */
  public void merge(ExactMoments o) {
    count += o.count;
    min = Math.min(min, o.min);
    max = Math.max(max, o.max);
    s1.merge(o.s1);
    s2.merge(o.s2);
    s3.merge(o.s3);
    s4.merge(o.s4);
  }

  /** {@link #merge}s {@code o} into this and returns this (a reduce function). */
  public ExactMoments mergedWith(ExactMoments o) {
    merge(o);
    return this;
  }

  public long count() {
    return count;
  }

  /** Smallest observation (+Infinity when empty). */
  public double min() {
    return min;
  }

  /** Largest observation (-Infinity when empty). */
  public double max() {
    return max;
  }

  /** The sum of the observations, correctly rounded. */
  public double sum() {
    return s1.value();
  }

  /** The mean, sum/n correctly rounded from the exact sum (NaN when empty). */
  public double mean() {
    if (count == 0) {
      return Double.NaN;
    }
    if (!s1.isFinite()) {
      return s1.value();
    }
    return s1.exact().divide(BigDecimal.valueOf(count), MC).doubleValue();
  }

  /** The unbiased variance sum (x - mean)^2 / (n - 1), from n S2 - S1^2 computed exactly (NaN for n &lt; 2). */
  public double variance() {
    if (count < 2 || !s2.isFinite()) {
      return count < 2 ? Double.NaN : s2.value();
    }
    BigDecimal n = BigDecimal.valueOf(count);
    BigDecimal m2n = n.multiply(s2.exact()).subtract(s1.exact().pow(2)); // n^2 * (central second moment)
    return m2n.divide(n.multiply(BigDecimal.valueOf(count - 1)), MC).doubleValue();
  }

  /** Sample skewness g1 = m3 / m2^(3/2) with the biased central moments m_k = sum (x - mean)^k / n. */
  public double skewness() {
    double[] m = centralMoments();
    return m[1] / Math.pow(m[0], 1.5);
  }

  /** Sample excess kurtosis g2 = m4 / m2^2 - 3. */
  public double excessKurtosis() {
    double[] m = centralMoments();
    return m[2] / (m[0] * m[0]) - 3;
  }

  /** Biased central moments m2, m3, m4 from exact power sums (Welford-free: no cancellation). */
  private double[] centralMoments() {
    if (count == 0 || !s4.isFinite() || !s3.isFinite() || !s2.isFinite() || !s1.isFinite()) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }
    BigDecimal n = BigDecimal.valueOf(count);
    BigDecimal a = s1.exact();
    BigDecimal b = s2.exact();
    BigDecimal c = s3.exact();
    BigDecimal d = s4.exact();
    BigDecimal n2 = n.multiply(n);
    BigDecimal n3 = n2.multiply(n);
    // n^2 m2 = n S2 - S1^2;  n^3 m3 = n^2 S3 - 3 n S1 S2 + 2 S1^3;  n^4 m4 = n^3 S4 - 4 n^2 S1 S3 + 6 n S1^2 S2 - 3 S1^4.
    BigDecimal m2 = n.multiply(b).subtract(a.pow(2));
    BigDecimal m3 = n2.multiply(c).subtract(BigDecimal.valueOf(3).multiply(n).multiply(a).multiply(b))
        .add(BigDecimal.valueOf(2).multiply(a.pow(3)));
    BigDecimal m4 = n3.multiply(d).subtract(BigDecimal.valueOf(4).multiply(n2).multiply(a).multiply(c))
        .add(BigDecimal.valueOf(6).multiply(n).multiply(a.pow(2)).multiply(b))
        .subtract(BigDecimal.valueOf(3).multiply(a.pow(4)));
    return new double[] {
      m2.divide(n2, MC).doubleValue(), m3.divide(n3, MC).doubleValue(), m4.divide(n3.multiply(n), MC).doubleValue()};
  }
}
