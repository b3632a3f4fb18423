package org.diffusion4j.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BinomialTest {

  /** log P(Bin(n, p) >= k) by the brute-force sum of the pmf in log space (log-sum-exp). */
  static double upperTailBruteForce(int k, int n, double p) {
    double[] logTerms = new double[n - k + 1];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = k; j <= n; j++) {
      double lc = 0;
      for (int i = 1; i <= j; i++) {
        lc += Math.log((double) (n - j + i) / i);
      }
      double t = lc + j * Math.log(p) + (n - j) * Math.log1p(-p);
      logTerms[j - k] = t;
      max = Math.max(max, t);
    }
    double s = 0;
    for (double t : logTerms) {
      s += Math.exp(t - max);
    }
    return Math.exp(max) * s;
  }

  @Test
  void normalQuantileMatchesPublishedValues() {
    // Values of Phi^-1 to 16 digits (Wichura 1988, Table; also R's qnorm).
    assertEquals(1.959963984540054, Binomial.normalQuantile(0.975), 1e-15);
    assertEquals(3.090232306167813, Binomial.normalQuantile(0.999), 1e-14);
    assertEquals(-6.361340902404056, Binomial.normalQuantile(1e-10), 1e-13);
    assertEquals(0, Binomial.normalQuantile(0.5), 0);
    assertEquals(Double.POSITIVE_INFINITY, Binomial.normalQuantile(1), 0);
  }

  @Test
  void normalCdfInvertsTheQuantile() {
    for (double p : new double[] {1e-300, 1e-20, 1e-8, 0.001, 0.02, 0.3, 0.5, 0.7, 0.98, 0.999999}) {
      double x = Binomial.normalQuantile(p);
      assertEquals(p, Binomial.normalCdf(x), 1e-13 * p, "p=" + p);
    }
    assertEquals(0.8413447460685429, Binomial.normalCdf(1), 1e-15);
  }

  @Test
  void clopperPearsonLowerBoundHasTailProbabilityAlpha() {
    int[][] cases = {{9, 10}, {50, 100}, {990, 1000}, {1, 1000}, {999, 1000}, {400, 500}};
    for (double alpha : new double[] {0.001, 0.05}) {
      for (int[] c : cases) {
        double p = Binomial.clopperPearsonLower(c[0], c[1], alpha);
        assertEquals(alpha, upperTailBruteForce(c[0], c[1], p), 1e-10 * alpha, "k=" + c[0] + " n=" + c[1]);
      }
    }
  }

  @Test
  void clopperPearsonClosedFormsAtTheEnds() {
    assertEquals(Math.pow(0.001, 1.0 / 1000), Binomial.clopperPearsonLower(1000, 1000, 0.001), 0);
    assertEquals(1 - Math.pow(1 - 0.05, 1.0 / 20), Binomial.clopperPearsonLower(1, 20, 0.05), 1e-15);
    assertEquals(0, Binomial.clopperPearsonLower(0, 20, 0.05), 0);
  }

  @Test
  void binomialTestMatchesBruteForce() {
    // two-sided test of p = 1/2: P(|X - n/2| >= |k - n/2|)
    int n = 60;
    for (int k : new int[] {0, 10, 25, 29, 31, 47, 60}) {
      int lo = Math.min(k, n - k);
      double tail = 1 - upperTailBruteForce(lo + 1, n, 0.5);
      assertEquals(Math.min(1, 2 * tail), Binomial.twoSidedHalfTest(k, n), 1e-12, "k=" + k);
    }
    assertEquals(1, Binomial.twoSidedHalfTest(30, 60), 0);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> Binomial.clopperPearsonLower(11, 10, 0.05));
    assertThrows(IllegalArgumentException.class, () -> Binomial.clopperPearsonLower(5, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> Binomial.normalQuantile(1.5));
    assertTrue(Binomial.cdf(3, 10, 0.5) < 0.5);
  }
}
