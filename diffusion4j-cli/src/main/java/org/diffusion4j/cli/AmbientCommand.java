package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.ambient.AmbientDiffusion;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.eval.ImageEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j ambient}: diffusion trained only on randomly masked digits ({@link AmbientDiffusion}):
 * {@code train} on the training split seen through per-example pixel masks, {@code sample} clean
 * digits with the fixed-mask sampler, optionally scored by the evaluation classifier.
 */
@Command(name = "ambient", mixinStandardHelpOptions = true,
    description = "Ambient diffusion: learn clean digits from randomly masked ones only; train, sample.",
    subcommands = {AmbientCommand.Train.class, AmbientCommand.Sample.class})
final class AmbientCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand (train or sample); see"
        + " 'd4j ambient --help'");
  }

  /** {@code d4j ambient train}. */
  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Train on the training digits (0-7999), each seen only through its own random pixel mask; writes DIR.")
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--keep", defaultValue = "0.7", paramLabel = "P",
        description = "Probability that a pixel is observed, in (0, 1]; 1 trains on clean digits (default ${DEFAULT-VALUE}).")
    double keep;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--steps", defaultValue = "100000", paramLabel = "N", description = "Maximum optimiser steps (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--minutes", defaultValue = "10", paramLabel = "M", description = "Wall-clock limit (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
      if (steps < 1 || !(minutes > 0)) {
        throw new UsageException("--steps must be >= 1 and --minutes > 0, got " + steps + " and " + minutes);
      }
      if (AmbientDiffusion.isModel(out)) {
        throw new UsageException(out + " already holds a model; choose another --out");
      }
      AmbientDiffusion.Config cfg;
      try {
        cfg = AmbientDiffusion.Config.small(keep, seed);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      AmbientDiffusion.Observed observed = AmbientDiffusion.observe(Mnist.train().data(), keep, seed);
      long t0 = System.nanoTime();
      try (AmbientDiffusion m = AmbientDiffusion.create(cfg); ProgressBar bar = ProgressBar.create(spec, "training")) {
        m.train(observed, steps, minutes * 60, bar);
        m.save(out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("trained %d steps (keep %.2f, delta %.2f, batch %d) in %.1f s, loss of the last 50 steps %.5f%n",
            m.stepsDone(), keep, cfg.delta(), cfg.batch(), (System.nanoTime() - t0) / 1e9, m.recentLoss(50));
        o.println("wrote " + out);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code d4j ambient sample}. */
  @Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Sample clean digits with the fixed-mask DDIM sampler; optionally score them (FD) with a classifier.")
  static final class Sample implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A directory of d4j ambient train.")
    Path model;

    @Option(names = "--n", defaultValue = "200", paramLabel = "N", description = "Samples (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--steps", defaultValue = "50", paramLabel = "N", description = "DDIM steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--classifier", paramLabel = "DIR", description = "Evaluation classifier: print FD, IS, memorisation.")
    Path classifier;

    @Option(names = "--out", paramLabel = "X.npy", description = "Samples (n, 784).")
    Path out;

    @Option(names = "--png", paramLabel = "GRID.png", description = "A grid of the first 64 samples.")
    Path png;

    @Override
    public Integer call() throws IOException {
      if (out == null && png == null && classifier == null) {
        throw new UsageException("give at least one of --out X.npy, --png GRID.png or --classifier DIR");
      }
      if (n < 2 || steps < 1) {
        throw new UsageException("--n must be >= 2 and --steps >= 1, got " + n + " and " + steps);
      }
      if (!AmbientDiffusion.isModel(model)) {
        throw new UsageException(model + " is not an ambient model (no " + AmbientDiffusion.CONFIG_FILE
            + "; write one with d4j ambient train)");
      }
      try (AmbientDiffusion m = AmbientDiffusion.load(model)) {
        long t0 = System.nanoTime();
        Batch x = m.sample(n, steps, seed);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("%d samples, %d DDIM steps, %.3f s / sample%n", n, steps, (System.nanoTime() - t0) / 1e9 / n);
        if (out != null) {
          Npy.write(out, x);
        }
        if (png != null) {
          Batch first = new Batch(Math.min(64, n), x.d());
          System.arraycopy(x.data(), 0, first.data(), 0, first.size());
          SamplePlots.imageGrid(png, first, new long[] {1, Mnist.SIDE, Mnist.SIDE});
        }
        if (classifier != null) {
          Dataset train = Mnist.train();
          try (DigitClassifier clf = DigitClassifier.load(classifier)) {
            o.print(ImageEvaluation.of(x, null, clf, Mnist.heldOut(), train, seed).toTable());
          }
        }
      }
      return ExitCodes.OK;
    }
  }
}
