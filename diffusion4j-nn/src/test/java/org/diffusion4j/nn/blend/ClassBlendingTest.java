package org.diffusion4j.nn.blend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** ClassBlending on a random class-conditional network (the identities hold for any weights). */
class ClassBlendingTest {
  private static NeuralDenoiser model() {
    MlpConfig net = MlpConfig.defaults(784).withWidth(16).withDepth(1).withClasses(10).withInitSeed(4);
    TrainConfig cfg = TrainConfig.builder(784).network(net).objective(Objective.FLOW).path("cond-ot").build();
    return NeuralDenoiser.of(cfg, net.build().initialValues());
  }

  private static Batch sample(NeuralDenoiser m, ClassBlending.Schedule s, double w, DigitClassifier c) {
    return ClassBlending.sample(m, new ClassBlending.Settings(3, 8, s, w, 0, 4), c, 3, 7).samples();
  }

  @Test
  void endpointsReproduceEachClassAndBlackScholesIsDeterministic() {
    try (NeuralDenoiser m = model(); DigitClassifier c = DigitClassifier.initialise(DigitClassifier.Config.standard(), 1)) {
      Batch a = sample(m, ClassBlending.Schedule.LINEAR, 0, null);
      Batch b = sample(m, ClassBlending.Schedule.LINEAR, 1, null);
      assertArrayEquals(a.data(), sample(m, ClassBlending.Schedule.SWITCH, 1, null).data(), 0.0,
          "switching after all steps is class a");
      assertArrayEquals(b.data(), sample(m, ClassBlending.Schedule.SWITCH, 0, null).data(), 0.0,
          "switching after no step is class b");
      assertTrue(a.maxAbsDistance(b) > 1e-6, "the classes differ, so the identities say something");
      Batch bs = sample(m, ClassBlending.Schedule.BLACK_SCHOLES, 0.5, c);
      assertArrayEquals(bs.data(), sample(m, ClassBlending.Schedule.BLACK_SCHOLES, 0.5, c).data(), 0.0);
      ClassBlending.Result r = ClassBlending.sample(m, new ClassBlending.Settings(3, 8,
          ClassBlending.Schedule.BLACK_SCHOLES, 0.5, 0, 4), c, 3, 7);
      assertTrue(r.fractionB() >= 0 && r.fractionB() <= 1, "fraction " + r.fractionB());
      assertThrows(IllegalArgumentException.class, () -> ClassBlending.sample(m, new ClassBlending.Settings(3, 8,
          ClassBlending.Schedule.BLACK_SCHOLES, 0.5, 0, 4), null, 3, 7));
      assertThrows(IllegalArgumentException.class, () -> new ClassBlending.Settings(3, 3,
          ClassBlending.Schedule.LINEAR, 0.5, 0, 4));
    }
  }
}
