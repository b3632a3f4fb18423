package org.diffusion4j.pde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Basis derivatives match central differences; Legendre values match closed forms. */
class SpectralBasisTest {
  @Test
  void sineDerivativesMatchFiniteDifferences() {
    double[] x = {0.13, 0.5, 1.7};
    double h = 1e-5;
    double[] plus = x.clone();
    double[] minus = x.clone();
    for (int i = 0; i < x.length; i++) {
      plus[i] += h;
      minus[i] -= h;
    }
    for (int d = 1; d <= 2; d++) {
      double[] exact = SpectralBasis.sine(x, 5, 0.1, 1.9, d);
      double[] fp = SpectralBasis.sine(plus, 5, 0.1, 1.9, d - 1);
      double[] fm = SpectralBasis.sine(minus, 5, 0.1, 1.9, d - 1);
      for (int k = 0; k < exact.length; k++) {
        assertEquals((fp[k] - fm[k]) / (2 * h), exact[k], 1e-6 * Math.max(1, Math.abs(exact[k])));
      }
    }
    double[] ends = SpectralBasis.sine(new double[] {0.1, 1.9}, 5, 0.1, 1.9, 0);
    for (double v : ends) {
      assertEquals(0, v, 1e-14);
    }
  }

  @Test
  void legendreValuesAndDerivatives() {
    double[] t = {0, 0.3, 1};
    double[] p = SpectralBasis.legendre(t, 4, 0, 1, 0);
    double[] dp = SpectralBasis.legendre(t, 4, 0, 1, 1);
    for (int i = 0; i < t.length; i++) {
      double s = 2 * t[i] - 1;
      assertEquals(1, p[i * 4], 1e-15);
      assertEquals(s, p[i * 4 + 1], 1e-15);
      assertEquals(0.5 * (3 * s * s - 1), p[i * 4 + 2], 1e-14);
      assertEquals(0.5 * (5 * s * s * s - 3 * s), p[i * 4 + 3], 1e-14);
      assertEquals(0, dp[i * 4], 0.0);
      assertEquals(2, dp[i * 4 + 1], 1e-14);
      assertEquals(2 * 3 * s, dp[i * 4 + 2], 1e-13);
      assertEquals(2 * 0.5 * (15 * s * s - 3), dp[i * 4 + 3], 1e-13);
    }
    double[] prod = SpectralBasis.rowProduct(new double[] {1, 2, 3, 4}, 2, new double[] {5, 6}, 1);
    assertEquals(10, prod[1], 0.0);
    assertEquals(24, prod[3], 0.0);
    assertThrows(IllegalArgumentException.class, () -> SpectralBasis.sine(t, 0, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> SpectralBasis.sine(t, 3, 0, 1, 3));
    assertThrows(IllegalArgumentException.class, () -> SpectralBasis.legendre(t, 3, 0, 1, 2));
  }
}
