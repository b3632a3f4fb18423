package org.diffusion4j.nn.interpolant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config round trip, checkpoint / load and bitwise resume of interpolant runs; bad configurations. */
class InterpolantRunTest {
  static InterpolantTrainConfig config(long steps) {
    return new InterpolantTrainConfig("trig", Map.of("gamma", "sqrt"), "moons", "checkerboard", "ot", true, 1e-3,
        InterpolantTrainerTest.small(steps, 8).toBuilder().batch(64).build());
  }

  @Test
  void configRoundTripsThroughJson() {
    InterpolantTrainConfig c = config(30);
    assertEquals(c, InterpolantTrainConfig.fromJson(c.toJson()));
  }

  @Test
  void resumedRunEqualsUninterruptedRunAndLoadsBack(@TempDir Path dir) throws Exception {
    Dataset src = Toy2d.MOONS.sample(1, 512);
    Dataset tgt = Toy2d.CHECKERBOARD.sample(2, 512);
    Batch x = Noise.standardNormal(3, 50, 2);
    Batch straight = x.zerosLike();
    Batch resumed = x.zerosLike();
    Batch loadedV = x.zerosLike();
    Batch loadedS = x.zerosLike();
    Batch straightS = x.zerosLike();
    try (InterpolantTrainer a = InterpolantTrainer.create(config(30), src, tgt)) {
      a.train(null, null);
      try (LearnedInterpolant m = a.model(true)) {
        m.velocity(0.3, x, straight);
        m.score(0.3, x, straightS);
      }
    }
    try (InterpolantTrainer b = InterpolantTrainer.create(config(15), src, tgt)) {
      b.train(dir, null);
    }
    try (InterpolantTrainer c = InterpolantTrainer.resume(dir, src, tgt, 30)) {
      assertEquals(15, c.stepsDone());
      c.train(dir, null);
      try (LearnedInterpolant m = c.model(true)) {
        m.velocity(0.3, x, resumed);
      }
    }
    try (LearnedInterpolant m = LearnedInterpolant.load(dir)) {
      m.velocity(0.3, x, loadedV);
      m.score(0.3, x, loadedS);
    }
    assertArrayEquals(straight.data(), resumed.data());
    assertArrayEquals(straight.data(), loadedV.data());
    assertArrayEquals(straightS.data(), loadedS.data());
  }

  @Test
  void rejectsBadConfigurations() {
    var t = InterpolantTrainerTest.small(10, 1);
    assertThrows(IllegalArgumentException.class,
        () -> new InterpolantTrainConfig("linear", Map.of(), "gaussian", "moons", "paired", false, 1e-3, t));
    assertThrows(IllegalArgumentException.class,
        () -> new InterpolantTrainConfig("linear", Map.of(), "gaussian", "moons", "sinkhorn?", false, 1e-3, t));
    assertThrows(IllegalArgumentException.class,
        () -> new InterpolantTrainConfig("linear", Map.of("gamma", "zero"), "moons", "checkerboard", "ot", true, 1e-3, t));
    assertThrows(IllegalArgumentException.class,
        () -> new InterpolantTrainConfig("one-sided-linear", Map.of(), "moons", "checkerboard", "independent", false, 1e-3, t));
  }
}
