package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.junit.jupiter.api.Test;

class ScoreTransportResidualTest {
  /**
   * The exact (b, s) of a mixture-to-mixture interpolant has a residual at finite-difference
   * noise level (below 1e-6 of the size of d_t s), while a 10% error in the score or a shifted
   * velocity gives a residual many orders of magnitude larger.
   */
  @Test
  void exactFieldsAreConsistentAndPerturbedOnesAreNot() {
    GaussianMixture rho0 = GaussianInterpolantFieldsTest.RHO0;
    GaussianMixture rho1 = GaussianInterpolantFieldsTest.RHO1;
    for (Interpolant it : new Interpolant[] {Interpolant.linear(Gamma.sqrtBridge(1)), Interpolant.trigonometric(Gamma.zero())}) {
      GaussianInterpolantFields f = new GaussianInterpolantFields(it, rho0, rho1);
      for (double t : new double[] {0.3, 0.7}) {
        Batch x = new Batch(200, 2);
        Batch x0 = rho0.sample(1, 200);
        Batch x1 = rho1.sample(2, 200);
        Batch z = org.diffusion4j.random.Noise.standardNormal(3, 200, 2);
        it.sample(t, x0, x1, z, x, null);
        double scale = ScoreTransportResidual.meanSquared((xx, tt, o) -> java.util.Arrays.fill(o.data(), 0),
            f.scoreField(), t, x, 1e-4, 1e-3);
        double exact = ScoreTransportResidual.meanSquared(f.velocityField(), f.scoreField(), t, x, 1e-4, 1e-3);
        VectorField badScore = (xx, tt, o) -> {
          f.score(xx, tt, o);
          o.scale(1.1);
        };
        VectorField badVelocity = (xx, tt, o) -> {
          f.velocity(xx, tt, o);
          for (int i = 0; i < o.n(); i++) {
            o.data()[i * 2] += 0.3 * xx.data()[i * 2 + 1];
          }
        };
        double wrongS = ScoreTransportResidual.meanSquared(f.velocityField(), badScore, t, x, 1e-4, 1e-3);
        double wrongB = ScoreTransportResidual.meanSquared(badVelocity, f.scoreField(), t, x, 1e-4, 1e-3);
        assertTrue(exact < 1e-6 * scale, it.name() + " t=" + t + ": exact residual " + exact + " vs scale " + scale);
        assertTrue(wrongS > 1e3 * exact && wrongS > 1e-3 * scale, "score error not detected: " + wrongS);
        assertTrue(wrongB > 1e3 * exact && wrongB > 1e-3 * scale, "velocity error not detected: " + wrongB);
      }
    }
  }
}
