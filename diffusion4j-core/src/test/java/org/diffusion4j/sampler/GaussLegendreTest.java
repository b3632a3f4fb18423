package org.diffusion4j.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The n-point rule integrates x^m exactly on [-1, 1] for m <= 2n - 1, and not for m = 2n. */
class GaussLegendreTest {
  /** int_{-1}^{1} x^m dx = 2 / (m + 1) for even m, 0 for odd m. */
  private static double exactMonomial(int m) {
    return m % 2 == 0 ? 2.0 / (m + 1) : 0.0;
  }

  private static double ruleMonomial(GaussLegendre g, int m) {
    double s = 0;
    for (int i = 0; i < g.size(); i++) {
      s += g.weight(i) * Math.pow(g.node(i), m);
    }
    return s;
  }

  @Test
  void exactUpToDegreeTwoNMinusOne() {
    for (int n : new int[] {1, 2, 4, 8, 16}) {
      GaussLegendre g = GaussLegendre.of(n);
      assertEquals(n, g.size());
      for (int m = 0; m <= 2 * n - 1; m++) {
        assertEquals(exactMonomial(m), ruleMonomial(g, m), 1e-14, "n=" + n + " m=" + m);
      }
      // Degree 2n is the first the rule misses: error 2^{2n+1} (n!)^4 / ((2n+1) ((2n)!)^3) (2n)!
      // (A&S 25.4.29 remainder with f^{(2n)} = (2n)!), well above rounding for n <= 16.
      double miss = Math.abs(ruleMonomial(g, 2 * n) - exactMonomial(2 * n));
      assertTrue(miss > 1e-12, "n=" + n + " degree 2n error " + miss);
    }
  }

  @Test
  void nodesAreSymmetricAndInsideTheInterval() {
    GaussLegendre g = GaussLegendre.of(8);
    double sum = 0;
    for (int i = 0; i < g.size(); i++) {
      assertTrue(Math.abs(g.node(i)) < 1);
      assertEquals(-g.node(i), g.node(g.size() - 1 - i), 1e-15);
      assertEquals(g.weight(i), g.weight(g.size() - 1 - i), 1e-15);
      sum += g.weight(i);
    }
    assertEquals(2, sum, 1e-14);
  }

  @Test
  void rejectsNoNodes() {
    assertThrows(IllegalArgumentException.class, () -> GaussLegendre.of(0));
  }
}
