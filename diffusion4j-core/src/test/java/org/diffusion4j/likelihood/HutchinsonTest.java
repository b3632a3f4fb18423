package org.diffusion4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;

class HutchinsonTest {
  private static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  private static double standardError(double[] a) {
    double m = mean(a);
    double s = 0;
    for (double v : a) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / (a.length - 1) / a.length);
  }

  /**
   * N copies of one point, one probe each (row i has its own probe stream): the mean of the N
   * single-probe estimates is within 4 standard errors of the exact divergence (a false alarm
   * has probability ~6e-5), for both probe kinds.
   */
  @Test
  void singleProbeEstimatesAreUnbiased() {
    GaussianMixture g = GaussianMixture.random(3, 8, 4);
    GaussianPath path = Paths.create("vp-linear", Map.of());
    ProbabilityFlow flow = new ProbabilityFlow(g.denoiser(path, Prediction.EPSILON), path);
    double t = 0.2;
    Batch one = g.sample(9, 1).scale(path.alpha(t));
    int n = 4000;
    Batch x = new Batch(n, 8);
    for (int i = 0; i < n; i++) {
      System.arraycopy(one.data(), 0, x.data(), i * 8, 8);
    }
    double[] exact = new double[1];
    flow.evaluate(new ExactDivergence(), one, t, 0, one.zerosLike(), exact);
    for (HutchinsonDivergence.Probe kind : HutchinsonDivergence.Probe.values()) {
      double[] est = new double[n];
      flow.evaluate(new HutchinsonDivergence(1, kind, 42), x, t, 0, x.zerosLike(), est);
      double se = standardError(est);
      assertTrue(se > 0, "estimates must vary");
      assertTrue(Math.abs(mean(est) - exact[0]) < 4 * se, kind + ": mean " + mean(est) + " exact " + exact[0]
          + " se " + se);
    }
  }

  /** With M probes the per-row variance drops by M (Rademacher, same seed streams). */
  @Test
  void moreProbesReduceTheVariance() {
    GaussianMixture g = GaussianMixture.random(3, 8, 4);
    GaussianPath path = Paths.create("ve", Map.of());
    ProbabilityFlow flow = new ProbabilityFlow(g.denoiser(path, Prediction.SCORE), path);
    Batch one = g.sample(9, 1);
    int n = 2000;
    Batch x = new Batch(n, 8);
    for (int i = 0; i < n; i++) {
      System.arraycopy(one.data(), 0, x.data(), i * 8, 8);
    }
    double[] e1 = new double[n];
    double[] e8 = new double[n];
    flow.evaluate(new HutchinsonDivergence(1, HutchinsonDivergence.Probe.RADEMACHER, 1), x, 0.1, 0, x.zerosLike(), e1);
    flow.evaluate(new HutchinsonDivergence(8, HutchinsonDivergence.Probe.RADEMACHER, 2), x, 0.1, 0, x.zerosLike(), e8);
    double ratio = Math.pow(standardError(e1) / standardError(e8), 2);
    // Variance ratio 8 up to sampling error of two variance estimates from 2000 rows each (~ +-15%).
    assertTrue(ratio > 5.5 && ratio < 11, "variance ratio " + ratio);
  }

  /**
   * The whole ODE likelihood with a 1-probe Hutchinson divergence is unbiased too (the path x(t)
   * does not depend on the probes): mean over 400 copies within 4 standard errors of the exact.
   */
  @Test
  void hutchinsonLikelihoodIsUnbiasedAndThreadCountIndependent() throws Exception {
    GaussianMixture g = GaussianMixture.random(2, 2, 8);
    GaussianPath path = Paths.create("vp-linear", Map.of());
    Batch one = g.sample(3, 1);
    int n = 400;
    Batch x = new Batch(n, 2);
    for (int i = 0; i < n; i++) {
      System.arraycopy(one.data(), 0, x.data(), i * 2, 2);
    }
    var prior = (LogDensity) z -> g.logDensity(path, 1.0, z);
    double exact = Likelihood.builder(g.denoiser(path, Prediction.EPSILON), path).prior(prior)
        .solver(new DormandPrince(1e-7, 1e-7)).build().evaluate(one).logp()[0];
    Likelihood hut = Likelihood.builder(g.denoiser(path, Prediction.EPSILON), path).prior(prior)
        .divergence(new HutchinsonDivergence(1, HutchinsonDivergence.Probe.RADEMACHER, 5))
        .solver(new DormandPrince(1e-7, 1e-7)).chunkRows(50).build();
    double[] est = new ForkJoinPool(1).submit(() -> hut.evaluate(x).logp()).get();
    double[] est4 = new ForkJoinPool(4).submit(() -> hut.evaluate(x).logp()).get();
    assertArrayEquals(est, est4, "bitwise equal at 1 and 4 threads");
    double se = standardError(est);
    assertTrue(se > 0);
    assertTrue(Math.abs(mean(est) - exact) < 4 * se, "mean " + mean(est) + " exact " + exact + " se " + se);
  }

  @Test
  void probeCountMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HutchinsonDivergence(0, HutchinsonDivergence.Probe.GAUSSIAN, 0));
    assertTrue(e.getMessage().contains("probe"));
    assertEquals(17, new HutchinsonDivergence(8, HutchinsonDivergence.Probe.GAUSSIAN, 0).evaluationsPerRow(100));
  }
}
