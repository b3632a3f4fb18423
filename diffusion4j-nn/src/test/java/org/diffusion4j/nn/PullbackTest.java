package org.diffusion4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.net.NetworkConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** NeuralDenoiser's vector-Jacobian product (used by DPS) against central differences of predict(). */
class PullbackTest {
  @Test
  void pullbackMatchesFiniteDifferencesForPlainAndClassConditionalModels() {
    for (int classes : new int[] {0, 3}) {
      NetworkConfig net = MlpConfig.defaults(4).withWidth(32).withDepth(2).withInitSeed(3).withClasses(classes);
      TrainConfig cfg = TrainConfig.builder(4).network(net).objective(Objective.EDM).path("vp-linear").sigmaData(0.8)
          .build();
      try (NeuralDenoiser base = NeuralDenoiser.of(cfg, DivergenceTest.randomWeights(net))) {
        NeuralDenoiser model = classes == 0 ? base : base.forClass(1);
        double t = 0.4;
        Batch x = Noise.standardNormal(2, 3, 4);
        double[] v = new double[12];
        Rng.of(5).fillGaussian(v, 0, 12);
        Batch out = x.zerosLike();
        Batch grad = x.zerosLike();
        model.predictWithPullback(x, t, out, (p, cot) -> System.arraycopy(v, 0, cot.data(), 0, 12), grad);
        Batch plain = x.zerosLike();
        model.predict(x, t, plain);
        assertEquals(0, out.maxAbsDistance(plain), 1e-6, "same prediction as predict()");
        double h = 1e-2;
        for (int j = 0; j < 12; j++) {
          Batch xp = x.copy();
          Batch xm = x.copy();
          xp.data()[j] += h;
          xm.data()[j] -= h;
          Batch fp = x.zerosLike();
          Batch fm = x.zerosLike();
          model.predict(xp, t, fp);
          model.predict(xm, t, fm);
          double fd = 0;
          for (int i = 0; i < 12; i++) {
            fd += v[i] * (fp.data()[i] - fm.data()[i]) / (2 * h);
          }
          // float32 network: h = 1e-2 and a 2e-2 tolerance, as DivergenceTest.
          assertEquals(fd, grad.data()[j], 2e-2 * (1 + Math.abs(fd)), "classes=" + classes + " coordinate " + j);
        }
      }
    }
  }
}
