package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.coupling.Coupling;
import org.diffusion4j.model.GaussianMixture;
import org.junit.jupiter.api.Test;

class ReflowTest {
  /**
   * N(0, I) to 8 Gaussians: the exact one-sided linear velocity is the 1-rectified flow of the
   * independent coupling; reflowing its own coupling (kernel regression, 1500 pairs) must cut the
   * straightness by at least 3x (Liu et al. 2023, Thm. 3.7: reflow straightens), must not increase
   * the transport cost E|Z1 - Z0|^2 (Thm. 3.3) beyond the kernel bias allowance, and the 2-rectified
   * flow must still land on the data (95% of samples within 4 sd of a mode).
   */
  @Test
  void reflowStraightensTheFlow() {
    GaussianMixture std = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
    GaussianMixture eight = InterpolantGeneratorTest.eightGaussians();
    Interpolant it = Interpolant.oneSidedLinear();
    GaussianInterpolantFields f = new GaussianInterpolantFields(it, std, eight);
    Coupling.Pair first = Reflow.pairs(f.velocityField(), std.sample(1, 1500), 100);
    VectorField reflowed = Reflow.kernelVelocity(first, 0.1);
    Batch probe = std.sample(2, 400);
    Straightness.Result s1 = Straightness.of(f.velocityField(), probe, 0, 1, 100);
    Straightness.Result s2 = Straightness.of(reflowed, probe, 0, 1, 50);
    assertTrue(s2.value() < s1.value() / 3, "straightness " + s1.value() + " -> " + s2.value());
    double cost1 = meanSquaredDisplacement(probe, s1.endpoints());
    double cost2 = meanSquaredDisplacement(probe, s2.endpoints());
    assertTrue(cost2 < cost1 * 1.05, "transport cost " + cost1 + " -> " + cost2);
    int onData = 0;
    for (int i = 0; i < probe.n(); i++) {
      for (int k = 0; k < eight.components(); k++) {
        double dx = s2.endpoints().get(i, 0) - eight.mean(k)[0];
        double dy = s2.endpoints().get(i, 1) - eight.mean(k)[1];
        if (dx * dx + dy * dy < 1.6) {
          onData++;
          break;
        }
      }
    }
    assertTrue(onData >= 0.95 * probe.n(), onData + " of " + probe.n() + " on the data after reflow");
    assertThrows(IllegalArgumentException.class, () -> Reflow.kernelVelocity(first, 0));
  }

  static double meanSquaredDisplacement(Batch a, Batch b) {
    double r = a.rmsDistance(b);
    return r * r * a.d();
  }
}
