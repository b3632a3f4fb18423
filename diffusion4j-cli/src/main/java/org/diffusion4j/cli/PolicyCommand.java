package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffusion4j.cli.plot.Plot;
import org.diffusion4j.control.OfflineDataset;
import org.diffusion4j.nn.control.GripPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j policy}: a diffusion policy over action chunks for the 2-D grip task. {@code train}
 * generates (or reads) the expert dataset and trains by imitation; {@code eval} reports success
 * rate and latency per control step for full-step denoising and, with {@code --rti}, for RTI-DP's
 * warm start and DDIM at the same number of network evaluations.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Diffusion policy with the real-time-iteration warm start (RTI-DP) on the grip task.",
    subcommands = {PolicyCommand.Train.class, PolicyCommand.Eval.class})
final class PolicyCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this),
        "missing subcommand (train or eval); see 'd4j policy --help'");
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Generate the grip dataset and train the policy.")
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "An offline grip dataset (default: generate one into RUN/dataset).")
    Path data;

    @Option(names = "--episodes", defaultValue = "300", paramLabel = "N", description = "Expert episodes to generate (default ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--noise", defaultValue = "0.2", paramLabel = "SIGMA", description = "Expert velocity noise (default ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--grip-scale", defaultValue = "1", paramLabel = "S", description = "Scale of the discrete grip channel (default ${DEFAULT-VALUE}).")
    double gripScale;

    @Option(names = "--train-steps", defaultValue = "3000", paramLabel = "N", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
    long trainSteps;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "N", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "LR", description = "Learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--minutes", defaultValue = "0", paramLabel = "M", description = "Time limit in minutes (0: none).")
    double minutes;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run directory (must not hold a policy).")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (Files.exists(out.resolve(GripPolicy.SPEC_FILE))) {
        throw new UsageException(out + " already holds a policy; choose another --out");
      }
      if (minutes < 0 || episodes < 1 || !(gripScale > 0) || trainSteps < 1 || batch < 1) {
        throw new UsageException("need --minutes >= 0, --episodes, --train-steps, --batch >= 1 and --grip-scale > 0");
      }
      PrintWriter w = spec.commandLine().getOut();
      OfflineDataset d;
      if (data != null) {
        if (!Files.isDirectory(data)) {
          throw new UsageException("no such dataset directory: " + data);
        }
        d = OfflineDataset.load(data);
      } else {
        d = OfflineDataset.grip(seed, episodes, noise);
        d.save(out.resolve("dataset"));
        w.printf(Locale.ROOT, "generated %d transitions in %d episodes (grip, seed %d, noise %.2f) into %s%n", d.size(),
            d.episodes(), seed, noise, out.resolve("dataset"));
      }
      GripPolicy.Spec s = GripPolicy.defaultSpec(d, gripScale);
      long t0 = System.nanoTime();
      float[] losses;
      try (ProgressBar bar = ProgressBar.create(spec, "training")) {
        losses = GripPolicy.train(d, s, trainSteps, batch, lr, seed, Duration.ofMillis((long) (minutes * 60_000)), out,
            bar);
      }
      double last = 0;
      int k = Math.min(50, losses.length);
      for (int i = losses.length - k; i < losses.length; i++) {
        last += losses[i] / k;
      }
      w.printf(Locale.ROOT, "trained %d steps in %.1f s, loss %.4f%n", losses.length, (System.nanoTime() - t0) / 1e9,
          last);
      w.println("wrote " + out);
      return ExitCodes.OK;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true, description = "Success rate and latency per control step.")
  static final class Eval implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A run directory of 'd4j policy train'.")
    Path model;

    @Option(names = "--rti", description = "Also evaluate RTI-DP's warm start and DDIM at the same evaluations.")
    boolean rti;

    @Option(names = "--level", defaultValue = "2", split = ",", paramLabel = "K",
        description = "RTI warm-start levels = DDIM evaluations, comma-separated (default ${DEFAULT-VALUE}).")
    List<Integer> levels;

    @Option(names = "--episodes", defaultValue = "100", paramLabel = "N", description = "Seeded episodes (default ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--timed-episodes", defaultValue = "3", paramLabel = "N", description = "Episodes timed alone (default ${DEFAULT-VALUE}).")
    int timedEpisodes;

    @Option(names = "--seed", defaultValue = "1000", paramLabel = "N", description = "Episode seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write the first episode's actions over time per scheme.")
    Path plot;

    @Override
    public Integer call() throws IOException {
      if (!Files.exists(model.resolve(GripPolicy.SPEC_FILE))) {
        throw new UsageException(model + " is not a policy run (no " + GripPolicy.SPEC_FILE + ")");
      }
      if (episodes < 1 || timedEpisodes < 0) {
        throw new UsageException("need --episodes >= 1 and --timed-episodes >= 0");
      }
      PrintWriter w = spec.commandLine().getOut();
      List<Plot> panels = new ArrayList<>();
      try (GripPolicy.Policy p = new GripPolicy.Policy(model)) {
        int t = p.spec().diffusionSteps();
        for (int level : levels) {
          if (rti && (level < 1 || level > t)) {
            throw new UsageException("--level must be in [1, " + t + "], got " + level);
          }
        }
        w.printf(Locale.ROOT, "expert (noise-free) success %.3f on the same episodes%n",
            GripPolicy.expertSuccess(episodes, seed));
        w.printf("%-10s %6s %8s %10s %12s %11s%n", "scheme", "level", "success", "nfe/step", "ms/step", "vs full");
        List<int[]> runs = new ArrayList<>(); // {scheme ordinal, level}
        runs.add(new int[] {GripPolicy.Scheme.FULL.ordinal(), t});
        if (rti) {
          for (int level : levels) {
            runs.add(new int[] {GripPolicy.Scheme.RTI.ordinal(), level});
            runs.add(new int[] {GripPolicy.Scheme.DDIM.ordinal(), level});
          }
        }
        double fullMs = Double.NaN;
        for (int[] run : runs) {
          GripPolicy.Scheme s = GripPolicy.Scheme.values()[run[0]];
          GripPolicy.Result r = GripPolicy.evaluate(p, s, run[1], episodes, seed, timedEpisodes);
          if (s == GripPolicy.Scheme.FULL) {
            fullMs = r.msPerStep();
          }
          w.printf(Locale.ROOT, "%-10s %6d %8.3f %10.2f %12.2f %10.2fx%n", s.name().toLowerCase(Locale.ROOT), run[1],
              r.success(), r.nfePerStep(), r.msPerStep(), fullMs / r.msPerStep());
          if (panels.size() < 3) {
            panels.add(actionPanel(r));
          }
        }
      }
      if (plot != null) {
        Plot.figure(plot, panels.size(), 420, 300, panels.toArray(new Plot[0]));
        w.println("wrote " + plot);
      }
      return ExitCodes.OK;
    }

    private static Plot actionPanel(GripPolicy.Result r) {
      double[][] a = r.actions();
      double[] steps = new double[a.length];
      String[] names = {"vx", "vy", "grip"};
      Plot plot = Plot.of(r.scheme().name().toLowerCase(Locale.ROOT) + " (episode 0)").xLabel("control step")
          .yLabel("action").yRange(-1.1, 1.1);
      for (int i = 0; i < steps.length; i++) {
        steps[i] = i;
      }
      for (int c = 0; c < 3; c++) {
        double[] v = new double[a.length];
        for (int i = 0; i < a.length; i++) {
          v[i] = a[i][c];
        }
        plot.line(steps, v, Plot.color(c), names[c]);
      }
      return plot;
    }
  }
}
