package org.diffusion4j.cli;

import org.diffusion4j.nn.run.RunGuards;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.compress.FineTuner;
import org.diffusion4j.nn.compress.Subdomains;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j finetune}: fine-tunes a trained MNIST run on a sub-domain with SaRA, LoRA or all
 * parameters ({@link FineTuner}) into a new run directory.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fine-tune a trained MNIST run on a sub-domain of the training split: SaRA (sparse low-rank,",
        "progressive), LoRA or full fine-tuning on the same budget. Writes a run directory OUT",
        "(sample it with d4j sample --model OUT) and OUT/finetune.json."})
final class FinetuneCommand implements Callable<Integer> {
  static final String REPORT = "finetune.json";

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "RUN", description = "Trained run (--data mnist).")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "RUN2", description = "New run directory.")
  Path out;

  @Option(names = "--method", defaultValue = "sara", paramLabel = "sara|lora|full",
      description = "What is trained (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--subdomain", required = true, paramLabel = "class:K|thick",
      description = "Digits of class K, or every digit thickened by a 3 x 3 max filter.")
  String subdomain;

  @Option(names = "--steps", defaultValue = "200", paramLabel = "N", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Rows per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", paramLabel = "LR",
      description = "Learning rate (default: SaRA's 1e-3 exp(-350 threshold) = 4.97e-4, for every method).")
  Double lr;

  @Option(names = "--threshold", defaultValue = "2e-3", paramLabel = "T",
      description = "SaRA: train entries with |w| < T (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--lambda-rank", defaultValue = "5e-4", paramLabel = "L",
      description = "SaRA: nuclear-norm weight (default: ${DEFAULT-VALUE}).")
  double lambdaRank;

  @Option(names = "--progressive-step", paramLabel = "K",
      description = "SaRA: re-select the trained entries at step K (default: half of --steps; -1: never).")
  Long progressiveStep;

  @Option(names = "--lora-rank", defaultValue = "4", paramLabel = "R", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
  int loraRank;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    FineTuner.Method m = FineTuner.Method.parse(method);
    FineTuner.Options d = FineTuner.Options.defaults(m, Math.max(1, steps), seed);
    FineTuner.Options options = new FineTuner.Options(m, steps, batch, lr != null ? lr : d.lr(), d.weightDecay(),
        threshold, progressiveStep != null ? progressiveStep : steps / 2, lambdaRank, loraRank, loraRank, seed);
    CliChecks.requireRunDirectory(model, "--model");
    TrainedRun run = TrainedRun.open(model);
    if (run.kind() == TrainedRun.Kind.INTERPOLANT || !run.config().data().equals("mnist")) {
      throw new UsageException("--model " + model + " must be a diffusion or flow run trained with --data mnist");
    }
    if (TrainedRun.isRun(out)) {
      throw new UsageException("--out " + out + " already holds a run; choose another directory");
    }
    Dataset data = Subdomains.of(subdomain, Mnist.train());
    try (RunGuards.Lock lock = RunGuards.lock(out, "--out")) { // one writer per run directory
      FineTuner.Result r;
      try (ProgressBar bar = ProgressBar.create(spec, "fine-tuning")) {
        r = FineTuner.run(Checkpoint.readLatest(model), data, options, bar);
      }
      Files.createDirectories(out);
      r.checkpoint().write(out, 1, Checkpoint.WriteHook.NONE);
      AtomicFiles.writeString(out.resolve(REPORT), JsonRecords.toJson(r.report()) + "\n");
      FineTuner.Report rep = r.report();
      PrintWriter o = spec.commandLine().getOut();
      o.printf(Locale.ROOT, "%s on %s (%d digits), %d steps: %d of %d parameters trained (%.2f%%%s), optimiser state"
              + " %.2f MB, final loss %.4f%n", rep.method(), subdomain, data.n(), steps, rep.trainableParameters(),
          rep.totalParameters(), 100 * rep.trainedFraction(), m == FineTuner.Method.SARA
              ? String.format(Locale.ROOT, "; %d after re-selection", rep.reselectedParameters()) : "",
          rep.optimizerBytes() / 1e6, rep.losses()[rep.losses().length - 1]);
      o.println("wrote " + out);
    }
    return ExitCodes.OK;
  }
}
