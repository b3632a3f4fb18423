package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CounterNormalTest {
  /** The ziggurat draws are N(0, 1): KS, variance, fourth moment, and the tail mass beyond R = 3.4426 (wedge and tail paths). */
  @Test
  void drawsAreStandardNormalIncludingTheTail() {
    int n = 400_000;
    double[] z = new double[n];
    long beyond = 0;
    double m4 = 0;
    for (int i = 0; i < n; i++) {
      z[i] = CounterNormal.normal(0x1234L + i / 1000, i % 1000);
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
    assertEquals(CounterNormal.normal(7, 3), CounterNormal.normal(7, 3), 0.0);
  }
}
