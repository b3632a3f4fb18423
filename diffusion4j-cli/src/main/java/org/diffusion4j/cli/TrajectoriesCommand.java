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
import org.diffusion4j.io.Npy;
import org.diffusion4j.nbody.Trajectories;
import org.diffusion4j.nbody.TrajectoryMetrics;
import org.diffusion4j.nn.trajectory.TrajectoryModels;
import org.diffusion4j.random.Rng;
import org.diffusion4j.random.Seeds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j trajectories}: GeoTDM on charged n-body trajectories. {@code train} simulates the
 * data and trains one model per run directory; {@code sample} forecasts (or generates) held-out
 * systems into NPY with a PNG of the paths; {@code eval} prints minADE/minFDE against the
 * constant-velocity baseline, or the distance MMD and the rotation test for generation.
 */
@Command(name = "trajectories", mixinStandardHelpOptions = true,
    description = "Geometric trajectory diffusion (GeoTDM) on charged n-body systems.",
    subcommands = {TrajectoriesCommand.Train.class, TrajectoriesCommand.Sample.class, TrajectoriesCommand.Eval.class})
final class TrajectoriesCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this),
        "missing subcommand (train, sample or eval); see 'd4j trajectories --help'");
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Simulate n-body data and train one trajectory model.")
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--kind", defaultValue = "geotdm", paramLabel = "KIND", description = "geotdm, geotdm-com, geotdm-uncond or baseline (default ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--cond-frames", defaultValue = "10", paramLabel = "C", description = "Given frames (default ${DEFAULT-VALUE}; 0 for geotdm-uncond).")
    int condFrames;

    @Option(names = "--frames", defaultValue = "20", paramLabel = "F", description = "Forecast or generated frames (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--diffusion-steps", defaultValue = "100", paramLabel = "T", description = "DDPM steps, linear schedule (default ${DEFAULT-VALUE}).")
    int diffusionSteps;

    @Option(names = "--systems", defaultValue = "3000", paramLabel = "N", description = "Simulated training systems (default ${DEFAULT-VALUE}, GeoTDM's).")
    int systems;

    @Option(names = "--data-seed", defaultValue = "0", paramLabel = "N", description = "Simulation seed (default ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--hidden", defaultValue = "32", paramLabel = "H", description = "EGTN width (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--depth", defaultValue = "3", paramLabel = "L", description = "EGTN layer pairs (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--prior-depth", defaultValue = "2", paramLabel = "L", description = "Layer pairs of the learnable prior (default ${DEFAULT-VALUE}).")
    int priorDepth;

    @Option(names = "--time-embed", defaultValue = "32", paramLabel = "E", description = "Sinusoidal embedding width (default ${DEFAULT-VALUE}).")
    int timeEmbed;

    @Option(names = "--steps", defaultValue = "4000", paramLabel = "N", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "5e-4", paramLabel = "LR", description = "Learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--minutes", defaultValue = "0", paramLabel = "M", description = "Time limit in minutes (0: none).")
    double minutes;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Initialisation and batch seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "New run directory.")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (Files.exists(out.resolve(TrajectoryModels.SPEC_FILE))) {
        throw new UsageException(out + " already holds a trajectory model; choose another --out");
      }
      if (minutes < 0 || steps < 1 || batch < 1 || !(lr > 0)) {
        throw new UsageException("need --minutes >= 0, --steps >= 1, --batch >= 1 and --lr > 0");
      }
      TrajectoryModels.Spec s;
      TrajectoryModels.Options o;
      try {
        s = new TrajectoryModels.Spec(kind, kind.equals("geotdm-uncond") ? 0 : condFrames, frames, diffusionSteps,
            dataSeed, systems);
        o = new TrajectoryModels.Options(hidden, depth, priorDepth, timeEmbed, steps, batch, lr, seed,
            Duration.ofMillis((long) (minutes * 60_000)));
        TrajectoryModels.geotdmNetwork(s, o);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      PrintWriter w = spec.commandLine().getOut();
      long t0 = System.nanoTime();
      float[] losses;
      try (ProgressBar bar = ProgressBar.create(spec, "training")) {
        losses = TrajectoryModels.train(s, o, out, bar);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double tail = 0;
      int k = Math.min(100, losses.length);
      for (int i = losses.length - k; i < losses.length; i++) {
        tail += losses[i] / k;
      }
      w.printf(Locale.ROOT, "trained %s for %d steps in %.1f s (%.1f ms/step); mean loss of the last %d steps %.4f%n",
          kind, losses.length, seconds, 1000 * seconds / losses.length, k, tail);
      w.println("wrote " + out);
      return ExitCodes.OK;
    }
  }

  @Command(name = "sample", mixinStandardHelpOptions = true, description = "Forecast (or generate) held-out systems into NPY, with a PNG of the paths.")
  static final class Sample implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A run directory of 'd4j trajectories train'.")
    Path model;

    @Option(names = "--systems", defaultValue = "8", paramLabel = "N", description = "Held-out systems (default ${DEFAULT-VALUE}).")
    int systems;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.npy", description = "Samples (n, F, N, 3).")
    Path out;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Paths of the first systems (x-y projection).")
    Path plot;

    @Override
    public Integer call() throws IOException {
      requireRun(model);
      if (systems < 1) {
        throw new UsageException("--systems must be >= 1, got " + systems);
      }
      PrintWriter w = spec.commandLine().getOut();
      try (TrajectoryModels.Model m = new TrajectoryModels.Model(model)) {
        TrajectoryModels.Spec s = m.spec();
        Trajectories test = s.testData(systems);
        long t0 = System.nanoTime();
        Trajectories result = s.condFrames() == 0 ? m.generate(test.charges(), Rng.of(Seeds.samplerNoise(seed)))
            : m.forecast(test.frames(0, s.condFrames()), Rng.of(Seeds.samplerNoise(seed)));
        double ms = (System.nanoTime() - t0) / 1e6;
        Npy.write(out, new long[] {result.count(), result.frames(), result.particles(), 3}, result.positions());
        w.printf(Locale.ROOT, "%s: %d systems in %.0f ms (%.1f ms/system); wrote %s%n", s.kind(), systems, ms,
            ms / systems, out);
        if (plot != null) {
          List<Plot> panels = new ArrayList<>();
          for (int r = 0; r < Math.min(3, systems); r++) {
            Trajectories truth = test.rows(r, r + 1);
            if (s.condFrames() > 0) {
              panels.add(pathPanel("system " + r + ": truth", truth, s.condFrames(), null));
              panels.add(pathPanel("system " + r + ": " + s.kind(), truth.frames(0, s.condFrames()), s.condFrames(),
                  result.rows(r, r + 1)));
            } else {
              panels.add(pathPanel("generated " + r, result.rows(r, r + 1), 0, null));
            }
          }
          Plot.figure(plot, s.condFrames() > 0 ? 2 : 3, 360, 360, panels.toArray(new Plot[0]));
          w.println("wrote " + plot);
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true, description = "minADE/minFDE of forecasts, or distance MMD and rotation test of generated sets.")
  static final class Eval implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "Run directories (repeat or comma-separate); all forecasting or all unconditional.", split = ",")
    List<Path> models;

    @Option(names = "--systems", defaultValue = "100", paramLabel = "N", description = "Held-out systems (default ${DEFAULT-VALUE}).")
    int systems;

    @Option(names = "--samples", defaultValue = "5", paramLabel = "K", description = "Forecasts per system for minADE/minFDE (default ${DEFAULT-VALUE}, GeoTDM's K).")
    int samples;

    @Option(names = "--permutations", defaultValue = "500", paramLabel = "N", description = "Permutations of the rotation test (default ${DEFAULT-VALUE}).")
    int permutations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "The first held-out system: truth and each model's first forecast.")
    Path plot;

    @Override
    public Integer call() throws IOException {
      if (systems < 4 || samples < 1 || permutations < 1) {
        throw new UsageException("need --systems >= 4, --samples >= 1 and --permutations >= 1");
      }
      for (Path p : models) {
        requireRun(p);
      }
      PrintWriter w = spec.commandLine().getOut();
      List<Plot> panels = new ArrayList<>();
      Trajectories test = null;
      int cond = -1;
      for (Path p : models) {
        try (TrajectoryModels.Model m = new TrajectoryModels.Model(p)) {
          TrajectoryModels.Spec s = m.spec();
          if (cond < 0) {
            cond = s.condFrames();
            test = s.testData(systems);
            if (cond > 0) {
              w.printf("%-28s %9s %8s %8s %8s %8s %11s%n", "model", "params", "minADE", "minFDE", "ADE@1", "FDE@1",
                  "ms/system");
              Trajectories given = test.frames(0, cond);
              Trajectories future = test.frames(cond, test.frames());
              TrajectoryMetrics.Errors cv = TrajectoryMetrics.errors(TrajectoryMetrics.constantVelocity(given,
                  future.frames()), future);
              w.printf(Locale.ROOT, "%-28s %9d %8.4f %8.4f %8.4f %8.4f %11s%n", "constant-velocity", 0, cv.ade(),
                  cv.fde(), cv.ade(), cv.fde(), "-");
              panels.add(pathPanel("truth", test.rows(0, 1), cond, null));
            } else {
              w.printf("%-28s %9s %12s %12s %10s %11s%n", "model", "params", "distMMD", "MMD(ref)", "rot-p",
                  "ms/system");
            }
          } else if ((s.condFrames() == 0) != (cond == 0) || s.condFrames() + s.frames() != test.frames()) {
            throw new UsageException(p + " does not match the first model's frames (" + s.kind() + ")");
          }
          String name = p.getFileName() + " (" + s.kind() + ")";
          if (cond > 0) {
            Trajectories given = test.frames(0, cond);
            Trajectories future = test.frames(cond, test.frames());
            // The K forecasts of every system, each a batch over the held-out set (one batch of all
            // K copies would need K times the native memory of the edge tensors).
            Trajectories[] k = new Trajectories[samples];
            long t0 = System.nanoTime();
            for (int i = 0; i < samples; i++) {
              k[i] = m.forecast(given, Rng.of(Seeds.samplerNoise(seed)).stream(i));
            }
            double ms = (System.nanoTime() - t0) / 1e6 / (samples * (double) systems);
            TrajectoryMetrics.Errors best = TrajectoryMetrics.bestOf(k, future);
            TrajectoryMetrics.Errors one = TrajectoryMetrics.errors(k[0], future);
            w.printf(Locale.ROOT, "%-28s %9d %8.4f %8.4f %8.4f %8.4f %11.2f%n", name, m.parameters(), best.ade(),
                best.fde(), one.ade(), one.fde(), ms);
            panels.add(pathPanel(name, given.rows(0, 1), cond, k[0].rows(0, 1)));
            Trajectories prior = m.priorMean(given);
            if (prior != null) {
              TrajectoryMetrics.Errors pe = TrajectoryMetrics.errors(prior, future);
              w.printf(Locale.ROOT, "%-28s %9s %8.4f %8.4f %8.4f %8.4f %11s%n", "  its prior mean x_ref", "", pe.ade(),
                  pe.fde(), pe.ade(), pe.fde(), "-");
            }
          } else {
            long t0 = System.nanoTime();
            Trajectories gen = m.generate(test.charges(), Rng.of(Seeds.samplerNoise(seed)));
            double ms = (System.nanoTime() - t0) / 1e6 / systems;
            Trajectories real = test.frames(0, s.frames());
            Trajectories other = s.simulator().simulate(systems, Seeds.heldOut(s.dataSeed(), 2)).frames(0, s.frames());
            double mmd = TrajectoryMetrics.distanceMmd(gen, real);
            double ref = TrajectoryMetrics.distanceMmd(other, real);
            double pRot = TrajectoryMetrics.rotationInvarianceP(gen, permutations, seed);
            w.printf(Locale.ROOT, "%-28s %9d %12.5f %12.5f %10.3f %11.2f%n", name, m.parameters(), mmd, ref, pRot, ms);
            panels.add(pathPanel(name, gen.rows(0, 1), 0, null));
          }
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      }
      if (plot != null) {
        Plot.figure(plot, Math.min(3, panels.size()), 360, 360, panels.toArray(new Plot[0]));
        w.println("wrote " + plot);
      }
      return ExitCodes.OK;
    }
  }

  private static void requireRun(Path dir) {
    if (!Files.exists(dir.resolve(TrajectoryModels.SPEC_FILE))) {
      throw new UsageException(dir + " is not a trajectory run (no " + TrajectoryModels.SPEC_FILE + ")");
    }
  }

  /**
   * x-y paths of one system's particles: {@code shown} (its first {@code given} frames drawn as
   * lines, the rest as markers) and, if present, {@code forecast}'s frames as markers continuing
   * each particle's colour.
   */
  static Plot pathPanel(String title, Trajectories shown, int given, Trajectories forecast) {
    Plot plot = Plot.of(title).equalAspect().xLabel("x").yLabel("y");
    int np = shown.particles();
    for (int i = 0; i < np; i++) {
      String label = "particle " + i + (shown.charges()[i] > 0 ? " (q=+1)" : " (q=-1)");
      int solid = given > 0 ? Math.min(given, shown.frames()) : shown.frames();
      plot.line(coord(shown, i, 0, 0, solid), coord(shown, i, 1, 0, solid), Plot.color(i), label, true);
      if (solid < shown.frames()) {
        plot.scatter(coord(shown, i, 0, solid, shown.frames()), coord(shown, i, 1, solid, shown.frames()),
            Plot.color(i), null);
      }
      if (forecast != null) {
        plot.scatter(coord(forecast, i, 0, 0, forecast.frames()), coord(forecast, i, 1, 0, forecast.frames()),
            Plot.color(i), null);
      }
    }
    return plot;
  }

  private static double[] coord(Trajectories t, int particle, int axis, int from, int to) {
    double[] v = new double[to - from];
    for (int f = from; f < to; f++) {
      v[f - from] = t.positions()[(f * t.particles() + particle) * 3 + axis];
    }
    return v;
  }
}
