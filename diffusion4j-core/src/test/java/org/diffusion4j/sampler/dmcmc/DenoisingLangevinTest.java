package org.diffusion4j.sampler.dmcmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinPool;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.VePath;
import org.junit.jupiter.api.Test;

class DenoisingLangevinTest {
  static final double[] M = {0.7, -0.4};
  static final double[] V = {0.3, 0.5};
  static final GaussianPath VE = new VePath(0.1, 2.0);
  static final GaussianMixture DATA = GaussianMixture.gaussian(M, V);
  static final int N = 4000;
  static final double STEP_X = 0.005;
  static final DenoisingLangevin CHAIN = new DenoisingLangevin(STEP_X, 0.002, 0.0, 1.0);

  /** n chains after 1200 steps (t crosses its range in ~250 steps of size sqrt(2 stepT) = 0.063). */
  static DenoisingLangevin.State stationary(long seed, int n) {
    MixtureProductTarget target = new MixtureProductTarget(DATA, VE);
    DenoisingLangevin.State s = CHAIN.start(target, n, seed);
    CHAIN.run(target, s, 0, 1200, seed);
    return s;
  }

  /**
   * For Gaussian data N(m, v) the product-space target is p(x, t) = N(x; m, v + sigma_t^2) pi(t):
   * t is uniform on [0, 1] (mean 1/2, variance 1/12) and z = (x - m)/sqrt(v + sigma_t^2) is
   * N(0, 1) independent of t. With N independent chains the sample means have standard errors
   * 1/sqrt(N) (z), sqrt(1/(12 N)) (t); the mean of z^2 has sqrt(2/N); the sample variance of a
   * uniform has sqrt((1/80 - 1/144)/N). We allow 5 standard errors, plus the unadjusted
   * Langevin bias stepX / (4 min(v + sigma^2)) &lt; 0.5% on z^2.
   */
  @Test
  void stationaryDistributionMatchesGaussianTarget() {
    DenoisingLangevin.State s = stationary(7, N);
    double tMean = 0;
    for (double t : s.t()) {
      tMean += t / N;
    }
    double tVar = 0;
    for (double t : s.t()) {
      tVar += (t - tMean) * (t - tMean) / (N - 1);
    }
    assertEquals(0.5, tMean, 5 * Math.sqrt(1.0 / (12 * N)), "mean of t");
    assertEquals(1.0 / 12, tVar, 5 * Math.sqrt((1.0 / 80 - 1.0 / 144) / N), "variance of t");
    double bias = STEP_X / (4 * (0.3 + 0.01));
    for (int j = 0; j < 2; j++) {
      double zMean = 0;
      double z2 = 0;
      double tz2 = 0;
      for (int i = 0; i < N; i++) {
        double sig = VE.sigma(s.t()[i]);
        double z = (s.x().get(i, j) - M[j]) / Math.sqrt(V[j] + sig * sig);
        zMean += z / N;
        z2 += z * z / N;
        tz2 += (s.t()[i] - 0.5) * (z * z - 1) / N;
      }
      assertEquals(0, zMean, 5 / Math.sqrt(N), "mean of z" + j);
      assertEquals(1, z2, 5 * Math.sqrt(2.0 / N) + bias, "mean of z^2, coordinate " + j);
      // independence of t and z: cov(t, z^2) = 0, sd of each term sqrt(1/12 * 2)
      assertEquals(0, tz2, 5 * Math.sqrt(2.0 / 12 / N) + bias, "cov(t, z^2), coordinate " + j);
    }
  }

  /** Denoising each chain state with a 10-step ODE solve gives the data law N(m, v). */
  @Test
  void denoisedChainStatesFollowTheData() {
    int n = 1500;
    DenoisingLangevin.State sub = stationary(8, n);
    Batch out = DenoisingLangevin.denoise(DATA.denoiser(VE, Prediction.EPSILON), VE, sub, 1e-4, 10);
    for (int j = 0; j < 2; j++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += out.get(i, j) / n;
      }
      double var = 0;
      for (int i = 0; i < n; i++) {
        var += (out.get(i, j) - mean) * (out.get(i, j) - mean) / (n - 1);
      }
      assertEquals(M[j], mean, 5 * Math.sqrt(V[j] / n), "mean " + j);
      assertEquals(V[j], var, 5 * V[j] * Math.sqrt(2.0 / n) + 0.01 * V[j], "variance " + j);
    }
  }

  @Test
  void sameSeedSameChainsAtAnyThreadCount() throws Exception {
    MixtureProductTarget target = new MixtureProductTarget(DATA, VE);
    DenoisingLangevin.State a = CHAIN.start(target, 300, 3);
    CHAIN.run(target, a, 0, 50, 3);
    DenoisingLangevin.State b = CHAIN.start(target, 300, 3);
    ForkJoinPool pool = new ForkJoinPool(4);
    try {
      pool.submit(() -> {
        CHAIN.run(target, b, 0, 20, 3);
        CHAIN.run(target, b, 20, 30, 3);
      }).get();
    } finally {
      pool.shutdown();
    }
    assertEquals(0, a.x().maxAbsDistance(b.x()));
    assertTrue(java.util.Arrays.equals(a.t(), b.t()));
  }

  @Test
  void reflectionKeepsTimeInRangeAndBadOptionsAreRejected() {
    DenoisingLangevin c = new DenoisingLangevin(0.1, 0.1, 0.2, 0.7);
    assertEquals(0.3, c.reflect(0.1), 1e-12);
    assertEquals(0.6, c.reflect(0.8), 1e-12);
    assertEquals(0.4, c.reflect(1.0), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new DenoisingLangevin(0, 0.1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new DenoisingLangevin(0.1, 0.1, 1, 0));
  }

  /** The time score agrees with a central difference of the closed-form log-density. */
  @Test
  void mixtureTimeScoreMatchesFiniteDifference() {
    GaussianMixture mix = new GaussianMixture(new double[] {0.4, 0.6}, new double[][] {{1, -1}, {-0.5, 0.2}},
        new double[][] {{0.1, 0.2}, {0.3, 0.05}});
    MixtureProductTarget target = new MixtureProductTarget(mix, VE);
    double[] x = {0.3, -0.2};
    double[] sx = new double[2];
    double t = 0.4;
    double h = 1e-5;
    double st = target.scores(x, 0, t, sx);
    Batch b = new Batch(1, 2, x.clone());
    double fd = (mix.logDensity(VE, t + h, b)[0] - mix.logDensity(VE, t - h, b)[0]) / (2 * h);
    assertEquals(fd, st, 1e-6 * Math.max(1, Math.abs(fd)));
    Batch score = new Batch(1, 2);
    mix.posterior(VE, t, b, null, score);
    assertEquals(score.get(0, 0), sx[0], 1e-12);
    assertEquals(score.get(0, 1), sx[1], 1e-12);
  }

  /**
   * Sample quality (sliced Wasserstein-1 to exact data samples, 2000 each, 128 directions) on the
   * ring8-2d benchmark mixture, VP path: DMCMC chains over t in [0.1, 0.3] followed by a 3-step
   * solve reach the two-sample noise floor (SW between two exact sample sets), while plain 3-step
   * sampling from noise (same solver) is far from it. The chain's 400 steps are extra score
   * evaluations per chain; a long chain thinned to one sample per few steps amortises them (paper,
   * Sec. 4).
   */
  @Test
  void chainPlusShortSolveBeatsPlainShortSolve() {
    org.diffusion4j.path.GaussianPath vp = new org.diffusion4j.path.VpLinearPath();
    GaussianMixture data = org.diffusion4j.sampler.plan.BenchmarkMixtures.ring2d();
    org.diffusion4j.model.Denoiser model = data.denoiser(vp, Prediction.EPSILON);
    int n = 2000;
    Batch exact = data.sample(77, n);
    org.diffusion4j.metrics.SlicedWasserstein sw = org.diffusion4j.metrics.SlicedWasserstein.w1(128, 9);
    double floor = sw.between(exact, data.sample(78, n));
    org.diffusion4j.sampler.mrs.MeanRevertingPath zero =
        org.diffusion4j.sampler.mrs.MeanRevertingPath.of(vp, new double[2]);
    Batch plain = new org.diffusion4j.sampler.mrs.MrsSolver(Prediction.X0, 2, false).sample(model, zero,
        org.diffusion4j.random.Noise.standardNormal(5, n, 2),
        org.diffusion4j.sampler.mrs.MrsSolver.logSnrTimes(vp, 1.0, 1e-3, 3), 0);
    DenoisingLangevin chain = new DenoisingLangevin(0.01, 0.002, 0.1, 0.3);
    MixtureProductTarget target = new MixtureProductTarget(data, vp);
    DenoisingLangevin.State s = chain.start(target, n, 3);
    chain.run(target, s, 0, 400, 3);
    Batch dmcmc = DenoisingLangevin.denoise(model, vp, s, 1e-3, 3);
    double dm = sw.between(dmcmc, exact);
    double pl = sw.between(plain, exact);
    assertTrue(dm < 1.5 * floor, "DMCMC + 3 steps: SW " + dm + " vs noise floor " + floor);
    assertTrue(pl > 4 * floor, "plain 3 steps: SW " + pl + " vs noise floor " + floor);
  }
}
