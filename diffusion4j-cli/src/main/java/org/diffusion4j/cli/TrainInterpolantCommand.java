package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.interpolant.InterpolantTrainConfig;
import org.diffusion4j.nn.interpolant.InterpolantTrainer;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j train-interpolant}: trains the velocity b (and the denoiser eta_z, hence the score)
 * of a stochastic interpolant between a source and a target (Albergo, Boffi &amp; Vanden-Eijnden
 * 2023), with independent, paired or minibatch-OT coupling.
 */
@Command(name = "train-interpolant", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a stochastic interpolant x_t = alpha x0 + beta x1 + gamma z between two data sets",
        "(or N(0, I) and a data set): velocity b and, unless --no-score, the denoiser E[z | x_t] for the SDEs.",
        "Writes OUT/interpolant.json, OUT/velocity/checkpoints/, OUT/denoiser/checkpoints/ and OUT/losses.csv."})
final class TrainInterpolantCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--source", defaultValue = "gaussian", paramLabel = "gaussian|NAME|FILE",
      description = "x0: gaussian, a toy set or an .npy/.csv file (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(names = "--target", required = true, paramLabel = "NAME|FILE", description = "x1: a toy set or an .npy/.csv file.")
  String target;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory (must not hold a run).")
  Path out;

  @Option(names = "--interpolant", defaultValue = "linear",
      description = "linear, trig, encoder-decoder, one-sided-linear, one-sided-trig or mirror (default: ${DEFAULT-VALUE}).")
  String interpolant;

  @Option(names = "--gamma", description = "gamma(t): zero, sqrt (= sqrt(a t(1-t))) or sin2 (default: sqrt for linear/trig/mirror).")
  String gamma;

  @Option(names = "--gamma-a", description = "a of gamma = sqrt(a t(1-t)) (default: 2).")
  Double gammaA;

  @Option(names = "--coupling", defaultValue = "independent",
      description = "independent, paired (row i of source with row i of target) or ot (exact minibatch OT) (default: ${DEFAULT-VALUE}).")
  String coupling;

  @Option(names = "--no-score", description = "Learn only the velocity (ODE sampling only).")
  boolean noScore;

  @Option(names = "--steps", defaultValue = "3000", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--batch", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--width", defaultValue = "128", description = "MLP width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--depth", defaultValue = "3", description = "Residual blocks (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--ema", defaultValue = "0.995", description = "EMA decay (default: ${DEFAULT-VALUE}).")
  double ema;

  @Option(names = "--time-margin", defaultValue = "1e-3", description = "Train on t in [m, 1 - m] (default: ${DEFAULT-VALUE}).")
  double timeMargin;

  @Option(names = "--n-train", defaultValue = "100000", description = "Points drawn for a toy set (default: ${DEFAULT-VALUE}).")
  int nTrain;

  @Option(names = "--checkpoint-every", defaultValue = "1000", description = "Checkpoint interval (default: ${DEFAULT-VALUE}).")
  long checkpointEvery;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    InterpolantRuns.defaultOneThread();
    if (Files.exists(out.resolve("interpolant.json"))) {
      throw new UsageException(out + " already holds an interpolant run; choose another --out");
    }
    Map<String, String> opts = new LinkedHashMap<>();
    if (gamma != null) {
      opts.put("gamma", gamma);
    }
    if (gammaA != null) {
      opts.put("a", Double.toString(gammaA));
    }
    Dataset tgt = InterpolantRuns.load(target, seed, nTrain);
    // A different seed for the source draws, so that toy source and target are independent sets.
    Dataset src = source.equals("gaussian") ? null : InterpolantRuns.load(source, seed + 7, nTrain);
    TrainConfig train = TrainConfig.builder(tgt.dim()).data(target)
        .network(MlpConfig.defaults(tgt.dim()).withWidth(width).withDepth(depth).withInitSeed(seed)).steps(steps)
        .batch(batch).lr(lr).warmupSteps(Math.min(100, steps)).emaDecay(ema).seed(seed).checkpointEvery(checkpointEvery)
        .build();
    InterpolantTrainConfig cfg = new InterpolantTrainConfig(interpolant, opts, source, target, coupling, !noScore,
        timeMargin, train);
    return run(spec, cfg, src, tgt, out);
  }

  /** Trains {@code cfg} into {@code out} with a progress bar and writes the loss curve; shared with reflow. */
  static int run(CommandSpec spec, InterpolantTrainConfig cfg, Dataset src, Dataset tgt, Path out) throws IOException {
    long t0 = System.nanoTime();
    try (InterpolantTrainer tr = InterpolantTrainer.create(cfg, src, tgt)) {
      try (ProgressBar bar = ProgressBar.create(spec, "training")) {
        tr.train(out, bar);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      StringBuilder csv = new StringBuilder("step,loss\n");
      float[] losses = tr.losses();
      for (int i = 0; i < losses.length; i++) {
        csv.append(i + 1).append(',').append(losses[i]).append('\n');
      }
      org.diffusion4j.io.AtomicFiles.writeString(out.resolve("losses.csv"), csv.toString());
      spec.commandLine().getOut().printf(
          "trained interpolant %s (gamma %s) %s -> %s, coupling %s%s: %d steps in %.1f s, final loss %.4f%nwrote %s%n",
          cfg.interpolant(), cfg.interpolantObject().gamma().name(), cfg.source(), cfg.target(), cfg.coupling(),
          cfg.learnScore() ? ", velocity + score" : ", velocity only", tr.stepsDone(), secs, tr.recentLoss(100), out);
      if (tr.skippedSteps() > 0) {
        spec.commandLine().getErr().println("d4j: warning: the loss guard skipped " + tr.skippedSteps() + " non-finite steps");
      }
    }
    return ExitCodes.OK;
  }
}
