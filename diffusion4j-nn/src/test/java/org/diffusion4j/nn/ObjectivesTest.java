package org.diffusion4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.objective.Parameterisation;
import org.diffusion4j.nn.objective.Targets;
import org.diffusion4j.nn.objective.TimeSampling;
import org.diffusion4j.nn.objective.Weighting;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObjectivesTest {
  /**
   * The regression target Y of every objective, pushed through the parameterisation
   * (c_skip x + c_out Y), is the objective's prediction kind of the true (x0, eps): checked by
   * converting it with core's exact Predictions.convert back to eps.
   */
  @ParameterizedTest
  @CsvSource({"eps,vp-linear", "x0,vp-cosine", "v,vp-linear", "edm,edm", "edm,vp-linear", "pfgmpp,edm", "flow,cond-ot", "flow,vp-linear",
      "interpolant,trig", "interpolant-score,cond-ot"})
  void targetsAreTheExactPredictions(String objective, String pathName) {
    Objective obj = Objective.parse(objective);
    GaussianPath path = Paths.create(pathName, null);
    Weighting w = obj == Objective.INTERPOLANT_SCORE ? Weighting.SIGMA2 : Weighting.NONE;
    Targets targets = new Targets(obj, path, w, 0.7);
    int n = 64;
    Batch x0 = Noise.standardNormal(1, n, 3);
    Batch eps = Noise.standardNormal(2, n, 3);
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = path.tMin() + (0.05 + 0.9 * i / n) * (path.tMax() - path.tMin());
    }
    float[] in = new float[n * 3];
    float[] c = new float[n];
    float[] y = new float[n * 3];
    float[] wt = new float[n];
    targets.fill(x0, eps, t, null, in, c, y, wt);
    for (int i = 0; i < n; i++) {
      Parameterisation p = Parameterisation.of(obj, path, 0.7, t[i]);
      Batch xt = new Batch(1, 3);
      Batch pred = new Batch(1, 3);
      for (int j = 0; j < 3; j++) {
        xt.data()[j] = path.alpha(t[i]) * x0.get(i, j) + path.sigma(t[i]) * eps.get(i, j);
        assertEquals(p.cIn() * xt.data()[j], in[i * 3 + j], 1e-5 * (1 + Math.abs(in[i * 3 + j])));
        pred.data()[j] = p.cSkip() * xt.data()[j] + p.cOut() * y[i * 3 + j];
      }
      Batch back = new Batch(1, 3);
      Predictions.convert(path, t[i], xt, obj.prediction(), pred, Prediction.EPSILON, back);
      for (int j = 0; j < 3; j++) {
        assertEquals(eps.get(i, j), back.data()[j], 1e-4 * (1 + Math.abs(pred.data()[j])),
            obj + " on " + pathName + " at t=" + t[i]);
      }
      assertTrue(wt[i] > 0 && Float.isFinite(wt[i]));
    }
  }

  /**
   * Every objective, trained briefly on one Gaussian, gives a model whose score (through core's
   * converters) is close to the exact one on p_t at mid-path; tolerance 15% relative RMS after
   * 400 steps of a 64-wide MLP (the eps test in TrainingTest is the tighter one).
   */
  @ParameterizedTest
  @CsvSource({"x0,vp-linear,uniform", "v,vp-cosine,logit-normal", "edm,edm,log-normal", "flow,cond-ot,importance",
      "interpolant,cond-ot,uniform", "interpolant-score,cond-ot,uniform"})
  void everyObjectiveLearnsTheScore(String objective, String pathName, String sampling) {
    GaussianMixture g = GaussianMixture.gaussian(new double[] {0.5, -0.5}, new double[] {0.3, 0.6});
    Dataset data = Dataset.of("gaussian", g.sample(3, 8192));
    Objective obj = Objective.parse(objective);
    TrainConfig cfg = TrainConfig.builder(2).network(TrainingTest.tiny(2)).objective(obj).path(pathName)
        .timeSampling(TimeSampling.parse(sampling)).sigmaData(obj == Objective.EDM ? data.std() : 1)
        .steps(400).batch(256).lr(3e-3).warmupSteps(20).emaDecay(0.99).seed(4).build();
    try (Trainer tr = Trainer.create(cfg, data); NeuralDenoiser model = tr.denoiserAfter()) {
      GaussianPath path = model.path();
      double t = path.tMin() + (path.tMax() - path.tMin()) * (obj == Objective.EDM ? 0.01 : 0.5); // sigma ~ 0.8 for edm
      Denoiser exact = g.denoiser(path, Prediction.SCORE);
      Denoiser learned = Predictions.as(model, path, Prediction.SCORE);
      Batch x0 = g.sample(50, 2000);
      Batch eps = Noise.standardNormal(51, 2000, 2);
      Batch xt = new Batch(2000, 2).setLinear(path.alpha(t), x0, path.sigma(t), eps);
      Batch s1 = new Batch(2000, 2);
      Batch s2 = new Batch(2000, 2);
      exact.predict(xt, t, s1);
      learned.predict(xt, t, s2);
      double rel = s2.rmsDistance(s1) / s1.rmsDistance(s1.zerosLike());
      assertTrue(rel < 0.15, obj + ": relative score error " + rel + " at t=" + t);
    }
  }
}
