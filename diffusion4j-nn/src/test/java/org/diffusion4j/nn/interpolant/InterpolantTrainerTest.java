package org.diffusion4j.nn.interpolant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.GaussianInterpolantFields;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.interpolant.InterpolantGenerator;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.interpolant.Straightness;
import org.diffusion4j.model.VectorField;
import org.diffusion4j.interpolant.coupling.Coupling;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

/**
 * Two-sided interpolant training (Albergo, Boffi &amp; Vanden-Eijnden 2023): learned velocity and
 * score against the closed forms on Gaussian end points, ODE/SDE transport to the target moments,
 * minibatch-OT coupling straightness (Tong et al. 2024) and neural reflow (Liu et al. 2023).
 */
class InterpolantTrainerTest {
  static final GaussianMixture SOURCE = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
  static final GaussianMixture TARGET = GaussianMixture.gaussian(new double[] {1.0, -0.5}, new double[] {0.25, 0.5});

  static TrainConfig small(long steps, long seed) {
    return TrainConfig.builder(2).network(MlpConfig.defaults(2).withWidth(64).withDepth(2)).steps(steps).batch(256)
        .lr(3e-3).warmupSteps(20).emaDecay(0.99).seed(seed).checkpointEvery(0).build();
  }

  static double relError(Batch got, Batch want) {
    return got.rmsDistance(want) / want.rmsDistance(want.zerosLike());
  }

  /** The Gaussian -> Gaussian run of these tests: linear interpolant, gamma = sqrt(t (1 - t)), 600 steps, seed 5. */
  static InterpolantTrainConfig gaussianToGaussian(String scoreObjective) {
    return new InterpolantTrainConfig("linear", Map.of("gamma", "sqrt", "a", "1"), "gaussian", "gaussian-target",
        "independent", true, scoreObjective, 1e-3, small(600, 5));
  }

  /** A trainer for {@code cfg} on 8192 draws of TARGET from a Gaussian source. */
  static InterpolantTrainer gaussianTrainer(InterpolantTrainConfig cfg) {
    return InterpolantTrainer.create(cfg, null, Dataset.of("t", TARGET.sample(11, 8192)));
  }

  /** n draws of x_t from the exact law at time u (Gaussian end points SOURCE, TARGET), seeds fixed by u. */
  static Batch xtAt(Interpolant it, double u, int n) {
    return new Batch(n, 2).setLinear(it.alpha(u), SOURCE.sample(40 + (long) (10 * u), n), it.beta(u),
        TARGET.sample(50 + (long) (10 * u), n), it.gamma(u), Noise.standardNormal(60 + (long) (10 * u), n, 2));
  }

  /** Relative RMS error of {@code learned} against {@code exact} on 2000 draws of x_t at time u. */
  static double fieldError(VectorField exact, VectorField learned, Interpolant it, double u) {
    Batch xt = xtAt(it, u, 2000);
    Batch want = xt.zerosLike();
    Batch got = xt.zerosLike();
    exact.evaluate(xt, u, want);
    learned.evaluate(xt, u, got);
    return relError(got, want);
  }

  @Test
  void gaussianToGaussianFieldsMatchClosedFormAndTransport() {
    InterpolantTrainConfig cfg = gaussianToGaussian(InterpolantTrainConfig.DENOISER);
    Interpolant it = cfg.interpolantObject();
    GaussianInterpolantFields exact = new GaussianInterpolantFields(it, SOURCE, TARGET);
    try (InterpolantTrainer tr = gaussianTrainer(cfg); LearnedInterpolant model = tr.modelAfter()) {
      int n = 2000;
      for (double u : new double[] {0.25, 0.5, 0.75}) {
        double rb = fieldError(exact.velocityField(), model.velocityField(), it, u);
        double rs = fieldError(exact.scoreField(), model.scoreField(), it, u);
        System.out.printf("u=%.2f  velocity rel err %.4f  score rel err %.4f%n", u, rb, rs);
        // 600 steps of a 64-wide MLP: 10% relative RMS error on x_t's own law.
        assertTrue(rb < 0.10, "relative velocity error " + rb + " at u=" + u);
        assertTrue(rs < 0.10, "relative score error " + rs + " at u=" + u);
      }
      Batch x0 = SOURCE.sample(7, n);
      Batch ode = InterpolantGenerator.ode(model.velocityField(), x0, 0, 1, 40, Scheme.HEUN);
      Batch sde = InterpolantGenerator.sde(model.velocityField(), model.scoreField(), t -> 0.5, x0, 1e-3, 1 - 1e-3, 100,
          Scheme.HEUN, 9);
      checkMoments("ode", ode, n);
      checkMoments("sde eps=0.5", sde, n);
    }
  }

  /**
   * The direct score objective L_s = E|s|^2 + 2 s . z / gamma: the same run as
   * {@link #gaussianToGaussianFieldsMatchClosedFormAndTransport} (seed, steps, network) with the
   * second network trained on the score itself gives s close to the closed form, eta = -gamma s,
   * and its autograd divergence agrees with finite differences.
   */
  @Test
  void scoreObjectiveLearnsTheScore() {
    InterpolantTrainConfig cfg = gaussianToGaussian(InterpolantTrainConfig.SCORE);
    Interpolant it = cfg.interpolantObject();
    GaussianInterpolantFields exact = new GaussianInterpolantFields(it, SOURCE, TARGET);
    try (InterpolantTrainer tr = gaussianTrainer(cfg); LearnedInterpolant model = tr.modelAfter()) {
      for (double u : new double[] {0.25, 0.5, 0.75}) {
        double rs = fieldError(exact.scoreField(), model.scoreField(), it, u);
        System.out.printf("score objective: u=%.2f  score rel err %.4f%n", u, rs);
        // Same budget as the denoiser test (600 steps, 64-wide MLP), same 10% relative RMS bound.
        assertTrue(rs < 0.10, "relative score error " + rs + " at u=" + u);
        Batch x = xtAt(it, u, 100);
        Batch eta = x.zerosLike();
        Batch s = x.zerosLike();
        model.denoiser(u, x, eta);
        model.score(u, x, s);
        s.scale(-it.gamma(u));
        assertEquals(0, eta.rmsDistance(s), 1e-12, "eta = -gamma s at u=" + u);
      }
      LearnedInterpolantLikelihoodTest.checkDivergences(model);
    }
  }

  static void checkMoments(String what, Batch out, int n) {
    for (int j = 0; j < 2; j++) {
      double m = 0;
      for (int i = 0; i < n; i++) {
        m += out.get(i, j);
      }
      m /= n;
      double v = 0;
      for (int i = 0; i < n; i++) {
        v += (out.get(i, j) - m) * (out.get(i, j) - m);
      }
      v /= n - 1;
      double var = TARGET.var(0)[j];
      double sd = Math.sqrt(var);
      System.out.printf("%s coord %d: mean %.4f (want %.4f)  var %.4f (want %.4f)%n", what, j, m, TARGET.mean(0)[j], v, var);
      // Sampling error 4.5 sd/sqrt(n) plus 0.1 sd (mean) / 15% (variance) for the learned fields.
      assertEquals(TARGET.mean(0)[j], m, 4.5 * sd / Math.sqrt(n) + 0.1 * sd, what + " mean " + j);
      assertEquals(var, v, 4.5 * var * Math.sqrt(2.0 / n) + 0.15 * var, what + " var " + j);
    }
  }

  static InterpolantTrainConfig flow(String coupling, long steps) {
    return new InterpolantTrainConfig("linear", Map.of("gamma", "zero"), "gaussian", "8gaussians", coupling, false,
        1e-3, small(steps, 3));
  }

  @Test
  void minibatchOtIsStraighterAndReflowStraightens() {
    Dataset target = Toy2d.EIGHT_GAUSSIANS.sample(1, 8192);
    Batch x0 = Noise.standardNormal(21, 500, 2);
    double sInd;
    double sOt;
    double sReflow;
    try (InterpolantTrainer ind = InterpolantTrainer.create(flow("independent", 150), null, target);
        LearnedInterpolant mInd = ind.modelAfter();
        InterpolantTrainer ot = InterpolantTrainer.create(flow("ot", 150), null, target);
        LearnedInterpolant mOt = ot.modelAfter()) {
      sInd = Straightness.of(mInd.velocityField(), x0, 0, 1, 20).value();
      sOt = Straightness.of(mOt.velocityField(), x0, 0, 1, 20).value();
      Coupling.Pair pairs = NeuralReflow.pairs(mInd, Noise.standardNormal(22, 2048, 2), 16);
      try (LearnedInterpolant reflowed = NeuralReflow.train(NeuralReflow.config(mInd.config(), "x0", "x1", 150), pairs)) {
        sReflow = Straightness.of(reflowed.velocityField(), x0, 0, 1, 20).value();
      }
    }
    System.out.printf("straightness: independent %.4f  minibatch OT %.4f  reflow %.4f%n", sInd, sOt, sReflow);
    assertTrue(sOt < 0.5 * sInd, "OT coupling straightness " + sOt + " vs independent " + sInd);
    assertTrue(sReflow < 0.5 * sInd, "reflow straightness " + sReflow + " vs independent " + sInd);
  }
}
