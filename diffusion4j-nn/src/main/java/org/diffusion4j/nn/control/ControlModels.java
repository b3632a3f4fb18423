package org.diffusion4j.nn.control;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.NetworkConfig;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.TrainableNet;
import org.diffusion4j.progress.ProgressListener;

/** Training one network of a planner, policy or trajectory model into its own checkpoint folder. */
public final class ControlModels {
  private ControlModels() {}

  /** The optimiser settings shared by the control models: AdamW, short warm-up, cosine decay, EMA. */
  public static TrainConfig config(NetworkConfig net, String data, long steps, int batch, double lr, long seed) {
    return TrainConfig.builder(net.dim()).data(data).network(net).steps(steps).batch(batch).lr(lr)
        .warmupSteps(Math.min(100, steps / 10)).emaDecay(0.995).clipNorm(1.0).seed(seed).checkpointEvery(0)
        .keepCheckpoints(1).build();
  }

  /** Trains {@code config.network()} with {@code loss} and writes the checkpoint to {@code dir}; returns the losses. */
  public static float[] train(TrainConfig config, ControlTraining.StepLoss loss, Path dir, ProgressListener progress,
      Duration timeLimit) throws IOException {
    try (NDManager manager = DjlRuntime.newManager(); TrainableNet net = new TrainableNet(manager, config, null)) {
      float[] losses = ControlTraining.fit(manager, net, config, loss, progress, timeLimit);
      net.checkpoint(config, losses.length, 0, new double[0], losses).write(dir, 1, name -> { });
      return losses;
    }
  }

  /** Reads the spec record {@code file} of a run, or a clear error naming what the directory is not. */
  public static <R extends Record> R readSpec(Class<R> type, Path runDir, String file, String what) throws IOException {
    Path f = runDir.resolve(file);
    if (!java.nio.file.Files.exists(f)) {
      throw new IllegalArgumentException(runDir + " is not a " + what + " run: no " + file);
    }
    return org.diffusion4j.io.JsonRecords.fromJson(type,
        (java.util.Map<?, ?>) org.diffusion4j.io.Json.parse(java.nio.file.Files.readString(f)), f.toString());
  }

  /** The EMA weights and config of the latest checkpoint in {@code dir}. */
  public static Checkpoint read(Path dir) throws IOException {
    if (!Checkpoint.exists(dir)) {
      throw new IllegalArgumentException(dir + " holds no trained model (no checkpoints/LATEST)");
    }
    Checkpoint c = Checkpoint.readLatest(dir);
    c.requireSpecs(c.config().network().build().specs());
    return c;
  }
}
