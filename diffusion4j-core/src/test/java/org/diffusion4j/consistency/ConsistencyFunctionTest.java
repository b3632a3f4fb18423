package org.diffusion4j.consistency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;
import org.junit.jupiter.api.Test;

class ConsistencyFunctionTest {
  private static final ConsistencySchedule CM = ConsistencySchedule.defaults();
  private static final GaussianPath EDM = Paths.create("edm", Map.of());
  private static final GaussianPath COND_OT = Paths.create("cond-ot", Map.of());
  private static final GaussianMixture MIX = GaussianMixture.random(3, 2, 5);

  @Test
  void boundaryConditionHoldsExactly() {
    assertEquals(1.0, CM.cSkip(CM.eps(), CM.eps()), 0);
    assertEquals(0.0, CM.cOut(CM.eps(), CM.eps()), 0);
    Batch x = Noise.standardNormal(3, 50, 2).scale(3);
    Batch out = x.zerosLike();
    ConsistencyFunction f = new ConsistencyFunction(MIX.denoiser(EDM, Prediction.EPSILON), EDM, CM, 0.002);
    f.predict(x, f.tEps(), out);
    assertArrayEquals(x.data(), out.data(), 0.0, "f(x, eps) = x bitwise on the EDM path");
    // the general formula f = a x + b D with (a, b) at eps is (1, 0): exact whatever D is
    assertArrayEquals(new double[] {1, 0}, f.coefficients(f.tEps()), 0);
    // on cond-OT the boundary is in the scale-free variable: f(x, t_eps) = x / alpha(t_eps)
    double tEps = ConsistencyFunction.boundaryTime(COND_OT, CM);
    ConsistencyFunction g = new ConsistencyFunction(MIX.denoiser(COND_OT, Prediction.VELOCITY), COND_OT, CM, tEps);
    assertEquals(0.002, g.eps(), 1e-12);
    g.predict(x, tEps, out);
    for (int i = 0; i < x.size(); i++) {
      assertEquals(x.data()[i] / COND_OT.alpha(tEps), out.data()[i], 1e-15 * Math.abs(x.data()[i]));
    }
  }

  @Test
  void farFromTheBoundaryItIsTheModelsDataPrediction() {
    // c_skip - r c_skip^EDM and 1 - r vanish as O(eps/sigma): at sigma = 20 f is D to ~1e-4 (relative)
    Batch x = Noise.standardNormal(4, 20, 2).scale(20);
    Batch f = x.zerosLike();
    Batch d = x.zerosLike();
    new ConsistencyFunction(MIX.denoiser(EDM, Prediction.EPSILON), EDM, CM, 0.002).predict(x, 20, f);
    MIX.denoiser(EDM, Prediction.X0).predict(x, 20, d);
    assertTrue(f.maxAbsDistance(d) < 1e-3, "max |f - D| = " + f.maxAbsDistance(d));
  }

  @Test
  void karrasGridAndTrainingSchedulesMatchTheOfficialFormulas() {
    assertEquals(80, CM.karras(0, 18), 1e-12);
    assertEquals(0.002, CM.karras(17, 18), 0);
    double a = Math.pow(80, 1 / 7.0);
    double b = Math.pow(0.002, 1 / 7.0);
    assertEquals(Math.pow(a + 5 / 17.0 * (b - a), 7), CM.karras(5, 18), 1e-15);
    // N(k): s0 levels at k = 0 (official: scales = s0 - 1, then + 1) and s1 + 1 at the end
    assertEquals(2, ConsistencySchedule.trainingLevels(0, 1000, 2, 150));
    assertEquals(151, ConsistencySchedule.trainingLevels(1000, 1000, 2, 150));
    assertEquals((int) Math.ceil(Math.sqrt(0.5 * (151.0 * 151 - 4) + 4) - 1) + 1,
        ConsistencySchedule.trainingLevels(500, 1000, 2, 150));
    // mu(k) = exp(s0 log(mu0) / (N - 1)): mu0 at N = s0 + 1 (official c = -log(mu0) s0, exp(-c / scales), N = scales + 1)
    assertEquals(0.95, ConsistencySchedule.trainingTargetEma(0.95, 2, 3), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> CM.karras(18, 18));
    assertThrows(IllegalArgumentException.class, () -> new ConsistencySchedule(0, 80, 0.5, 7));
  }

  /**
   * The exact consistency function of a 1-D Gaussian N(m, v) on the EDM path: the probability-flow
   * ODE from sigma to eps is x -> m + sqrt((v + eps^2)/(v + sigma^2)) (x - m).
   */
  record GaussianConsistency(double m, double v, double eps) implements Denoiser {
    @Override
    public int dim() {
      return 1;
    }

    @Override
    public Prediction prediction() {
      return Prediction.X0;
    }

    @Override
    public void predict(Batch x, double t, Batch out) {
      double k = Math.sqrt((v + eps * eps) / (v + t * t));
      for (int i = 0; i < x.n(); i++) {
        out.data()[i] = m + k * (x.data()[i] - m);
      }
    }
  }

  @Test
  void consistencySamplerWithTheExactConsistencyFunctionSamplesTheData() {
    GaussianConsistency f = new GaussianConsistency(1.5, 0.25, 0.002);
    Batch noise = Noise.standardNormal(9, 20000, 1);
    Batch start = noise.copy().scale(80);
    Sampling.Result one = Sampling.with(Samplers.create("consistency"), f, EDM).times(80, 0.002).nfe(1).run(start);
    assertEquals(1, one.nfe());
    for (int i = 0; i < 5; i++) {
      assertEquals(1.5 + Math.sqrt((0.25 + 4e-6) / (0.25 + 6400)) * (80 * noise.data()[i] - 1.5),
          one.x().data()[i], 1e-12);
    }
    Sampling.Result two = Sampling.with(Samplers.create("consistency"), f, EDM).times(80, 0.002).steps(2).seed(4)
        .run(start);
    assertEquals(2, two.nfe());
    double mean = 0;
    double sq = 0;
    for (double v : two.x().data()) {
      mean += v / 20000;
      sq += v * v / 20000;
    }
    double var = sq - mean * mean;
    // N(m, v + eps^2): mean within 4 standard errors (0.0035 each), variance within 4 of its (0.0025)
    assertEquals(1.5, mean, 0.015);
    assertEquals(0.25, var, 0.01);
  }
}
