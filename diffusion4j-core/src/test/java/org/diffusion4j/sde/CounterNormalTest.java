package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;

class CounterNormalTest {
  /**
   * The draws of a stream are N(0, 1): KS, variance, fourth moment, and the tail mass beyond
   * R = 3.4426 (wedge and tail paths).
   */
  private static double[] assertStandardNormal(ToDoubleBiFunction<Long, Long> normal) {
    int n = 400_000;
    double[] z = new double[n];
    long beyond = 0;
    double m4 = 0;
    for (int i = 0; i < n; i++) {
      z[i] = normal.applyAsDouble(0x1234L + i / 1000, (long) (i % 1000));
      m4 += z[i] * z[i] * z[i] * z[i] / n;
      if (Math.abs(z[i]) > 3.442619855899) {
        beyond++;
      }
    }
    assertTrue(Stats.ksNormal(z) < Stats.ksCritical(n), "KS " + Stats.ksNormal(z));
    assertEquals(1.0, Stats.variance(z), 4 * Math.sqrt(2.0 / n));
    assertEquals(3.0, m4, 4 * Math.sqrt(96.0 / n));
    // P(|Z| > R) = 5.762e-4: 230.5 expected, Poisson sd 15.
    assertEquals(230.5, beyond, 4 * 15.2, "draws beyond R");
    return z;
  }

  @Test
  void drawsAreStandardNormalIncludingTheTail() {
    assertStandardNormal(CounterNormal::normal);
    assertEquals(CounterNormal.normal(7, 3), CounterNormal.normal(7, 3), 0.0);
  }

  /** The two-per-hash stream: normal, and the two halves of one hash uncorrelated (also in |z|). */
  @Test
  void twoPerHashStreamIsStandardNormalWithIndependentHalves() {
    double[] z = assertStandardNormal(CounterNormal::normal32);
    int pairs = z.length / 2;
    double[] even = new double[pairs];
    double[] odd = new double[pairs];
    double[] absEven = new double[pairs];
    double[] absOdd = new double[pairs];
    for (int p = 0; p < pairs; p++) {
      even[p] = z[2 * p];
      odd[p] = z[2 * p + 1];
      absEven[p] = Math.abs(even[p]);
      absOdd[p] = Math.abs(odd[p]);
    }
    assertEquals(0.0, Stats.correlation(even, odd), 4 / Math.sqrt(pairs));
    assertEquals(0.0, Stats.correlation(absEven, absOdd), 4 / Math.sqrt(pairs));
    long h = CounterNormal.pairHash(9, 5);
    assertEquals(CounterNormal.low(h), CounterNormal.normal32(9, 10), 0.0);
    assertEquals(CounterNormal.high(h), CounterNormal.normal32(9, 11), 0.0);
  }
}
