package org.diffusion4j.nn.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.likelihood.FixedStepSolver;
import org.diffusion4j.likelihood.Likelihood;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.net.TimeMlp;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

/** Autograd divergence of a (seeded, untrained) time-conditioned MLP against finite differences and itself. */
class AutogradDivergenceTest {
  private static TrainConfig config(int dim, Objective objective, String path) {
    return TrainConfig.builder(dim).network(MlpConfig.defaults(dim).withWidth(32).withDepth(2))
        .objective(objective).path(path).seed(5).build();
  }

  /**
   * Exact autograd trace = sum_j (p_j(x + h e_j) - p_j(x - h e_j)) / 2h of the float32 denoiser, with h = 1e-3
   * (truncation ~h^2, rounding ~1e-7/h: both far below the 1e-3 tolerance); values equal the denoiser's.
   */
  @Test
  void exactTraceMatchesFiniteDifferencesOfTheDenoiser() {
    for (Objective objective : new Objective[] {Objective.EPS, Objective.FLOW}) {
      TrainConfig cfg = config(3, objective, objective == Objective.FLOW ? "cond-ot" : "vp-linear");
      float[][] w = new TimeMlp(cfg.mlp()).initialValues();
      try (NeuralDenoiser model = NeuralDenoiser.of(cfg, w); AutogradDivergence div = AutogradDivergence.exact(cfg, w)) {
        Batch x = Noise.standardNormal(1, 5, 3);
        double t = 0.4;
        Batch value = x.zerosLike();
        double[] got = new double[5];
        div.evaluate(null, x, t, 0, value, got);
        Batch want = x.zerosLike();
        model.predict(x, t, want);
        assertTrue(value.maxAbsDistance(want) < 1e-5, "value off by " + value.maxAbsDistance(want));
        double h = 1e-3;
        for (int i = 0; i < 5; i++) {
          double fd = 0;
          for (int j = 0; j < 3; j++) {
            Batch plus = new Batch(1, 3, x.row(i));
            Batch minus = new Batch(1, 3, x.row(i));
            plus.data()[j] += h;
            minus.data()[j] -= h;
            Batch fp = plus.zerosLike();
            Batch fm = minus.zerosLike();
            model.predict(plus, t, fp);
            model.predict(minus, t, fm);
            fd += (fp.data()[j] - fm.data()[j]) / (2 * h);
          }
          assertEquals(fd, got[i], 1e-3 * (1 + Math.abs(fd)), objective + " row " + i);
        }
      }
    }
  }

  /**
   * Through the whole probability-flow ODE: with 1 Rademacher probe per row, the mean over 200
   * copies of a point is within 4 standard errors of the exact-trace likelihood. Both use the same
   * fixed RK4 grid, on which the path x(t) does not depend on the probes, so the estimate is
   * exactly unbiased for the discretised integral (an untrained network's time embedding
   * oscillates, which makes adaptive steps expensive here).
   */
  @Test
  void hutchinsonLikelihoodIsUnbiasedAgainstTheExactTrace() {
    TrainConfig cfg = config(2, Objective.EPS, "vp-linear");
    float[][] w = new TimeMlp(cfg.mlp()).initialValues();
    try (NeuralDenoiser model = NeuralDenoiser.of(cfg, w);
        AutogradDivergence exact = AutogradDivergence.exact(cfg, w);
        AutogradDivergence hut = AutogradDivergence.hutchinson(cfg, w, 1, 9)) {
      Batch one = Noise.standardNormal(2, 1, 2);
      int n = 200;
      Batch x = new Batch(n, 2);
      for (int i = 0; i < n; i++) {
        System.arraycopy(one.data(), 0, x.data(), 2 * i, 2);
      }
      Likelihood.Builder b = Likelihood.builder(model, cfg.gaussianPath()).eps(1e-3)
          .solver(FixedStepSolver.rk4(20)).chunkRows(n);
      double ref = b.divergence(exact).build().evaluate(one).logp()[0];
      double[] est = b.divergence(hut).build().evaluate(x).logp();
      double mean = 0;
      for (double v : est) {
        mean += v / n;
      }
      double var = 0;
      for (double v : est) {
        var += (v - mean) * (v - mean) / (n - 1);
      }
      double se = Math.sqrt(var / n);
      assertTrue(se > 0 && Double.isFinite(ref));
      assertTrue(Math.abs(mean - ref) < 4 * se + 1e-4, "mean " + mean + " exact " + ref + " se " + se);
    }
  }
}
