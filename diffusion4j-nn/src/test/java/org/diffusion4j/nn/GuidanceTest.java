package org.diffusion4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

/** Classifier-free guidance on a class-conditional network (random weights suffice for these identities). */
class GuidanceTest {
  private static NeuralDenoiser model() {
    MlpConfig net = MlpConfig.defaults(3).withWidth(16).withDepth(1).withClasses(4).withInitSeed(9);
    TrainConfig cfg = TrainConfig.builder(3).network(net).objective(Objective.EPS).path("vp-linear").build();
    return NeuralDenoiser.of(cfg, net.build().initialValues());
  }

  private static double[] predict(Denoiser d, Batch x, double t) {
    Batch out = x.zerosLike();
    d.predict(x, t, out);
    return out.data();
  }

  @Test
  void weightZeroIsConditionalAndMinusOneUnconditional() {
    Batch x = Noise.standardNormal(1, 20, 3);
    try (NeuralDenoiser m = model()) {
      for (int y = 0; y < 4; y++) {
        double[] cond = predict(m.forClass(y), x, 0.3);
        double[] uncond = predict(m.forClass(4), x, 0.3);
        assertArrayEquals(cond, predict(m.withGuidance(y, 0), x, 0.3), 0.0, "w = 0 is the conditional model");
        assertArrayEquals(uncond, predict(m.withGuidance(y, -1), x, 0.3), 0.0, "w = -1 is the unconditional model");
        // The classes really differ (otherwise the identities above would say nothing).
        double diff = 0;
        for (int i = 0; i < cond.length; i++) {
          diff = Math.max(diff, Math.abs(cond[i] - uncond[i]));
        }
        assertEquals(true, diff > 1e-4, "class " + y + " changes the output");
      }
      assertArrayEquals(predict(m.forClass(4), x, 0.3), predict(m, x, 0.3), 0.0, "the model itself is the null class");
    }
  }

  @Test
  void classOutOfRangeIsRefused() {
    try (NeuralDenoiser m = model()) {
      var e = assertThrows(IllegalArgumentException.class, () -> m.forClass(5));
      assertEquals(true, e.getMessage().contains("outside [0, 3]"), e.getMessage());
    }
  }
}
