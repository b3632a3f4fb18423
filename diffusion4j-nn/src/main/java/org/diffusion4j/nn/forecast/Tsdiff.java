package org.diffusion4j.nn.forecast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.diffusion4j.forecast.GuidanceTuning;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.SequenceNetConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.progress.ProgressListener;

/**
 * Training and loading TSDiff runs. A run directory holds the trainer's checkpoints and
 * {@value #SPEC_FILE} (the {@link TsdiffSpec}) and, once tuned, {@value #GUIDANCE_FILE}.
 *
 * <p>Defaults follow TSDiff's {@code diffusion_small_config} and {@code train_tsdiff} configs:
 * 100 diffusion steps with betas linear from 1e-4 to 0.1, noise (eps) prediction with the plain
 * L2 loss, an S4 backbone of width 64 with 3 residual blocks, Adam with lr 1e-3, batch 64,
 * gradient clipping at 0.5. Differences: S4D instead of S4-LegS (see {@code SequenceNet}), a short
 * warm-up and cosine decay of the learning rate and an EMA of the weights (decay 0.99), because
 * the budget here is minutes instead of TSDiff's 1000 epochs x 128 batches.
 */
public final class Tsdiff {
  /** The spec file in a run directory. */
  public static final String SPEC_FILE = "forecast.json";

  /** The guidance chosen on a validation block ({@code d4j forecast tune}), in a run directory. */
  public static final String GUIDANCE_FILE = "guidance.json";

  private Tsdiff() {}

  /**
   * Network and optimisation options.
   *
   * @param width S4 model width
   * @param depth residual blocks
   * @param stateSize S4 state size
   * @param steps optimiser steps
   * @param batch windows per step
   * @param lr peak learning rate
   * @param seed seed of the initialisation and of the training noise
   * @param maxWindows the training windows are strided so that at most this many are kept
   * @param timeLimit stop early after this much wall time (zero: no limit)
   * @param standardise fit the global standardisation of {@link TsdiffSpec} (false: TSDiff's plain
   *     mean scaling)
   */
  public record TrainOptions(int width, int depth, int stateSize, long steps, int batch, double lr, long seed,
      int maxWindows, Duration timeLimit, boolean standardise) {
    public TrainOptions {
      if (steps < 1 || batch < 1 || maxWindows < 1) {
        throw new IllegalArgumentException("steps, batch and max-windows must be >= 1, got " + steps + ", " + batch
            + ", " + maxWindows);
      }
    }

    /** TSDiff's small configuration with the given step budget. */
    public static TrainOptions defaults(long steps) {
      return new TrainOptions(64, 3, 64, steps, 64, 1e-3, 0, 4000, Duration.ZERO, true);
    }

    public TrainOptions withSeed(long s) {
      return new TrainOptions(width, depth, stateSize, steps, batch, lr, s, maxWindows, timeLimit, standardise);
    }

    public TrainOptions withTimeLimit(Duration d) {
      return new TrainOptions(width, depth, stateSize, steps, batch, lr, seed, maxWindows, d, standardise);
    }

    public TrainOptions withSize(int w, int dep) {
      return new TrainOptions(w, dep, stateSize, steps, batch, lr, seed, maxWindows, timeLimit, standardise);
    }

    public TrainOptions withStandardise(boolean on) {
      return new TrainOptions(width, depth, stateSize, steps, batch, lr, seed, maxWindows, timeLimit, on);
    }
  }

  /** The trainer configuration of a TSDiff model for {@code spec}. */
  public static TrainConfig trainConfig(TsdiffSpec spec, TrainOptions o, String dataName) {
    SequenceNetConfig net = new SequenceNetConfig(spec.length(), spec.channels(), SequenceNetConfig.Backbone.S4,
        o.width(), o.depth(), 1, o.stateSize(), false, 0, 0, 0, o.seed());
    return TrainConfig.builder(spec.dim()).data(dataName).network(net).objective(Objective.EPS).path("discrete")
        .pathOptions(Map.of("steps", "100", "schedule", "linear", "beta-start", "1e-4", "beta-end", "0.1"))
        .steps(o.steps()).batch(o.batch()).lr(o.lr()).warmupSteps(Math.min(100, o.steps() / 10)).clipNorm(0.5)
        .emaDecay(0.99).seed(o.seed()).checkpointEvery(0).keepCheckpoints(1).build();
  }

  /**
   * Trains on {@code values} (all before the first forecast origin) and writes the run to
   * {@code runDir}; returns the trainer's losses.
   */
  public static float[] train(double[] values, TsdiffSpec spec, TrainOptions o, String dataName, Path runDir,
      ProgressListener progress) throws IOException {
    int count = TsdiffWindows.windowCount(values.length, spec);
    int stride = Math.max(1, (count + o.maxWindows() - 1) / o.maxWindows());
    spec = o.standardise() ? TsdiffWindows.fitStandardisation(values, spec, stride) : spec.withStandardisation(0, 1);
    Dataset windows = Dataset.of(dataName, TsdiffWindows.training(values, spec, stride));
    Files.createDirectories(runDir);
    AtomicFiles.writeString(runDir.resolve(SPEC_FILE), JsonRecords.toJson(spec) + "\n");
    try (Trainer trainer = Trainer.create(trainConfig(spec, o, dataName), windows)) {
      trainer.train(runDir, progress, 0, null, o.timeLimit());
      return trainer.losses();
    }
  }

  /** The spec of a run. */
  public static TsdiffSpec readSpec(Path runDir) throws IOException {
    Path f = runDir.resolve(SPEC_FILE);
    if (!Files.exists(f)) {
      throw new IllegalArgumentException(runDir + " is not a forecast run: no " + SPEC_FILE);
    }
    return JsonRecords.fromJson(TsdiffSpec.class, (Map<?, ?>) Json.parse(Files.readString(f)), f.toString());
  }

  /** Writes the guidance chosen for a run (atomically). */
  public static void writeGuidance(Path runDir, GuidanceTuning.Choice choice) throws IOException {
    AtomicFiles.writeString(runDir.resolve(GUIDANCE_FILE), JsonRecords.toJson(choice) + "\n");
  }

  /**
   * The guidance chosen for a run.
   *
   * @throws IllegalArgumentException if the run has no {@value #GUIDANCE_FILE}
   */
  public static GuidanceTuning.Choice readGuidance(Path runDir) throws IOException {
    Path f = runDir.resolve(GUIDANCE_FILE);
    if (!Files.exists(f)) {
      throw new IllegalArgumentException(runDir + " has no tuned guidance (" + GUIDANCE_FILE
          + "); run 'd4j forecast tune' first or give a number");
    }
    return JsonRecords.fromJson(GuidanceTuning.Choice.class, (Map<?, ?>) Json.parse(Files.readString(f)), f.toString());
  }

  /** The model of a run (latest checkpoint, EMA weights). */
  public static NetworkDenoiser readModel(Path runDir) throws IOException {
    return NetworkDenoiser.from(Checkpoint.readLatest(runDir));
  }
}
