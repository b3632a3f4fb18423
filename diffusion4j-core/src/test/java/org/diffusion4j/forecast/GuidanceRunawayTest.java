package org.diffusion4j.forecast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;
import org.junit.jupiter.api.Test;

/**
 * Runaway guided samples with a rough denoiser (an undertrained network's stand-in), against the
 * official TSDiff sampler, {@code DDPMGuidance._reverse_diffusion} of
 * amazon-science/unconditional-time-series-diffusion (src/uncond_ts_diff/sampler/observation_guidance.py),
 * re-implemented below: x_{i-1} = p_sample(x_i) + posterior_variance_i s (-grad E(x0hat(x_{i-1}, i)))
 * for every training step i = N-1..0.
 */
class GuidanceRunawayTest {
  static final int N = 200;
  static final double SCALE = 8;

  private static double horizonRms(Batch x) {
    double sum = 0;
    for (int r = 0; r < x.n(); r++) {
      for (int i = SelfGuidanceTest.CONTEXT; i < SelfGuidanceTest.D; i++) {
        sum += x.get(r, i) * x.get(r, i);
      }
    }
    return Math.sqrt(sum / x.n() / SelfGuidanceTest.HORIZON);
  }

  /** The official DDPM guidance loop on TSDiff's 100 linear betas (1e-4 .. 0.1). */
  static Batch officialDdpmGuidance(DifferentiableDenoiser model, SelfGuidance guidance, double scale, long seed) {
    int steps = 100;
    double[] beta = new double[steps];
    double[] abar = new double[steps];
    double acc = 1;
    for (int i = 0; i < steps; i++) {
      beta[i] = 1e-4 + (0.1 - 1e-4) * i / (steps - 1.0);
      acc *= 1 - beta[i];
      abar[i] = acc;
    }
    Batch x = Noise.standardNormal(seed, N, SelfGuidanceTest.D);
    SplittableRandom rng = new SplittableRandom(seed + 1);
    Batch x0 = x.zerosLike();
    Batch dE = x.zerosLike();
    Batch grad = x.zerosLike();
    double[] xs = x.data();
    for (int i = steps - 1; i >= 0; i--) {
      double t = (i + 1.0) / steps; // knot of training step i on the DiscreteDdpmPath
      double alpha = Math.sqrt(abar[i]);
      double sigma = Math.sqrt(1 - abar[i]);
      double posteriorVariance = i == 0 ? 0 : beta[i] * (1 - abar[i - 1]) / (1 - abar[i]);
      model.predict(x, t, x0);
      for (int k = 0; k < xs.length; k++) {
        double eps = (xs[k] - alpha * x0.data()[k]) / sigma;
        double mean = (xs[k] - beta[i] / sigma * eps) / Math.sqrt(1 - beta[i]);
        double z = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
        xs[k] = mean + Math.sqrt(posteriorVariance) * z;
      }
      if (posteriorVariance == 0) {
        continue;
      }
      model.predictWithPullback(x, t, x0, (p, v) -> {
        guidance.energyGradientOf(p, dE);
        v.setScaled(1, dE);
      }, grad);
      for (int k = 0; k < xs.length; k++) {
        xs[k] -= posteriorVariance * scale * grad.data()[k];
      }
    }
    return x;
  }

  @Test
  void officialGridRunsAwayNoMoreThanTheOfficialSampler() {
    GaussianWindowDenoiser exact = new GaussianWindowDenoiser(SelfGuidanceTest.PATH,
        GaussianWindowDenoiser.ar1Covariance(SelfGuidanceTest.D, SelfGuidanceTest.PHI));
    Batch[] om = SelfGuidanceTest.observation(N);
    // Mean horizon RMS over three rough models (random R), to keep the comparison off one draw.
    double unguided = 0;
    double official = 0;
    double ours = 0;
    double logSnr50 = 0;
    for (long seed = 7; seed <= 9; seed++) {
      RoughDenoiser rough = new RoughDenoiser(SelfGuidanceTest.PATH, exact, 0.3, 10, seed);
      SelfGuidance guided = SelfGuidance.of(rough, SelfGuidanceTest.PATH, om[0], om[1], SelfGuidance.Loss.QUANTILE,
          SCALE, N);
      unguided += horizonRms(officialDdpmGuidance(rough, guided, 0, 1)) / 3;
      official += horizonRms(officialDdpmGuidance(rough, guided, SCALE, 1)) / 3;
      ours += horizonRms(SelfGuidance.officialGrid(Samplers.create("ddpm"), guided, SelfGuidanceTest.PATH, 100)
          .seed(1).run(Noise.standardNormal(1, N, SelfGuidanceTest.D)).x()) / 3;
      logSnr50 += horizonRms(Sampling.with(Samplers.create("ddpm"), guided, SelfGuidanceTest.PATH).steps(50)
          .seed(1).run(Noise.standardNormal(1, N, SelfGuidanceTest.D)).x()) / 3;
    }
    String all = String.format("unguided %.3f, official %.3f, official grid %.3f, logSNR 50 %.3f", unguided, official,
        ours, logSnr50);
    // The rough model alone is harmless (unit-variance AR(1): rms ~1); guided through its Jacobian,
    // the official sampler itself runs away (measured mean rms 4.23; official grid 4.54, logSNR 50
    // steps 9.85): the method's property, not a bug here.
    assertTrue(unguided < 1.2 && official > 2.5, all);
    // On the official grid this library's guided DDPM does what the official sampler does, ...
    assertTrue(ours > 0.67 * official && ours < 1.5 * official, all);
    // ... while the former default (logSNR grid, 50 steps) runs away about twice as far.
    assertTrue(logSnr50 > 1.75 * ours, all);
  }

  @Test
  void officialGridIsTheTrainingSteps() {
    Sampling.Builder b = SelfGuidance.officialGrid(Samplers.create("ddpm"),
        new GaussianWindowDenoiser(SelfGuidanceTest.PATH, GaussianWindowDenoiser.ar1Covariance(2, 0.5)),
        SelfGuidanceTest.PATH, 100);
    org.diffusion4j.sampler.TimeGrid grid = b.grid(new org.diffusion4j.sampler.Plan[1]);
    assertTrue(grid.steps() == 99, "steps " + grid.steps());
    for (int i = 0; i <= 99; i++) {
      double expected = (100 - i) / 100.0;
      assertTrue(Math.abs(grid.t(i) - expected) < 1e-12, "t_" + i + " = " + grid.t(i) + ", expected " + expected);
    }
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> SelfGuidance.officialGrid(Samplers.create("ddpm"),
            new GaussianWindowDenoiser(SelfGuidanceTest.PATH, GaussianWindowDenoiser.ar1Covariance(2, 0.5)),
            SelfGuidanceTest.PATH, 1));
    assertTrue(e.getMessage().contains("got 1"), e.getMessage());
  }
}
