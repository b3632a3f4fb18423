package org.diffusion4j.nn.interpolant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Config round trip (with and without the scoreObjective field), checkpoint / load and bitwise
 * resume of interpolant runs for both score objectives; bad configurations.
 */
class InterpolantRunTest {
  static InterpolantTrainConfig config(long steps) {
    return config(steps, InterpolantTrainConfig.DENOISER);
  }

  static InterpolantTrainConfig config(long steps, String scoreObjective) {
    return new InterpolantTrainConfig("trig", Map.of("gamma", "sqrt"), "moons", "checkerboard", "ot", true,
        scoreObjective, 1e-3, InterpolantTrainerTest.small(steps, 8).toBuilder().batch(64).build());
  }

  @Test
  void configRoundTripsThroughJson() {
    InterpolantTrainConfig c = config(30);
    assertEquals(c, InterpolantTrainConfig.fromJson(c.toJson()));
    InterpolantTrainConfig s = config(30, InterpolantTrainConfig.SCORE);
    assertTrue(s.toJson().contains("\"scoreObjective\": \"score\""), s.toJson());
    assertEquals(s, InterpolantTrainConfig.fromJson(s.toJson()));
    // A run written before the field existed has no scoreObjective line: it is a denoiser run.
    String old = s.toJson().replace("\"scoreObjective\": \"score\", ", "");
    assertFalse(old.contains("scoreObjective"), old);
    InterpolantTrainConfig loaded = InterpolantTrainConfig.fromJson(old);
    assertEquals(InterpolantTrainConfig.DENOISER, loaded.scoreObjective());
    assertEquals(c, loaded);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InterpolantTrainConfig.fromJson(s.toJson().replace("\"score\",", "\"eta\",")));
    assertTrue(e.getMessage().contains("scoreObjective"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> InterpolantTrainConfig.fromJson(s.toJson().replace("\"score\",", "1,")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"denoiser", "score"})
  void resumedRunEqualsUninterruptedRunAndLoadsBack(String objective, @TempDir Path dir) throws Exception {
    Dataset src = Toy2d.MOONS.sample(1, 512);
    Dataset tgt = Toy2d.CHECKERBOARD.sample(2, 512);
    Batch x = Noise.standardNormal(3, 50, 2);
    Batch straight = x.zerosLike();
    Batch resumed = x.zerosLike();
    Batch loadedV = x.zerosLike();
    Batch loadedS = x.zerosLike();
    Batch straightS = x.zerosLike();
    try (InterpolantTrainer a = InterpolantTrainer.create(config(30, objective), src, tgt)) {
      a.train(null, null);
      try (LearnedInterpolant m = a.model(true)) {
        m.velocity(0.3, x, straight);
        m.score(0.3, x, straightS);
      }
    }
    try (InterpolantTrainer b = InterpolantTrainer.create(config(15, objective), src, tgt)) {
      b.train(dir, null);
    }
    try (InterpolantTrainer c = InterpolantTrainer.resume(dir, src, tgt, 30)) {
      assertEquals(15, c.stepsDone());
      assertEquals(objective, c.config().scoreObjective());
      c.train(dir, null);
      try (LearnedInterpolant m = c.model(true)) {
        m.velocity(0.3, x, resumed);
      }
    }
    try (LearnedInterpolant m = LearnedInterpolant.load(dir)) {
      assertEquals(objective, m.config().scoreObjective());
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
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new InterpolantTrainConfig("linear", Map.of(), "moons", "checkerboard", "independent", true, "eta", 1e-3, t));
    assertTrue(e.getMessage().contains("scoreObjective"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new InterpolantTrainConfig("linear", Map.of(), "moons", "checkerboard", "independent", true, null, 1e-3, t));
    // The score target -z/gamma is infinite at t = 0 and 1: the direct score loss needs a margin.
    assertThrows(IllegalArgumentException.class,
        () -> new InterpolantTrainConfig("linear", Map.of(), "moons", "checkerboard", "independent", true, "score", 0, t));
  }
}
