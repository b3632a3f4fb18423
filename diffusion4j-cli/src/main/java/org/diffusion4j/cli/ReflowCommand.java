package org.diffusion4j.cli;

import org.diffusion4j.nn.run.RunGuards;
import org.diffusion4j.random.Seeds;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.Straightness;
import org.diffusion4j.interpolant.coupling.Coupling;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.DataTransform;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.interpolant.InterpolantTrainConfig;
import org.diffusion4j.nn.interpolant.LearnedInterpolant;
import org.diffusion4j.nn.interpolant.NeuralReflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j reflow}: one rectified-flow reflow step (Liu, Gong &amp; Liu 2023, Sec. 2.3) on a
 * trained interpolant run: generate pairs (x0, ODE(x0)), retrain the linear deterministic
 * interpolant on them with the paired coupling, and report the straightness before and after.
 */
@Command(name = "reflow", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Reflow a trained interpolant: pairs (x0, ODE(x0)) from --model, then a new paired linear flow in OUT.",
        "Writes OUT/reflow-x0.npy, OUT/reflow-x1.npy (in the data's units) and an interpolant run in OUT",
        "(sample it with d4j sample --model OUT, e.g. with --source gaussian for a run from a Gaussian source)."})
final class ReflowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "RUN", description = "Interpolant run to reflow.")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "New run directory.")
  Path out;

  @Option(names = "--n-train", defaultValue = "20000", description = "Generated training pairs (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--ode-steps", defaultValue = "50", description = "Heun steps generating the pairs (default: ${DEFAULT-VALUE}).")
  int odeSteps;

  @Option(names = "--steps", description = "Optimiser steps (default: those of --model).")
  Long steps;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the source draws (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--source", paramLabel = "gaussian|NAME|FILE", description = "Draw x0 from this instead of the run's"
      + " source (required when that is a file outside the run directory: run contents are trusted only inside it).")
  String source;

  @Override
  public Integer call() throws IOException {
    try (RunGuards.Lock lock = RunGuards.lock(out, "--out")) { // one writer per run directory
      return reflow();
    }
  }

  private Integer reflow() throws IOException {
    if (pairs < 2 || odeSteps < 1) {
      throw new UsageException("--n-train must be >= 2 and --ode-steps >= 1");
    }
    RunGuards.requireKind(out, true);
    if (TrainedRun.isInterpolantRun(out)) {
      throw new UsageException(out + " already holds an interpolant run; choose another --out");
    }
    InterpolantRuns.requireRun(model);
    PrintWriter o = spec.commandLine().getOut();
    Coupling.Pair pair;
    InterpolantTrainConfig base;
    double before;
    Batch probe;
    DataTransform sourceStd;
    DataTransform targetStd;
    try (LearnedInterpolant m = LearnedInterpolant.load(model)) {
      base = m.config();
      // The pairs live in the model's (standardised) coordinates; the new run keeps them.
      TrainedRun run = TrainedRun.open(model);
      sourceStd = base.gaussianSource() ? DataTransform.IDENTITY : run.sourceTransform(m.dim());
      targetStd = run.transform(m.dim());
      String source = this.source != null ? this.source : InterpolantRuns.trustedEnd(model, base.source(), "--source");
      Batch x0 = InterpolantRuns.draws(source, m.dim(), Seeds.reflowPairs(seed), pairs);
      probe = InterpolantRuns.draws(source, m.dim(), Seeds.reflowProbe(seed), Math.min(1000, pairs));
      x0 = sourceStd.toModel(x0);
      probe = sourceStd.toModel(probe);
      pair = NeuralReflow.pairs(m, x0, odeSteps);
      before = Straightness.of(m.velocityField(), probe, 0, 1, odeSteps).value();
    }
    Files.createDirectories(out);
    Path f0 = out.resolve("reflow-x0.npy").toAbsolutePath();
    Path f1 = out.resolve("reflow-x1.npy").toAbsolutePath();
    // The files hold the pairs in the data's units, with the base run's statistics next to them,
    // so that drawing x0 from reflow-x0.npy at sampling time gives the training x0 back.
    Npy.write(f0, sourceStd.toData(pair.x0()));
    Npy.write(f1, targetStd.toData(pair.x1()));
    TrainedRun.writeSourceTransform(out, sourceStd);
    TrainedRun.writeTransform(out, targetStd);
    // the pair files are named relative to the run directory, which stays self-contained and movable
    InterpolantTrainConfig cfg = NeuralReflow.config(base, f0.getFileName().toString(), f1.getFileName().toString(),
        steps != null ? steps : base.train().steps());
    InterpolantTraining.run(spec, cfg, Dataset.of("reflow-x0", pair.x0()), Dataset.of("reflow-x1", pair.x1()), out, -1);
    try (LearnedInterpolant m = LearnedInterpolant.load(out)) {
      double after = Straightness.of(m.velocityField(), probe, 0, 1, odeSteps).value();
      o.printf("straightness S (Liu et al. 2023): before %.4f, after reflow %.4f%n", before, after);
    }
    return ExitCodes.OK;
  }
}
