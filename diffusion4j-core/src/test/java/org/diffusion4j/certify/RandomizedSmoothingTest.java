package org.diffusion4j.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.junit.jupiter.api.Test;

class RandomizedSmoothingTest {
  /** f(x) = 1 if w.x + b > 0 else 0: smoothing it with N(0, sigma^2 I) is exact in closed form. */
  record Linear(double[] w, double b) implements BaseClassifier {
    @Override
    public int classes() {
      return 2;
    }

    @Override
    public int dim() {
      return w.length;
    }

    @Override
    public int[] classify(Batch x) {
      int[] out = new int[x.n()];
      for (int r = 0; r < x.n(); r++) {
        double s = b;
        for (int i = 0; i < w.length; i++) {
          s += w[i] * x.get(r, i);
        }
        out[r] = s > 0 ? 1 : 0;
      }
      return out;
    }

    double margin(double[] x) {
      double s = b;
      for (int i = 0; i < w.length; i++) {
        s += w[i] * x[i];
      }
      return s;
    }

    double norm() {
      double s = 0;
      for (double v : w) {
        s += v * v;
      }
      return Math.sqrt(s);
    }
  }

  private static final Linear LINEAR = new Linear(new double[] {1.5, -2.0, 0.5}, 0.3);

  @Test
  void radiusIsSigmaTimesTheNormalQuantileOfTheLowerBound() {
    RandomizedSmoothing s = new RandomizedSmoothing(LINEAR, 0.25, 100);
    RandomizedSmoothing.Certificate c = s.certify(new double[] {1, -1, 0}, 50, 500, 0.001, 3);
    assertEquals(1, c.label());
    assertEquals(Binomial.clopperPearsonLower(c.countA(), 500, 0.001), c.pLower(), 0);
    assertEquals(0.25 * Binomial.normalQuantile(c.pLower()), c.radius(), 0);
    // every one of the 500 copies is class 1 here (margin/||w|| = 1.47 = 5.9 sigma), so p_lower = alpha^(1/n)
    assertEquals(500, c.countA());
    assertEquals(0.25 * Binomial.normalQuantile(Math.pow(0.001, 1.0 / 500)), c.radius(), 1e-15);
  }

  @Test
  void monteCarloCertificateAgreesWithTheClosedFormOfTheSmoothedLinearClassifier() {
    double sigma = 0.5;
    int n = 4000;
    double alpha = 0.001;
    // p - p_lower <= sqrt(ln(1/alpha)/(2n)) (Clopper-Pearson is tighter than Hoeffding's bound) plus the
    // deviation of the empirical frequency, |p_hat - p| <= sqrt(ln(2/delta)/(2n)) with delta = 1e-6
    double slack = Math.sqrt(Math.log(1 / alpha) / (2 * n)) + Math.sqrt(Math.log(2 / 1e-6) / (2 * n));
    RandomizedSmoothing s = new RandomizedSmoothing(LINEAR, sigma, 512);
    int certified = 0;
    for (int k = 0; k < 12; k++) {
      double[] x = {0.1 * k - 0.5, 0.05 * k - 0.1, -0.3 + 0.02 * k};
      double margin = LINEAR.margin(x);
      double pTrue = Binomial.normalCdf(Math.abs(margin) / (sigma * LINEAR.norm()));
      RandomizedSmoothing.Certificate c = s.certify(x, 100, n, alpha, 100 + k);
      assertTrue(c.pLower() <= pTrue, "lower bound " + c.pLower() + " above the true p " + pTrue + " at k=" + k);
      if (pTrue >= 0.6) {
        // n0 = 100 selection copies then pick the majority class except with probability < 3e-5
        assertTrue(pTrue - c.pLower() <= slack, "lower bound " + c.pLower() + " too far below " + pTrue);
      }
      if (!c.abstained()) {
        certified++;
        assertEquals(margin > 0 ? 1 : 0, c.label(), "k=" + k);
        // the smoothed linear classifier is the linear classifier itself; its exact robust radius is the
        // distance to the hyperplane, sigma Phi^-1(p) = |margin|/||w||, and the certificate stays below it
        double distance = Math.abs(margin) / LINEAR.norm();
        assertEquals(distance, sigma * Binomial.normalQuantile(pTrue), 1e-12);
        assertTrue(c.radius() <= distance, "radius " + c.radius() + " > distance " + distance);
      }
    }
    assertTrue(certified >= 8, "only " + certified + " of 12 points certified");
  }

  @Test
  void predictAbstainsOnTheBoundaryAndAnswersFarFromIt() {
    RandomizedSmoothing s = new RandomizedSmoothing(LINEAR, 0.5, 256);
    double[] onBoundary = {0, 0.15, 0}; // margin 0.3 - 0.3 = 0: p_A = 1/2
    assertEquals(RandomizedSmoothing.ABSTAIN, s.predict(onBoundary, 1000, 0.001, 7));
    assertEquals(1, s.predict(new double[] {1, -1, 0}, 1000, 0.001, 7));
    assertEquals(0, s.predict(new double[] {-1, 1, 0}, 1000, 0.001, 7));
  }

  @Test
  void certificateIsDeterministicAndIndependentOfTheBatchSize() {
    double[] x = {0.05, 0.1, 0.0};
    RandomizedSmoothing.Certificate a = new RandomizedSmoothing(LINEAR, 0.5, 7).certify(x, 30, 300, 0.01, 11);
    RandomizedSmoothing.Certificate b = new RandomizedSmoothing(LINEAR, 0.5, 300).certify(x, 30, 300, 0.01, 11);
    assertEquals(a, b);
  }

  @Test
  void certifiedAccuracyCountsCorrectCertificatesAtLeastThatRobust() {
    RandomizedSmoothing.Certificate[] c = {
        new RandomizedSmoothing.Certificate(1, 0.9, 0.6, 90, 100),
        new RandomizedSmoothing.Certificate(0, 0.8, 0.3, 80, 100),
        new RandomizedSmoothing.Certificate(RandomizedSmoothing.ABSTAIN, 0.4, 0, 40, 100),
        new RandomizedSmoothing.Certificate(1, 0.99, 1.2, 99, 100)};
    double[] acc = RandomizedSmoothing.certifiedAccuracy(c, new int[] {1, 0, 1, 0}, new double[] {0, 0.5, 1});
    assertEquals(0.5, acc[0], 0);
    assertEquals(0.25, acc[1], 0);
    assertEquals(0, acc[2], 0);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new RandomizedSmoothing(LINEAR, 0, 10));
    RandomizedSmoothing s = new RandomizedSmoothing(LINEAR, 0.5, 10);
    assertThrows(IllegalArgumentException.class, () -> s.certify(new double[] {1, 2}, 10, 10, 0.01, 1));
    assertThrows(IllegalArgumentException.class, () -> s.certify(new double[] {1, 2, 3}, 0, 10, 0.01, 1));
    assertThrows(IllegalArgumentException.class, () -> s.certify(new double[] {1, 2, 3}, 10, 10, 1.5, 1));
  }
}
