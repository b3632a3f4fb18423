package org.diffusion4j.spark.stats;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The exact sum of doubles, in a fixed-point accumulator that spans the whole double range
 * (a Kulisch accumulator: Kulisch &amp; Miranker 1986; the layout with 32-bit digits in 64-bit
 * words, so that carries are propagated only once in 2^30 additions, follows Neal 2015,
 * "Fast exact summation using small and large superaccumulators", arXiv:1505.05571).
 *
 * <p>Because no addition rounds, the state after adding a multiset of values is the same in any
 * order and under any grouping of {@link #merge merges}: merging is exactly associative and
 * commutative, so a sum reduced over any partitioning of the data is bitwise the same. Values
 * are {@code m 2^e} with {@code m} a 53-bit integer and {@code e >= -1074}; the accumulator holds
 * the integer sum of {@code m 2^(e+1074)} in 32-bit digits. Non-finite values are kept apart:
 * the result is NaN if a NaN, or both infinities, were added, else the infinity that was.
 */
public final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long MASK = 0xFFFF_FFFFL;
  /** Digits: 2046 shifts + 84 bits of a shifted mantissa + 64 bits of carry headroom, in 32-bit digits. */
  private static final int DIGITS = 70;
  private static final int ADDS_BEFORE_CARRY = 1 << 30;
  private static final BigDecimal ULP_MIN = new BigDecimal(Double.MIN_VALUE); // 2^-1074, exact

  private final long[] digits = new long[DIGITS];
  private int pending;
  private double nonFinite; // 0, +-Infinity or NaN

  /** Adds {@code x} exactly. */
  public void add(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int biased = (int) ((bits >>> 52) & 0x7FF);
    if (biased == 0x7FF) {
      nonFinite += x;
      if (Double.isNaN(nonFinite)) {
        nonFinite = Double.NaN; // one canonical NaN whatever the payloads
      }
      return;
    }
    long m = bits & 0x000F_FFFF_FFFF_FFFFL;
    int shift;
    if (biased == 0) {
      if (m == 0) {
        return;
      }
      shift = 0;
    } else {
      m |= 1L << 52;
      shift = biased - 1;
    }
    int at = shift >>> 5;
    int off = shift & 31;
    long p0 = (m << off) & MASK;
    long p1 = off == 0 ? (m >>> 32) : ((m >>> (32 - off)) & MASK);
    long p2 = off == 0 ? 0 : (m >>> (64 - off));
    if (bits < 0) {
      digits[at] -= p0;
      digits[at + 1] -= p1;
      digits[at + 2] -= p2;
    } else {
      digits[at] += p0;
      digits[at + 1] += p1;
      digits[at + 2] += p2;
    }
    if (++pending == ADDS_BEFORE_CARRY) {
      carry();
    }
  }

  /** Adds every value of {@code other} (exact; associative and commutative bitwise). */
  public void merge(ExactSum other) {
    carry();
    other.carry();
    for (int i = 0; i < DIGITS; i++) {
      digits[i] += other.digits[i];
    }
    nonFinite += other.nonFinite;
    if (Double.isNaN(nonFinite)) {
      nonFinite = Double.NaN;
    }
    carry();
  }

  /** Propagates carries: every digit but the last in [0, 2^32), the last signed. A canonical form. */
  private void carry() {
    for (int i = 0; i + 1 < DIGITS; i++) {
      long c = digits[i] >> 32;
      digits[i] -= c << 32;
      digits[i + 1] += c;
    }
    pending = 0;
  }

  /** The exact sum (only for finite sums; see {@link #isFinite()}). */
  public BigDecimal exact() {
    carry();
    BigInteger v = BigInteger.valueOf(digits[DIGITS - 1]);
    for (int i = DIGITS - 2; i >= 0; i--) {
      v = v.shiftLeft(32).add(BigInteger.valueOf(digits[i]));
    }
    return new BigDecimal(v).multiply(ULP_MIN);
  }

  /** Whether every value added was finite. */
  public boolean isFinite() {
    return nonFinite == 0.0;
  }

  /** The sum rounded once to the nearest double (non-finite when a non-finite value was added). */
  public double value() {
    return isFinite() ? exact().doubleValue() : nonFinite;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ExactSum s)) {
      return false;
    }
    carry();
    s.carry();
    return Arrays.equals(digits, s.digits) && Double.compare(nonFinite, s.nonFinite) == 0;
  }

  @Override
  public int hashCode() {
    carry();
    return Arrays.hashCode(digits) * 31 + Double.hashCode(nonFinite);
  }
}
