package org.diffusion4j.interpolant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.diffusion4j.array.Batch;
import org.diffusion4j.likelihood.DormandPrince;
import org.diffusion4j.likelihood.ExactDivergence;
import org.diffusion4j.model.GaussianMixture;
import org.junit.jupiter.api.Test;

class InterpolantLikelihoodTest {
  /**
   * Data to data: the ODE likelihood of mixture rho0 pushed by the exact interpolant velocity must
   * equal the exact log-density of the mixture rho1 (adaptive Dormand-Prince at rtol 1e-8, exact
   * divergence): agreement to 1e-4 at points drawn from rho1, for several interpolants.
   */
  @Test
  void flowLikelihoodEqualsTheTargetDensity() {
    GaussianMixture rho0 = GaussianInterpolantFieldsTest.RHO0;
    GaussianMixture rho1 = GaussianInterpolantFieldsTest.RHO1;
    Batch x1 = rho1.sample(3, 40);
    for (Interpolant it : new Interpolant[] {Interpolant.linear(Gamma.sqrtBridge(1)), Interpolant.trigonometric(Gamma.zero()),
        Interpolant.encoderDecoder()}) {
      GaussianInterpolantFields f = new GaussianInterpolantFields(it, rho0, rho1);
      double[] got = InterpolantLikelihood.logDensity(f.velocityField(), rho0::logDensityData, x1, new ExactDivergence(),
          new DormandPrince(1e-8, 1e-10));
      double[] exact = rho1.logDensityData(x1);
      for (int i = 0; i < x1.n(); i++) {
        assertEquals(exact[i], got[i], 1e-4, it.name() + " row " + i);
      }
    }
  }
}
