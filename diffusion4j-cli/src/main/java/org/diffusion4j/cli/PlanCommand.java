package org.diffusion4j.cli;

import java.awt.Color;
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
import org.diffusion4j.control.MazeLayout;
import org.diffusion4j.control.OfflineDataset;
import org.diffusion4j.nn.control.MazePlanning;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j plan}: planning in the 2-D point maze. {@code train} generates (or reads) an offline
 * dataset of the noisy scripted expert and trains the Diffuser model, Trajectory Diffuser's GRU
 * proposal and the behaviour-cloning baseline; {@code eval} runs seeded episodes and prints
 * success rate, normalised return and time per plan, with a PNG of the paths.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Maze planning with Diffuser, Trajectory Diffuser and a behaviour-cloning baseline.",
    subcommands = {PlanCommand.Train.class, PlanCommand.Eval.class})
final class PlanCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this),
        "missing subcommand (train or eval); see 'd4j plan --help'");
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Generate the maze dataset and train the planners.")
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "An offline dataset directory (default: generate one into RUN/dataset).")
    Path data;

    @Option(names = "--maze", defaultValue = "umaze", paramLabel = "NAME", description = "Maze when generating: umaze or medium (default ${DEFAULT-VALUE}).")
    String maze;

    @Option(names = "--episodes", defaultValue = "40", paramLabel = "N", description = "Episodes to generate (default ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--episode-steps", defaultValue = "1000", paramLabel = "N", description = "Steps per generated episode (default ${DEFAULT-VALUE}).")
    int episodeSteps;

    @Option(names = "--noise", defaultValue = "0.3", paramLabel = "SIGMA", description = "Expert action noise (default ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--horizon", defaultValue = "64", paramLabel = "H", description = "Plan horizon (default ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--diffusion-steps", defaultValue = "64", paramLabel = "T", description = "Diffusion steps (default ${DEFAULT-VALUE}).")
    int diffusionSteps;

    @Option(names = "--refine-level", defaultValue = "5", paramLabel = "K", description = "Trajectory Diffuser's refinement steps (default ${DEFAULT-VALUE}).")
    int refineLevel;

    @Option(names = "--width", defaultValue = "32", paramLabel = "W", description = "Diffusion network width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--depth", defaultValue = "6", paramLabel = "N", description = "Diffusion network depth (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--train-steps", defaultValue = "3000", paramLabel = "N", description = "Diffusion optimiser steps (default ${DEFAULT-VALUE}).")
    long trainSteps;

    @Option(names = "--proposal-steps", defaultValue = "1500", paramLabel = "N", description = "GRU and BC optimiser steps (default ${DEFAULT-VALUE}).")
    long proposalSteps;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-4", paramLabel = "LR", description = "Diffusion learning rate, Diffuser's (default ${DEFAULT-VALUE}; GRU and BC use 5x).")
    double lr;

    @Option(names = "--minutes", defaultValue = "0", paramLabel = "M", description = "Time limit per model in minutes (0: none).")
    double minutes;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--models", defaultValue = "diffuser,proposal,bc,bc-blind", paramLabel = "LIST",
        description = "Models to train (default ${DEFAULT-VALUE}); without diffuser, RUN must hold a planner whose spec is kept.")
    String models;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run directory (must not hold a planner unless the diffuser is left out).")
    Path out;

    @Override
    public Integer call() throws IOException {
      java.util.Set<String> chosen = new java.util.LinkedHashSet<>();
      for (String m : models.split(",")) {
        if (!MazePlanning.MODELS.contains(m.trim())) {
          throw new UsageException("unknown model '" + m.trim() + "' in --models; expected " + MazePlanning.MODELS);
        }
        chosen.add(m.trim());
      }
      boolean exists = Files.exists(out.resolve(MazePlanning.SPEC_FILE));
      if (exists && chosen.contains("diffuser")) {
        throw new UsageException(out + " already holds a planner; choose another --out or leave diffuser out of --models");
      }
      if (!exists && !chosen.contains("diffuser")) {
        throw new UsageException(out + " holds no planner: --models must include diffuser");
      }
      if (minutes < 0 || episodes < 1 || episodeSteps < horizon) {
        throw new UsageException("need --minutes >= 0, --episodes >= 1 and --episode-steps >= --horizon");
      }
      PrintWriter w = spec.commandLine().getOut();
      OfflineDataset d;
      if (data == null && exists) {
        data = out.resolve("dataset");
      }
      if (data != null) {
        if (!Files.isDirectory(data)) {
          throw new UsageException("no such dataset directory: " + data);
        }
        d = OfflineDataset.load(data);
      } else {
        d = OfflineDataset.maze(MazeLayout.named(maze), seed, episodes, episodeSteps, noise);
        d.save(out.resolve("dataset"));
        w.printf("generated %d transitions (%s, seed %d, noise %.2f) into %s%n", d.size(), d.env(), seed, noise,
            out.resolve("dataset"));
      }
      MazePlanning.Spec s = MazePlanning.defaultSpec(d);
      s = exists ? MazePlanning.readSpec(out) : new MazePlanning.Spec(s.maze(), horizon, diffusionSteps, width, depth,
          refineLevel, s.gruHidden(), s.bcWidth(), s.normalizer());
      MazePlanning.TrainOptions o = new MazePlanning.TrainOptions(trainSteps, proposalSteps, proposalSteps, batch, lr,
          seed, Duration.ofMillis((long) (minutes * 60_000)));
      long t0 = System.nanoTime();
      double[] losses;
      try (ProgressBar bar = ProgressBar.create(spec, "training")) {
        losses = MazePlanning.train(d, s, o, out, bar, chosen);
      }
      w.printf(Locale.ROOT, "trained in %.1f s; final losses: diffuser %.4f, proposal %.5f, bc %.4f, bc-blind %.4f%n",
          (System.nanoTime() - t0) / 1e9, losses[0], losses[1], losses[2], losses[3]);
      w.println("wrote " + out);
      return ExitCodes.OK;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true, description = "Success rate, normalised return and time per plan over seeded episodes.")
  static final class Eval implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A run directory of 'd4j plan train'.")
    Path model;

    @Option(names = "--methods", defaultValue = "diffuser,trajectory-diffuser,bc", paramLabel = "LIST",
        description = "Comma-separated: diffuser, guided-diffuser, trajectory-diffuser, bc, bc-blind, expert (default ${DEFAULT-VALUE}).")
    String methods;

    @Option(names = "--episodes", defaultValue = "100", paramLabel = "N", description = "Seeded episodes (default ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--timed-plans", defaultValue = "10", paramLabel = "N", description = "Plans timed one at a time (default ${DEFAULT-VALUE}).")
    int timedPlans;

    @Option(names = "--refine-level", paramLabel = "K", description = "Override Trajectory Diffuser's refinement steps.")
    Integer refineLevel;

    @Option(names = "--seed", defaultValue = "1000", paramLabel = "N", description = "Episode seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write the first episodes' paths and plans.")
    Path plot;

    @Override
    public Integer call() throws IOException {
      if (!Files.exists(model.resolve(MazePlanning.SPEC_FILE))) {
        throw new UsageException(model + " is not a planning run (no " + MazePlanning.SPEC_FILE + ")");
      }
      if (episodes < 1 || timedPlans < 0) {
        throw new UsageException("need --episodes >= 1 and --timed-plans >= 0");
      }
      List<MazePlanning.Method> list = new ArrayList<>();
      for (String m : methods.split(",")) {
        list.add(switch (m.trim().toLowerCase(Locale.ROOT)) {
          case "diffuser" -> MazePlanning.Method.DIFFUSER;
          case "guided-diffuser" -> MazePlanning.Method.GUIDED_DIFFUSER;
          case "trajectory-diffuser", "td" -> MazePlanning.Method.TRAJECTORY_DIFFUSER;
          case "bc" -> MazePlanning.Method.BC;
          case "bc-blind" -> MazePlanning.Method.BC_BLIND;
          case "expert" -> MazePlanning.Method.EXPERT;
          default -> throw new UsageException("unknown method '" + m + "'; expected diffuser, guided-diffuser, trajectory-diffuser, bc, bc-blind or expert");
        });
      }
      PrintWriter w = spec.commandLine().getOut();
      List<Plot> panels = new ArrayList<>();
      try (MazePlanning.Planner p = new MazePlanning.Planner(model)) {
        if (refineLevel != null) {
          if (refineLevel < 1 || refineLevel > p.spec().diffusionSteps()) {
            throw new UsageException("--refine-level must be in [1, " + p.spec().diffusionSteps() + "], got " + refineLevel);
          }
          p.setRefineLevel(refineLevel);
        }
        w.printf("%-20s %8s %9s %10s %12s%n", "method", "success", "return", "normalised", "ms/plan");
        for (MazePlanning.Method m : list) {
          MazePlanning.Result r = MazePlanning.evaluate(p, m, episodes, seed, timedPlans);
          w.printf(Locale.ROOT, "%-20s %8.3f %9.2f %10.1f %12.2f%n", m.name().toLowerCase(Locale.ROOT), r.success(),
              r.meanReturn(), r.normalisedReturn(), r.msPerPlan());
          panels.add(mazePanel(p, r, m.name().toLowerCase(Locale.ROOT)));
        }
        if (timedPlans > 0 && list.contains(MazePlanning.Method.DIFFUSER)
            && list.contains(MazePlanning.Method.TRAJECTORY_DIFFUSER)) {
          double[] ms = MazePlanning.interleavedPlanTimes(p, timedPlans, seed);
          w.printf(Locale.ROOT, "interleaved timing over %d plans: diffuser %.2f ms, trajectory diffuser %.2f ms,"
              + " speed-up %.2fx%n", timedPlans, ms[0], ms[1], ms[0] / ms[1]);
        }
      }
      if (plot != null) {
        Plot.figure(plot, Math.min(3, panels.size()), 360, 360, panels.toArray(new Plot[0]));
        w.println("wrote " + plot);
      }
      return ExitCodes.OK;
    }

    private static Plot mazePanel(MazePlanning.Planner p, MazePlanning.Result r, String title) {
      MazeLayout layout = p.env().layout();
      Plot plot = Plot.of(title).equalAspect().xRange(0, layout.cols()).yRange(0, layout.rows())
          .densityBackground((x, y) -> layout.isWall((int) Math.floor(y), (int) Math.floor(x)) ? 1 : 0, 120);
      int shown = Math.min(4, r.episodes());
      int h = p.spec().horizon();
      for (int e = 0; e < shown; e++) {
        Color c = Plot.color(e);
        double[] path = r.paths()[e];
        double[] xs = new double[path.length / 2];
        double[] ys = new double[path.length / 2];
        for (int i = 0; i < xs.length; i++) {
          xs[i] = path[2 * i];
          ys[i] = path[2 * i + 1];
        }
        plot.line(xs, ys, c, e == 0 ? "path" : null);
        if (r.plans() != null) {
          double[] px = new double[h];
          double[] py = new double[h];
          for (int l = 0; l < h; l++) {
            px[l] = r.plans()[(e * h + l) * 6];
            py[l] = r.plans()[(e * h + l) * 6 + 1];
          }
          plot.scatter(px, py, c, e == 0 ? "plan" : null);
        }
      }
      return plot;
    }
  }
}
