package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.consistency.ConsistencySchedule;
import org.diffusion4j.nn.consistency.ConsistencyTrainer;
import org.diffusion4j.nn.consistency.DistillConfig;
import org.diffusion4j.nn.consistency.Teacher;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Datasets;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j distill}: consistency distillation (CD) from a trained run, or consistency training
 * (CT) of its network from scratch on its data ({@link ConsistencyTrainer}). The output is a run
 * directory that {@code d4j sample --model OUT --solver consistency --nfe 1} samples in one step.
 */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Consistency distillation (--method cd, the student starts from the teacher's EMA weights) or"
        + " consistency training (--method ct, from the network's initialisation) of a trained run's network on its"
        + " training data (Song et al. 2023; squared L2 distance, LPIPS is not available).",
      "Sample the result with: d4j sample --model OUT --solver consistency --nfe 1 (or 2)."})
final class DistillCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "RUN", description = "The trained run (teacher for cd; network and data for ct).")
  Path model;

  @Option(names = "--method", required = true, paramLabel = "cd|ct", description = "cd (distillation) or ct (training).")
  String method;

  @Option(names = "--steps", required = true, paramLabel = "N", description = "Optimiser steps.")
  long steps;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "New run directory.")
  Path out;

  @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Rows per step (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "1e-4", paramLabel = "LR", description = "AdamW learning rate (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--levels", defaultValue = "18", paramLabel = "N",
      description = "cd: number of Karras noise levels (default ${DEFAULT-VALUE}).")
  int levels;

  @Option(names = "--end-levels", defaultValue = "150", paramLabel = "S1",
      description = "ct: final number of levels s1 of N(k) (default ${DEFAULT-VALUE}; s0 = 2).")
  int endLevels;

  @Option(names = "--target-ema", defaultValue = "0.95", paramLabel = "MU",
      description = "Target network decay mu (cd) or mu0 (ct) (default ${DEFAULT-VALUE}).")
  double targetEma;

  @Option(names = "--solver", defaultValue = "heun", paramLabel = "heun|euler", description = "cd: teacher ODE step (default ${DEFAULT-VALUE}).")
  String solver;

  @Option(names = "--sigma-data", paramLabel = "S", description = "sigma_d of the skip scalings (default: the run's sigma-data).")
  Double sigmaData;

  @Option(names = "--ema", defaultValue = "0.999", paramLabel = "D", description = "Decay of the saved EMA model (default ${DEFAULT-VALUE}).")
  double ema;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    DistillConfig.Method m = switch (method.toLowerCase(java.util.Locale.ROOT)) {
      case "cd" -> DistillConfig.Method.CD;
      case "ct" -> DistillConfig.Method.CT;
      default -> throw new UsageException("--method must be cd or ct, got '" + method + "'");
    };
    DistillConfig.TeacherSolver ts = switch (solver.toLowerCase(java.util.Locale.ROOT)) {
      case "heun" -> DistillConfig.TeacherSolver.HEUN;
      case "euler" -> DistillConfig.TeacherSolver.EULER;
      default -> throw new UsageException("--solver must be heun or euler, got '" + solver + "'");
    };
    if (!TrainedRun.isRun(model) || TrainedRun.isInterpolantRun(model)) {
      throw new UsageException("--model " + model + " is not a diffusion or flow run (d4j train)");
    }
    if (TrainedRun.isRun(out)) {
      throw new UsageException("--out " + out + " already holds a run; choose another directory");
    }
    TrainedRun run = TrainedRun.open(model);
    TrainConfig cfg = run.config();
    DistillConfig dc;
    try {
      ConsistencySchedule schedule = ConsistencySchedule.defaults()
          .withSigmaData(sigmaData != null ? sigmaData : cfg.sigmaData());
      dc = new DistillConfig(m, levels, 2, endLevels, targetEma, ts, schedule, steps, batch, lr, ema, seed);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    int dim = cfg.network().dim();
    Datasets.Loaded loaded = Datasets.load(cfg.data(), cfg.seed(), 8192, false);
    Dataset data = new Dataset(loaded.train().name(), run.transform(dim).toModel(loaded.train().data()),
        loaded.train().labels(), loaded.train().classes());
    float[][] teacherWeights = org.diffusion4j.nn.train.Checkpoint.readLatest(model).ema();
    long t0 = System.nanoTime();
    ConsistencyTrainer.Result r;
    try (Teacher teacher = m == DistillConfig.Method.CD ? Teacher.of(cfg, teacherWeights) : null;
        ProgressBar bar = ProgressBar.create(spec, m == DistillConfig.Method.CD ? "distilling" : "consistency training")) {
      r = ConsistencyTrainer.train(cfg, m == DistillConfig.Method.CD ? teacherWeights : null, data, teacher, dc, out, bar);
    }
    TrainedRun.writeTransform(out, run.transform(dim));
    PrintWriter o = spec.commandLine().getOut();
    float[] l = r.losses();
    o.printf("%s: %d steps in %.1f s, loss first %.4g last %.4g, %d skipped%n", m.name().toLowerCase(java.util.Locale.ROOT),
        steps, (System.nanoTime() - t0) / 1e9, l[0], l[l.length - 1], r.skippedSteps());
    o.println("wrote " + out + "; sample: d4j sample --model " + out + " --solver consistency --nfe 1");
    return ExitCodes.OK;
  }
}
