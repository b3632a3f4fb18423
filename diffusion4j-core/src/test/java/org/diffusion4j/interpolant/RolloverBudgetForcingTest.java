package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.model.GaussianMixture;
import org.junit.jupiter.api.Test;

class RolloverBudgetForcingTest {
  static final GaussianMixture STD = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
  static final GaussianMixture EIGHT = InterpolantGeneratorTest.eightGaussians();
  static final Interpolant IT = Interpolant.oneSidedLinear();
  static final GaussianInterpolantFields F = new GaussianInterpolantFields(IT, STD, EIGHT);
  static final DoubleUnaryOperator EPS = t -> 2 * (1 - t) * (1 - t);
  /** Reward: the denoised point lies in the half-plane x > 2 (3 of the 8 modes), smoothed. */
  static final RolloverBudgetForcing.Reward REGION = x -> 1 / (1 + Math.exp(-4 * (x[0] - 2)));

  @Test
  void budgetOneIsPlainEulerMaruyamaSampling() {
    Batch x0 = STD.sample(3, 100);
    java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
    VectorField counted = (x, t, out) -> {
      calls.addAndGet(x.n());
      F.velocityField().evaluate(x, t, out);
    };
    RolloverBudgetForcing.Result r = RolloverBudgetForcing.sample(IT, counted, EPS, REGION, x0, 0.995, 40, 1, 7);
    // The reported NFE is the number of velocity evaluations actually made (one per row and step,
    // plus the start): the SDE's score comes from the velocity already computed.
    assertTrue(calls.get() == 100L * 41, "velocity row evaluations " + calls.get());
    Batch plain = InterpolantGenerator.sde(F.velocityField(), FlowConversions.scoreFromVelocity(IT, F.velocityField()), EPS,
        x0, 0, 0.995, 40, Scheme.EULER, 7);
    assertArrayEquals(plain.data(), r.samples().data());
    for (int e : r.evaluations()) {
      assertTrue(e == 41);
    }
  }

  /**
   * The mean reward rises with the budget (fixed seed), from the plain-sampling value near 3/8,
   * while samples stay on the data: at every budget at least 97% of samples lie within 4 standard
   * deviations (4 sqrt(0.1)) of a mode of the target.
   */
  @Test
  void rewardRisesWithBudgetAndSamplesStayOnTheData() {
    int n = 300;
    Batch x0 = STD.sample(5, n);
    double previous = Double.NEGATIVE_INFINITY;
    double first = Double.NaN;
    for (int budget : new int[] {1, 2, 4, 8}) {
      RolloverBudgetForcing.Result r = RolloverBudgetForcing.sample(IT, F.velocityField(), EPS, REGION, x0, 0.995, 30,
          budget, 11);
      double mean = r.meanReward();
      double se = 0.5 / Math.sqrt(n);
      assertTrue(mean > previous - 2 * se, "budget " + budget + ": reward " + mean + " after " + previous);
      if (budget == 1) {
        first = mean;
        assertTrue(Math.abs(mean - 3.0 / 8) < 5 * Math.sqrt(3.0 / 8 * 5 / 8 / n) + 0.05, "plain reward " + mean);
      }
      previous = mean;
      int onData = 0;
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < EIGHT.components(); k++) {
          double dx = r.samples().get(i, 0) - EIGHT.mean(k)[0];
          double dy = r.samples().get(i, 1) - EIGHT.mean(k)[1];
          if (dx * dx + dy * dy < 16 * 0.1) {
            onData++;
            break;
          }
        }
        assertTrue(r.evaluations()[i] <= 1 + 30 * budget);
      }
      assertTrue(onData >= 0.97 * n, "budget " + budget + ": " + onData + " of " + n + " on the data");
    }
    assertTrue(previous > first + 0.3, "budget 8 reward " + previous + " vs plain " + first);
  }

  @Test
  void badInput() {
    Batch x0 = STD.sample(3, 2);
    assertThrows(IllegalArgumentException.class, () -> RolloverBudgetForcing.sample(IT, F.velocityField(), EPS, REGION, x0, 1, 4, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> RolloverBudgetForcing.sample(IT, F.velocityField(), EPS, REGION, x0, 0.9, 4, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> RolloverBudgetForcing.sample(Interpolant.linear(Gamma.sqrtBridge(1)),
        F.velocityField(), EPS, REGION, x0, 0.9, 4, 1, 1));
  }
}
