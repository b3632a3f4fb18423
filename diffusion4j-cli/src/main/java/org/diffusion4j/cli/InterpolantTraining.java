package org.diffusion4j.cli;

import org.diffusion4j.nn.run.RunGuards;
import org.diffusion4j.random.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Datasets;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.interpolant.InterpolantTrainConfig;
import org.diffusion4j.nn.interpolant.InterpolantTrainer;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.net.TimeEmbedding;
import org.diffusion4j.nn.train.TrainConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * {@code d4j train --objective interpolant}: trains the velocity b (and the denoiser eta_z, hence
 * the score) of a stochastic interpolant x_t = alpha x0 + beta x1 + gamma z between a source and
 * a target (Albergo, Boffi &amp; Vanden-Eijnden 2023) with independent, paired or minibatch-OT
 * coupling. Data files are standardised per column as in diffusion training: the target's
 * statistics go to RUN/standardization.json (samples come back in the target file's units), a
 * source file's to RUN/source-standardization.json (applied to x0 draws from files at sampling).
 */
final class InterpolantTraining {
  /** The objective name that selects this trainer. */
  static final String OBJECTIVE = "interpolant";

  /** The options that only {@code --objective interpolant} takes. */
  static final class Options {
    @Option(names = "--source", paramLabel = "gaussian|NAME|FILE",
        description = "interpolant: x0 from gaussian (default), a toy set or an .npy/.csv file.")
    String source;

    @Option(names = "--target", paramLabel = "NAME|FILE", description = "interpolant: x1 from a toy set or an .npy/.csv file.")
    String target;

    @Option(names = "--interpolant", paramLabel = "NAME",
        description = "interpolant: linear (default), trig, encoder-decoder, one-sided-linear, one-sided-trig or mirror.")
    String interpolant;

    @Option(names = "--gamma", paramLabel = "zero|sqrt|sin2",
        description = "interpolant: gamma(t) (default sqrt = sqrt(a t (1 - t)) for linear/trig/mirror).")
    String gamma;

    @Option(names = "--gamma-a", paramLabel = "A", description = "interpolant: a of gamma = sqrt(a t (1 - t)) (default 2).")
    Double gammaA;

    @Option(names = "--coupling", paramLabel = "KIND",
        description = "interpolant: independent (default), paired (row i with row i) or ot (exact minibatch OT).")
    String coupling;

    @Option(names = "--no-score", description = "interpolant: learn only the velocity (ODE sampling; SDE only for flows).")
    boolean noScore;

    @Option(names = "--time-margin", paramLabel = "M", description = "interpolant: train on t in [M, 1 - M] (default 1e-3).")
    Double timeMargin;

    @Option(names = "--score-loss", paramLabel = "denoiser|score",
        description = "interpolant: train the score network as the denoiser eta_z (default, s = -eta/gamma) or as the"
            + " score s itself (loss |s|^2 + 2 s.z/gamma).")
    String scoreLoss;
  }

  /** Options of d4j train that have no meaning for an interpolant run. */
  private static final String[] DIFFUSION_ONLY = {"--data", "--path", "--path-option", "--weighting", "--time-sampling",
      "--conditional", "--net", "--net-option", "--time-limit", "--min-lr-ratio"};
  /** Options of d4j train that only an interpolant run takes. */
  private static final String[] INTERPOLANT_ONLY = {"--source", "--target", "--interpolant", "--gamma", "--gamma-a",
      "--coupling", "--no-score", "--time-margin", "--score-loss"};

  private InterpolantTraining() {}

  static boolean selected(String objective) {
    return objective.trim().equalsIgnoreCase(OBJECTIVE);
  }

  /** For the other objectives: a usage error if an interpolant-only option was given, or --data is missing. */
  static void checkDiffusion(CommandSpec spec, String objective, String data) {
    ParseResult pr = spec.commandLine().getParseResult();
    for (String o : INTERPOLANT_ONLY) {
      if (pr.hasMatchedOption(o)) {
        throw new UsageException(o + " applies to --objective interpolant, not " + objective);
      }
    }
    if (data == null) {
      throw new UsageException("--objective " + objective + " needs --data NAME|FILE");
    }
  }

  /** Trains the interpolant run described by the train command's options. */
  static int train(TrainCommand c) throws IOException {
    ParseResult pr = c.spec.commandLine().getParseResult();
    for (String o : DIFFUSION_ONLY) {
      if (pr.hasMatchedOption(o)) {
        throw new UsageException(o + " does not apply to --objective interpolant"
            + (o.equals("--data") ? "; give the end points as --source and --target" : ""));
      }
    }
    Options io = c.interpolantOptions;
    if (io.target == null) {
      throw new UsageException("--objective interpolant needs --target NAME|FILE");
    }
    Path out = c.out;
    boolean has = TrainedRun.isInterpolantRun(out);
    if (has && !c.resume && committed(out)) {
      throw new UsageException(out + " already holds an interpolant run; pass --resume to continue it or choose another --out");
    }
    if (!has && c.resume) {
      throw new UsageException("--resume: " + out + " has no interpolant run to resume");
    }
    if (c.resume && !committed(out)) {
      throw new UsageException("--resume: " + out + " has no complete checkpoint yet (the first one was interrupted);"
          + " start it again without --resume");
    }
    if (c.allowDataChange && !c.resume) {
      throw new UsageException("--allow-data-change applies to --resume");
    }
    // File end points are stored as absolute paths, so the run does not depend on the working directory.
    String source = InterpolantRuns.absoluteSpec(io.source == null ? "gaussian" : io.source);
    io.target = InterpolantRuns.absoluteSpec(io.target);
    Map<String, String> opts = new LinkedHashMap<>();
    if (io.gamma != null) {
      opts.put("gamma", io.gamma);
    }
    if (io.gammaA != null) {
      opts.put("a", Double.toString(io.gammaA));
    }
    boolean standardize = !c.noStandardize;
    Datasets.Loaded tgt = Datasets.load("--target", io.target, c.seed, c.nTrain, standardize);
    // A different seed for the source draws, so that toy source and target are independent sets.
    Datasets.Loaded src = source.equals("gaussian") ? null
        : Datasets.load("--source", source, Seeds.source(c.seed), c.nTrain, standardize);
    int dim = tgt.train().dim();
    long steps = pick(pr, "--steps", c.steps, 3000L);
    MlpConfig net = MlpConfig.defaults(dim).withWidth(pick(pr, "--width", c.width, 128))
        .withDepth(pick(pr, "--depth", c.depth, 3)).withEmbedding(TimeEmbedding.parse(c.embedding)).withInitSeed(c.seed);
    TrainConfig train = TrainConfig.builder(dim).data(io.target).network(net).steps(steps)
        .batch(pick(pr, "--batch", c.batch, 256)).lr(pick(pr, "--lr", c.lr, 3e-3)).warmupSteps(Math.min(c.warmup, steps))
        .weightDecay(c.weightDecay).clipNorm(c.clipNorm).emaDecay(pick(pr, "--ema", c.ema, 0.995)).seed(c.seed)
        .checkpointEvery(c.checkpointEvery).build();
    if (io.scoreLoss != null && !InterpolantTrainConfig.SCORE_OBJECTIVES.contains(io.scoreLoss)) {
      throw new UsageException("--score-loss must be one of " + String.join(", ", InterpolantTrainConfig.SCORE_OBJECTIVES)
          + ", got '" + io.scoreLoss + "'");
    }
    if (io.scoreLoss != null && io.noScore) {
      throw new UsageException("--score-loss chooses how the score is learned; it contradicts --no-score");
    }
    InterpolantTrainConfig cfg = new InterpolantTrainConfig(io.interpolant == null ? "linear" : io.interpolant, opts,
        source, io.target, io.coupling == null ? "independent" : io.coupling, !io.noScore,
        io.scoreLoss == null ? InterpolantTrainConfig.DENOISER : io.scoreLoss, io.timeMargin == null ? 1e-3 : io.timeMargin,
        train);
    if (c.resume) {
      InterpolantTrainConfig stored = InterpolantTrainer.readConfig(out);
      if (!InterpolantRuns.sameEnd(stored.source(), cfg.source()) || !InterpolantRuns.sameEnd(stored.target(), cfg.target())) {
        throw new UsageException("--resume: the run was trained from " + stored.source() + " to " + stored.target()
            + ", not " + cfg.source() + " to " + cfg.target());
      }
      // The stored objective is kept on resume; a contradicting --score-loss is refused rather than ignored.
      if (io.scoreLoss != null && !io.scoreLoss.equals(stored.scoreObjective())) {
        throw new UsageException("--resume: the run's score network was trained with --score-loss "
            + stored.scoreObjective() + ", not " + io.scoreLoss);
      }
    }
    Files.createDirectories(out);
    Map<String, String> specs = new LinkedHashMap<>();
    specs.put("--source", source);
    specs.put("--target", io.target);
    Map<String, org.diffusion4j.array.Batch> rows = new LinkedHashMap<>();
    rows.put("--source", src == null ? null : src.train().data());
    rows.put("--target", tgt.train().data());
    RunGuards.checkData(out, specs, rows, c.resume, c.allowDataChange, c.nTrain, c.seed);
    TrainedRun.writeTransform(out, tgt.transform());
    if (src != null) {
      TrainedRun.writeSourceTransform(out, src.transform());
    }
    return run(c.spec, cfg, src == null ? null : src.train(), tgt.train(), out,
        c.resume ? pr.hasMatchedOption("--steps") ? steps : InterpolantTrainer.readConfig(out).train().steps() : -1);
  }

  /** Whether an interpolant run directory holds a committed checkpoint pair to resume from. */
  private static boolean committed(Path out) throws IOException {
    try {
      InterpolantTrainer.latestPair(out, InterpolantTrainer.readConfig(out).learnScore());
      return true;
    } catch (org.diffusion4j.nn.train.CheckpointException e) {
      return false;
    }
  }

  /** The option's value if given on the command line, else the interpolant trainer's own default. */
  private static <T> T pick(ParseResult pr, String name, T given, T interpolantDefault) {
    return pr.hasMatchedOption(name) ? given : interpolantDefault;
  }

  /**
   * Trains {@code cfg} into {@code out} with a progress bar and writes OUT/losses.csv; shared with
   * reflow. {@code resumeSteps} &gt;= 0 continues the run in {@code out} up to that many steps.
   */
  static int run(CommandSpec spec, InterpolantTrainConfig cfg, Dataset src, Dataset tgt, Path out, long resumeSteps)
      throws IOException {
    long t0 = System.nanoTime();
    try (InterpolantTrainer tr = resumeSteps >= 0 ? InterpolantTrainer.resume(out, src, tgt, resumeSteps)
        : InterpolantTrainer.create(cfg, src, tgt)) {
      long before = tr.stepsDone();
      try (ProgressBar bar = ProgressBar.create(spec, "training")) {
        tr.train(out, bar);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      StringBuilder csv = new StringBuilder("step,loss\n");
      float[] losses = tr.losses();
      for (int i = 0; i < losses.length; i++) {
        csv.append(i + 1).append(',').append(losses[i]).append('\n');
      }
      AtomicFiles.writeString(out.resolve(TrainedRun.LOSSES_CSV), csv.toString());
      InterpolantTrainConfig c = tr.config();
      spec.commandLine().getOut().printf(
          "trained interpolant %s (gamma %s) %s -> %s, coupling %s%s: steps %d -> %d in %.1f s, final loss %.4f%nwrote %s%n",
          c.interpolant(), c.interpolantObject().gamma().name(), c.source(), c.target(), c.coupling(),
          c.learnScore() ? ", velocity + score (" + c.scoreObjective() + " loss)" : ", velocity only", before, tr.stepsDone(), secs, tr.recentLoss(100), out);
      if (tr.skippedSteps() > 0) {
        spec.commandLine().getErr().println("d4j: warning: the loss guard skipped " + tr.skippedSteps() + " non-finite steps");
      }
    }
    return ExitCodes.OK;
  }
}
