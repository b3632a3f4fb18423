package org.diffusion4j.nn.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.DataTransform;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Standardization;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.CheckpointException;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainedRunTest {
  @TempDir Path dir;

  private void train(Path run, Objective obj, String path) throws IOException {
    TrainConfig cfg = TrainConfig.builder(2).network(MlpConfig.defaults(2).withWidth(8).withDepth(1)).objective(obj)
        .path(path).steps(3).batch(16).build();
    try (Trainer t = Trainer.create(cfg, Dataset.of("g", Noise.standardNormal(1, 64, 2)))) {
      t.train(run, null, 0, null);
    }
  }

  @Test
  void kindFollowsThePath() throws IOException {
    train(dir.resolve("flow"), Objective.FLOW, "cond-ot");
    train(dir.resolve("vp"), Objective.EPS, "vp-linear");
    assertEquals(TrainedRun.Kind.FLOW, TrainedRun.open(dir.resolve("flow")).kind());
    assertEquals(TrainedRun.Kind.DIFFUSION, TrainedRun.open(dir.resolve("vp")).kind());
    try (NeuralDenoiser d = TrainedRun.open(dir.resolve("vp")).denoiser()) {
      assertEquals(2, d.dim());
    }
  }

  @Test
  void notARunIsAClearError() {
    var e = assertThrows(CheckpointException.class, () -> TrainedRun.open(dir));
    assertTrue(e.getMessage().contains("is not a training run"), e.getMessage());
  }

  @Test
  void transformRoundTripsWithItsLogDeterminant() throws IOException {
    train(dir.resolve("r"), Objective.FLOW, "cond-ot");
    TrainedRun run = TrainedRun.open(dir.resolve("r"));
    assertSame(DataTransform.IDENTITY, run.transform(2));
    Standardization s = new Standardization(new double[] {100, -50}, new double[] {2, 0.5});
    TrainedRun.writeTransform(run.dir(), s);
    DataTransform t = run.transform(2);
    assertEquals(-Math.log(2) - Math.log(0.5), t.logDetToModel(), 1e-15);
    Batch data = Noise.standardNormal(4, 10, 2);
    Batch copy = data.copy();
    Batch back = t.toData(t.toModel(data));
    assertArrayEquals(copy.data(), data.data(), 0.0, "toModel does not modify its argument");
    assertArrayEquals(data.data(), back.data(), 1e-12);
    Batch model = t.toModel(data);
    Batch modelCopy = model.copy();
    t.toData(model);
    assertArrayEquals(modelCopy.data(), model.data(), 0.0, "toData does not modify its argument");
    var e = assertThrows(CheckpointException.class, () -> run.transform(3));
    assertTrue(e.getMessage().contains("has 2 columns but the model has dimension 3"), e.getMessage());
  }

  @Test
  void flowPathsAreRecognisedPointwise() {
    assertTrue(TrainedRun.isFlowPath(Paths.create("cond-ot", java.util.Map.of())));
    assertTrue(TrainedRun.isFlowPath(Paths.create("trig", java.util.Map.of())));
    assertEquals(false, TrainedRun.isFlowPath(Paths.create("vp-linear", java.util.Map.of())));
  }
}
