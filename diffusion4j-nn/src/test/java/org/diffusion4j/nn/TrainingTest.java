package org.diffusion4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.net.NetworkConfig;
import org.diffusion4j.nn.net.SequenceNetConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingTest {
  static MlpConfig tiny(int dim) {
    return MlpConfig.defaults(dim).withWidth(64).withDepth(2);
  }

  /**
   * Flow matching on eight Gaussians: the excess loss over the optimum falls at least 3-fold in
   * 300 steps. The optimum L* = E|u*(x_t, t) - (x0' ...)|^2/d uses the exact mixture velocity
   * u* = E[alpha' x0 + sigma' eps | x_t] (GaussianMixture), estimated on 20,000 draws.
   */
  @Test
  void lossGoesDownTowardsItsOptimum() {
    double[][] means = new double[8][];
    double[][] vars = new double[8][];
    double[] w = new double[8];
    for (int k = 0; k < 8; k++) {
      means[k] = new double[] {2 * Math.cos(2 * Math.PI * k / 8), 2 * Math.sin(2 * Math.PI * k / 8)};
      vars[k] = new double[] {0.04, 0.04};
      w[k] = 1.0 / 8;
    }
    GaussianMixture g = new GaussianMixture(w, means, vars);
    Dataset data = Dataset.of("8gaussians", g.sample(1, 4096));
    TrainConfig cfg = TrainConfig.builder(2).network(tiny(2)).objective(Objective.FLOW).path("cond-ot")
        .steps(300).batch(256).lr(3e-3).warmupSteps(20).seed(3).build();
    double optimum = optimalFlowLoss(g, cfg.gaussianPath(), 20000);
    try (Trainer tr = Trainer.create(cfg, data)) {
      for (int i = 0; i < 300; i++) {
        tr.trainStep();
      }
      float[] l = tr.losses();
      double first = mean(l, 0, 20) - optimum;
      double last = mean(l, 250, 300) - optimum;
      assertTrue(last < first / 3, "excess loss over the optimum " + optimum + ": first 20 steps " + first
          + ", last 50 steps " + last);
      assertEquals(0, tr.skippedSteps());
    }
  }

  /** Monte Carlo E|u*(x_t) - u|^2 / d with t ~ U on the trainer's range. */
  static double optimalFlowLoss(GaussianMixture g, GaussianPath path, int n) {
    org.diffusion4j.nn.objective.TimeSampler ts =
        new org.diffusion4j.nn.objective.TimeSampler(org.diffusion4j.nn.objective.TimeSampling.UNIFORM, path);
    Denoiser exact = g.denoiser(path, Prediction.VELOCITY);
    org.diffusion4j.random.Rng r = org.diffusion4j.random.Rng.of(77);
    Batch x0 = g.sample(78, n);
    Batch eps = Noise.standardNormal(79, n, 2);
    double total = 0;
    Batch xt = new Batch(1, 2);
    Batch u = new Batch(1, 2);
    for (int i = 0; i < n; i++) {
      double t = ts.lo() + r.nextDouble() * (ts.hi() - ts.lo());
      double a = path.alpha(t);
      double s = path.sigma(t);
      for (int j = 0; j < 2; j++) {
        xt.data()[j] = a * x0.get(i, j) + s * eps.get(i, j);
      }
      exact.predict(xt, t, u);
      for (int j = 0; j < 2; j++) {
        double target = path.alphaDot(t) * x0.get(i, j) + path.sigmaDot(t) * eps.get(i, j);
        double e = u.data()[j] - target;
        total += e * e;
      }
    }
    return total / (2.0 * n);
  }

  /**
   * A network trained on one Gaussian N(m, diag(v)) with the eps objective learns its score:
   * the exact score of x_t ~ N(alpha m, alpha^2 v + sigma^2) is -(x - alpha m)/(alpha^2 v + sigma^2).
   */
  @ParameterizedTest
  @ValueSource(strings = {"time-mlp", "sequence-transformer", "sequence-dilated-conv"})
  void learnsTheScoreOfAGaussian(String network) {
    // The generic trainer with any network: the 2-D points are series of length 2 for the sequence nets.
    NetworkConfig net = switch (network) {
      case "time-mlp" -> tiny(2);
      case "sequence-transformer" -> SequenceNetConfig.defaults(2, 1, SequenceNetConfig.Backbone.TRANSFORMER)
          .withWidth(32).withDepth(2);
      default -> SequenceNetConfig.defaults(2, 1, SequenceNetConfig.Backbone.DILATED_CONV).withWidth(32).withDepth(2);
    };
    GaussianMixture g = GaussianMixture.gaussian(new double[] {1.0, -0.5}, new double[] {0.25, 0.5});
    Dataset data = Dataset.of("gaussian", g.sample(11, 8192));
    TrainConfig cfg = TrainConfig.builder(2).network(net).objective(Objective.EPS).path("vp-linear")
        .steps(600).batch(512).lr(3e-3).warmupSteps(20).emaDecay(0.99).seed(5).build();
    try (Trainer tr = Trainer.create(cfg, data); NeuralDenoiser model = tr.denoiserAfter()) {
      GaussianPath path = model.path();
      Denoiser exact = g.denoiser(path, Prediction.SCORE);
      Denoiser learned = Predictions.as(model, path, Prediction.SCORE);
      for (double t : new double[] {0.2, 0.5, 0.9}) {
        // x_t drawn from the true marginal p_t.
        Batch x0 = g.sample(100 + (long) (t * 10), 2000);
        Batch eps = Noise.standardNormal(200 + (long) (t * 10), 2000, 2);
        Batch xt = new Batch(2000, 2).setLinear(path.alpha(t), x0, path.sigma(t), eps);
        Batch s1 = new Batch(2000, 2);
        Batch s2 = new Batch(2000, 2);
        exact.predict(xt, t, s1);
        learned.predict(xt, t, s2);
        double rel = s2.rmsDistance(s1) / s1.rmsDistance(s1.zerosLike());
        // Tolerance: 10% relative RMS error of the score on p_t after 600 steps of a small network.
        assertTrue(rel < 0.10, network + ": relative score error " + rel + " at t=" + t);
      }
    }
  }

  static double mean(float[] a, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += a[i];
    }
    return s / (to - from);
  }
}
