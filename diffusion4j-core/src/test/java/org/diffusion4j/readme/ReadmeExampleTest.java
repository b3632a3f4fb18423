package org.diffusion4j.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.likelihood.Likelihood;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.VpLinearPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sde.SdeSolution;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.Solver;
import org.diffusion4j.sde.models.Gbm;
import org.junit.jupiter.api.Test;

/** The Java example of README.md, kept compiling and checked against closed forms. */
class ReadmeExampleTest {
  @Test
  void readmeExampleRunsAndAgreesWithClosedForms() {
    // --- README example starts ---
    GaussianPath path = new VpLinearPath();                   // beta 0.1 .. 20
    GaussianMixture gmm = GaussianMixture.gaussian(new double[] {1, -1}, new double[] {0.25, 0.25});
    Denoiser model = gmm.denoiser(path, Prediction.EPSILON);  // or a trained NeuralDenoiser

    Batch noise = Noise.standardNormal(0, 4000, 2);
    Sampling.Result r = Sampling.with(Samplers.create("dpm-solver++-2m"), model, path)
        .times(1, 1e-3).nfe(10).run(noise);                   // r.x(): samples, r.nfe() == 10

    double[] logp = Likelihood.builder(model, path).build().logDensity(r.x().copy());

    SdeSolution gbm = SdeSolve.of(Gbm.ito(0.05, 0.2)).solver(Solver.MILSTEIN)
        .t1(1).dt(1e-3).y0(1).paths(10_000).seed(1).run();
    // --- README example ends ---

    assertEquals(10, r.nfe());
    double mean = 0;
    for (int i = 0; i < r.x().n(); i++) {
      mean += r.x().get(i, 0) / r.x().n();
    }
    assertEquals(1.0, mean, 0.05, "sample mean of the first coordinate");
    double exact = gmm.logDensity(path, 1e-5, r.x().copy())[0];
    // The default prior N(0, 1) at T = 1 ignores alpha(1) mu = 0.0066 (1, -1): for |x_T| of a few
    // units that shifts log p by |x_T . alpha mu| < 0.05; the ODE error itself is ~1e-5.
    assertEquals(exact, logp[0], 0.05, "ODE likelihood of one sample vs closed form");
    double m = 0;
    double[] yT = gbm.column(gbm.saves() - 1, 0);
    for (double y : yT) {
      m += y / yT.length;
    }
    assertTrue(Math.abs(m - Math.exp(0.05)) < 5 * 0.2 * Math.exp(0.05) / Math.sqrt(yT.length) + 1e-3, "GBM mean " + m);
  }
}
