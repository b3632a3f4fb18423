package org.diffusion4j.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.objective.Objective;
import org.junit.jupiter.api.Test;

class TrainConfigJsonTest {
  /** The pretty-printed form checkpoints had before the record helper, without fpWeight / fpProbes. */
  static final String EARLIER = """
      {
        "data": "moons",
        "network": {"type": "time-mlp", "dim": 2, "width": 64, "depth": 2, "embedDim": 64, "embedding": "sinusoidal", "fourierScale": 16, "classes": 0, "initSeed": 3},
        "objective": "flow",
        "path": "cond-ot",
        "pathOptions": {},
        "weighting": "none",
        "timeSampling": "uniform",
        "sigmaData": 1,
        "steps": 300,
        "batch": 256,
        "lr": 0.003,
        "warmupSteps": 20,
        "minLrRatio": 0.05,
        "beta1": 0.9,
        "beta2": 0.999,
        "adamEps": 1e-08,
        "weightDecay": 0,
        "clipNorm": 1,
        "emaDecay": 0.999,
        "classDropout": 0.1,
        "seed": 3,
        "checkpointEvery": 1000,
        "keepCheckpoints": 2
      }
      """;

  @Test
  void earlierCheckpointConfigsLoadUnchanged() {
    TrainConfig c = TrainConfig.fromJson(EARLIER);
    TrainConfig expected = TrainConfig.builder(2).data("moons").network(MlpConfig.defaults(2).withWidth(64).withDepth(2)
        .withInitSeed(3)).objective(Objective.FLOW).path("cond-ot").steps(300).batch(256).lr(3e-3).warmupSteps(20)
        .seed(3).build();
    assertEquals(expected.toJson(), c.toJson());
    assertEquals(0.0, c.fpWeight());
    assertEquals(c.toJson(), TrainConfig.fromJson(c.toJson()).toJson());
  }

  @Test
  void aBadFieldIsNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson(EARLIER.replace("\"batch\": 256",
        "\"batch\": \"many\"")));
    assertTrue(e.getMessage().contains("'batch'"), e.getMessage());
    var n = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson(EARLIER.replace("\"width\": 64",
        "\"width\": 0")));
    assertTrue(n.getMessage().contains("width"), n.getMessage());
  }
}
