package org.diffusion4j.nn.interpolant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.FlowConversions;
import org.diffusion4j.interpolant.GaussianInterpolantFields;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.interpolant.InterpolantGenerator;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.model.VectorField;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

/**
 * Gaussian to Gaussian with a learned velocity (Albergo et al. 2023, velocity objective L_b,
 * trained by the nn Trainer's interpolant objective on the cond-OT path = one-sided linear
 * interpolant): the learned b matches the closed form of {@link GaussianInterpolantFields} on
 * the true marginal, and the learned ODE and the SDE built from it (score from velocity,
 * {@link FlowConversions}) transport N(0, I) to the target's moments.
 */
class LearnedInterpolantTest {
  static final GaussianMixture SOURCE = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
  static final GaussianMixture TARGET = GaussianMixture.gaussian(new double[] {1.0, -0.5}, new double[] {0.25, 0.5});

  @Test
  void learnedVelocityMatchesClosedFormAndTransports() {
    Dataset data = Dataset.of("gaussian", TARGET.sample(11, 8192));
    TrainConfig cfg = TrainConfig.builder(2).network(MlpConfig.defaults(2).withWidth(64).withDepth(2))
        .objective(Objective.INTERPOLANT).path("cond-ot").steps(300).batch(256).lr(3e-3).warmupSteps(20)
        .emaDecay(0.99).seed(5).build();
    Interpolant it = Interpolant.oneSidedLinear();
    GaussianInterpolantFields exact = new GaussianInterpolantFields(it, SOURCE, TARGET);
    try (Trainer tr = Trainer.create(cfg, data); NeuralDenoiser model = tr.denoiserAfter()) {
      VectorField learned = FlowConversions.velocityOf(model, model.path());
      int n = 1000;
      for (double u : new double[] {0.2, 0.5, 0.8}) {
        Batch xt = new Batch(n, 2).setLinear(it.alpha(u), SOURCE.sample(40 + (long) (10 * u), n), it.beta(u),
            TARGET.sample(50 + (long) (10 * u), n));
        Batch b1 = xt.zerosLike();
        Batch b2 = xt.zerosLike();
        exact.velocity(xt, u, b1);
        learned.evaluate(xt, u, b2);
        double rel = b2.rmsDistance(b1) / b1.rmsDistance(b1.zerosLike());
        // Tolerance: 10% relative RMS error after 300 steps of a 64-wide MLP (as the nn score test).
        assertTrue(rel < 0.10, "relative velocity error " + rel + " at u=" + u);
      }
      Batch x0 = SOURCE.sample(7, n);
      // The learned field is evaluated on the trainer's time range [0, 1 - 1e-3] of path time.
      Batch ode = InterpolantGenerator.ode(learned, x0, 1e-3, 1, 40, Scheme.HEUN);
      VectorField score = FlowConversions.scoreFromVelocity(it, learned);
      Batch sde = InterpolantGenerator.sde(learned, score, t -> 0.5 * (1 - t) * (1 - t), x0, 1e-3, 0.999, 80,
          Scheme.HEUN, 9);
      for (Batch out : new Batch[] {ode, sde}) {
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
          double sd = Math.sqrt(TARGET.var(0)[j]);
          // Sampling error 4.5 sd/sqrt(n) plus a 0.1 sd allowance for the learned field.
          assertEquals(TARGET.mean(0)[j], m, 4.5 * sd / Math.sqrt(n) + 0.1 * sd, "mean " + j);
          assertEquals(TARGET.var(0)[j], v, 4.5 * TARGET.var(0)[j] * Math.sqrt(2.0 / n) + 0.2 * TARGET.var(0)[j], "var " + j);
        }
      }
    }
  }
}
