package org.diffusion4j.spark.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Exact sums, moments, DDSketch quantiles and histograms: exactness, merge associativity, error bounds. */
class StatsMergeTest {
  /** Heavy-tailed, mixed-sign data over many magnitudes, with exact ties and cancelling pairs. */
  private static double[] data(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      double v = Math.exp(8 * r.nextGaussian()) * (r.nextBoolean() ? 1 : -1);
      x[i] = i % 10 == 0 ? 0.0 : i % 17 == 0 ? 1e16 : i % 19 == 0 ? -1e16 : v;
    }
    return x;
  }

  @Test
  void exactSumEqualsTheBigDecimalSumRoundedOnce() {
    double[] x = data(20_000, 1);
    ExactSum s = new ExactSum();
    BigDecimal exact = BigDecimal.ZERO;
    for (double v : x) {
      s.add(v);
      exact = exact.add(new BigDecimal(v));
    }
    s.add(Double.MIN_VALUE);
    s.add(-Double.MAX_VALUE);
    s.add(Double.MAX_VALUE);
    exact = exact.add(new BigDecimal(Double.MIN_VALUE));
    assertEquals(0, exact.compareTo(s.exact()));
    assertEquals(exact.doubleValue(), s.value());
  }

  @Test
  void mergesAreBitwiseAssociativeAndCommutative() {
    double[] x = data(30_000, 2);
    // ((a + b) + c) vs (a + (b + c)) vs one pass in reverse order, on uneven random splits.
    int i1 = 7_331;
    int i2 = 21_000;
    ColumnStats a = stats(x, 0, i1);
    ColumnStats b = stats(x, i1, i2);
    ColumnStats c = stats(x, i2, x.length);
    ColumnStats left = stats(x, 0, i1);
    left.merge(stats(x, i1, i2));
    left.merge(stats(x, i2, x.length));
    b.merge(c);
    a.merge(b);
    ColumnStats reversed = new ColumnStats(0.01, -100, 100, 40);
    for (int i = x.length - 1; i >= 0; i--) {
      reversed.add(x[i]);
    }
    for (ColumnStats s : new ColumnStats[] {a, reversed}) {
      assertEquals(Double.doubleToRawLongBits(left.moments().mean()), Double.doubleToRawLongBits(s.moments().mean()));
      assertEquals(Double.doubleToRawLongBits(left.moments().variance()),
          Double.doubleToRawLongBits(s.moments().variance()));
      assertEquals(Double.doubleToRawLongBits(left.moments().skewness()),
          Double.doubleToRawLongBits(s.moments().skewness()));
      assertEquals(Double.doubleToRawLongBits(left.moments().excessKurtosis()),
          Double.doubleToRawLongBits(s.moments().excessKurtosis()));
      assertEquals(left.sketch(), s.sketch());
      assertEquals(left.histogram(), s.histogram());
      assertEquals(left.moments().min(), s.moments().min());
      assertEquals(left.moments().max(), s.moments().max());
      for (double q = 0; q <= 1; q += 0.05) {
        assertEquals(left.sketch().quantile(q), s.sketch().quantile(q));
      }
    }
  }

  @Test
  void momentsMatchTwoPassBigDecimalValuesWithoutCancellation() {
    // Mean 1e9, standard deviation 1: naive sum-of-squares variance loses every digit here.
    SplittableRandom r = new SplittableRandom(3);
    int n = 5_000;
    double[] x = new double[n];
    ExactMoments m = new ExactMoments();
    for (int i = 0; i < n; i++) {
      x[i] = 1e9 + r.nextGaussian();
      m.add(x[i]);
    }
    MathContext mc = new MathContext(50);
    BigDecimal sum = BigDecimal.ZERO;
    for (double v : x) {
      sum = sum.add(new BigDecimal(v));
    }
    BigDecimal mean = sum.divide(BigDecimal.valueOf(n), mc);
    BigDecimal c2 = BigDecimal.ZERO;
    BigDecimal c3 = BigDecimal.ZERO;
    BigDecimal c4 = BigDecimal.ZERO;
    for (double v : x) {
      BigDecimal d = new BigDecimal(v).subtract(mean, mc);
      c2 = c2.add(d.pow(2), mc);
      c3 = c3.add(d.pow(3), mc);
      c4 = c4.add(d.pow(4), mc);
    }
    double var = c2.divide(BigDecimal.valueOf(n - 1), mc).doubleValue();
    double m2 = c2.divide(BigDecimal.valueOf(n), mc).doubleValue();
    double m3 = c3.divide(BigDecimal.valueOf(n), mc).doubleValue();
    double m4 = c4.divide(BigDecimal.valueOf(n), mc).doubleValue();
    assertEquals(mean.doubleValue(), m.mean(), 0.0);
    assertEquals(var, m.variance(), 1e-14 * var);
    assertEquals(m3 / Math.pow(m2, 1.5), m.skewness(), 1e-12);
    assertEquals(m4 / (m2 * m2) - 3, m.excessKurtosis(), 1e-12);
  }

  @Test
  void sketchQuantilesAreWithinTheStatedRelativeErrorOfTheExactOrderStatistics() {
    for (double alpha : new double[] {0.001, 0.01, 0.05}) {
      double[] x = data(50_001, 4);
      QuantileSketch s = new QuantileSketch(alpha);
      for (double v : x) {
        s.add(v);
      }
      double[] sorted = x.clone();
      Arrays.sort(sorted);
      double worst = 0;
      for (int k = 0; k <= 1000; k++) {
        double q = k / 1000.0;
        double exact = sorted[(int) Math.floor(q * (x.length - 1))];
        double est = s.quantile(q);
        double err = exact == 0 ? Math.abs(est) : Math.abs(est - exact) / Math.abs(exact);
        worst = Math.max(worst, err);
      }
      assertTrue(worst <= alpha * (1 + 1e-9), "alpha " + alpha + ": worst relative error " + worst);
      assertTrue(worst > alpha / 20, "the bound is not vacuous: worst " + worst + " for alpha " + alpha);
    }
  }

  @Test
  void histogramCountsEveryValueOnceAndBadArgumentsAreRejected() {
    Histogram h = new Histogram(-1, 1, 4);
    for (double v : new double[] {-2, -1, -0.5, -1e-3, 0, 0.49, 0.5, 0.999, 1, Double.NaN}) {
      h.add(v);
    }
    assertEquals("[1, 2, 2, 2]", Arrays.toString(h.counts()));
    assertEquals(1, h.underflow());
    assertEquals(1, h.overflow());
    assertEquals(1, h.nanCount());
    assertThrows(IllegalArgumentException.class, () -> new Histogram(1, 1, 4));
    assertThrows(IllegalArgumentException.class, () -> new QuantileSketch(0.5));
    assertThrows(IllegalArgumentException.class, () -> new QuantileSketch(0.01).merge(new QuantileSketch(0.02)));
    assertThrows(IllegalArgumentException.class, () -> new QuantileSketch(0.01).quantile(1.5));
  }

  private static ColumnStats stats(double[] x, int from, int to) {
    ColumnStats s = new ColumnStats(0.01, -100, 100, 40);
    for (int i = from; i < to; i++) {
      s.add(x[i]);
    }
    return s;
  }
}
