package org.diffusion4j.cli;

import org.diffusion4j.nn.run.RunGuards;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffusion4j.cli.plot.Plot;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.nn.data.Datasets;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.net.NetworkConfig;
import org.diffusion4j.nn.net.Networks;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.net.TimeEmbedding;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.objective.TimeSampling;
import org.diffusion4j.nn.objective.Weighting;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code d4j train}: trains a time-conditioned MLP with DJL and writes checkpoints and a loss curve. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a neural denoiser / velocity field on a 2-D toy set or an NPY/CSV file.",
        "Writes OUT/checkpoints/ (atomic; --resume continues bit-for-bit), OUT/loss.png and OUT/losses.csv.",
        "--objective interpolant trains a stochastic interpolant from --source to --target instead of --data"
            + " (OUT/interpolant.json, OUT/velocity/ and OUT/denoiser/ checkpoints), with the defaults --steps 3000"
            + " --batch 256 --lr 3e-3 --width 128 --depth 3 --ema 0.995; sample it with d4j sample --model OUT.",
        "The first run unpacks the PyTorch native library (~430 MB) into DJL_CACHE_DIR (default ~/.djl.ai)."})
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", paramLabel = "NAME|FILE",
      description = "Toy set (checkerboard, moons, 8gaussians, swissroll, rings, pinwheel) or a .npy/.csv file.")
  String data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory.")
  Path out;

  @Option(names = "--objective", defaultValue = "flow",
      description = "eps, x0, v, edm, pfgmpp, flow, interpolant-b or interpolant-score (Gaussian-path losses on --data), or"
          + " interpolant (a stochastic interpolant run, see above) (default: ${DEFAULT-VALUE}).")
  String objective;

  @Mixin InterpolantTraining.Options interpolantOptions;

  @Option(names = "--augmented-dim", paramLabel = "D", description = "PFGM++ augmented dimensions for --objective pfgmpp:"
      + " a number >= 1 or inf (the EDM limit; default 128, the paper's choice for CIFAR-10).")
  String augmentedDim;

  @Option(names = "--path", description = "Gaussian path (default: cond-ot for flow/interpolant-b/-score, edm for edm and pfgmpp, else vp-linear).")
  String path;

  @Option(names = "--path-option", paramLabel = "KEY=VALUE", description = "Path option, e.g. beta-max=20 (repeatable).")
  Map<String, String> pathOptions = new LinkedHashMap<>();

  @Option(names = "--weighting", description = "none, snr, min-snr or sigma2 (default: none; sigma2 for interpolant-score).")
  String weighting;

  @Option(names = "--time-sampling", defaultValue = "uniform",
      description = "uniform, logit-normal, log-normal or importance (default: ${DEFAULT-VALUE}).")
  String timeSampling;

  @Option(names = "--steps", defaultValue = "5000", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--batch", defaultValue = "512", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--warmup", defaultValue = "100", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
  long warmup;

  @Option(names = "--min-lr-ratio", defaultValue = "0.05", paramLabel = "R", description = "The cosine schedule decays"
      + " the learning rate to R x --lr at --steps; 1 keeps it constant after warm-up (default: ${DEFAULT-VALUE}).")
  double minLrRatio;

  @Option(names = "--time-limit", paramLabel = "MINUTES", description = "Stop (with a checkpoint) after this much"
      + " wall-clock time even if --steps is not reached; --resume continues exactly.")
  Double timeLimit;

  @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--clip-norm", defaultValue = "1", description = "Gradient clipping norm (default: ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(names = "--ema", defaultValue = "0.999", description = "EMA decay of the weights used for sampling (default: ${DEFAULT-VALUE}).")
  double ema;

  @Option(names = "--fp-weight", defaultValue = "0", paramLabel = "LAMBDA", description = "Weight of the score"
      + " Fokker-Planck residual penalty (Deveney et al. 2023; see docs/fokker-planck.md; default: ${DEFAULT-VALUE} = off).")
  double fpWeight;

  @Option(names = "--fp-probes", defaultValue = "0", paramLabel = "P", description = "Rademacher probes per row for the"
      + " penalty's grad(div s) term (Hutchinson; for larger d); 0 = exact (default: ${DEFAULT-VALUE}).")
  int fpProbes;

  @Option(names = "--net", defaultValue = "mlp", paramLabel = "NAME",
      description = "Network: mlp (time-conditioned residual MLP, any data), unet (DDPM/ADM U-Net, images such as"
          + " --data mnist or an NPY of shape (n, H, W) / (n, C, H, W)), sequence, graph or egnn (default: ${DEFAULT-VALUE}).")
  String net;

  @Option(names = "--net-option", paramLabel = "KEY=VALUE",
      description = "A field of the network's config, e.g. baseChannels=64 or channelMult=1,2,2 for unet (repeatable;"
          + " an unknown key lists the fields).")
  Map<String, String> netOptions = new LinkedHashMap<>();

  @Option(names = "--width", defaultValue = "256", description = "MLP width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--depth", defaultValue = "4", description = "MLP residual blocks (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--embedding", defaultValue = "sinusoidal", description = "MLP time embedding: sinusoidal or fourier (default: ${DEFAULT-VALUE}).")
  String embedding;

  @Option(names = "--conditional", description = "Condition on the data set's class labels (toys with classes), with a null class for guidance.")
  boolean conditional;

  @Option(names = "--n-train", defaultValue = "100000", description = "Points drawn for a toy training set (default: ${DEFAULT-VALUE}).")
  int nTrain;

  @Option(names = "--no-standardize", description = "Do not standardise the columns of a data file.")
  boolean noStandardize;

  @Option(names = "--checkpoint-every", defaultValue = "1000", description = "Checkpoint interval in steps; 0 = only at"
      + " the end (default: ${DEFAULT-VALUE}).")
  long checkpointEvery;

  @Option(names = "--resume", description = "Continue from OUT's latest checkpoint.")
  boolean resume;

  @Option(names = "--allow-data-change", description = "With --resume: continue although the training rows"
      + " changed since the run started (their SHA-256 is kept in OUT/" + RunGuards.DATA_HASH_FILE + ").")
  boolean allowDataChange;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation, data order and noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    try (RunGuards.Lock lock = RunGuards.lock(out, "--out")) { // one trainer per run directory
      RunGuards.requireKind(out, InterpolantTraining.selected(objective));
      if (resume) { // the toy set's rows of the run, unless given again
        var pr = spec.commandLine().getParseResult();
        long[] kept = RunGuards.resumeSettings(out, nTrain, pr.hasMatchedOption("--n-train"), seed,
            pr.hasMatchedOption("--seed"));
        nTrain = Math.toIntExact(kept[0]);
        seed = kept[1];
      }
      return train();
    }
  }

  private Integer train() throws IOException {
    if (InterpolantTraining.selected(objective)) {
      if (fpWeight != 0) {
        throw new UsageException("--fp-weight applies to the Gaussian-path objectives, not --objective " + objective);
      }
      return InterpolantTraining.train(this);
    }
    InterpolantTraining.checkDiffusion(spec, objective, data);
    if (timeLimit != null && !(timeLimit > 0 && Double.isFinite(timeLimit))) {
      throw new UsageException("--time-limit must be a positive number of minutes, got " + timeLimit);
    }
    Objective obj = Objective.parse(objective);
    String pathName = path != null ? path
        : switch (obj) {
          case FLOW, INTERPOLANT, INTERPOLANT_SCORE -> "cond-ot";
          case EDM, PFGMPP -> "edm";
          default -> "vp-linear";
        };
    Datasets.Loaded loaded = Datasets.load("--data", data, seed, nTrain, !noStandardize);
    var train = loaded.train();
    int classes = 0;
    if (conditional) {
      if (train.labels() == null) {
        throw new UsageException("--conditional needs a labelled data set; " + data + " has no labels");
      }
      classes = train.classes();
    }
    NetworkConfig network = networkConfig(loaded.sampleShape(), classes);
    TrainConfig.Builder b = TrainConfig.builder(train.dim()).data(data).network(network).objective(obj).path(pathName)
        .pathOptions(pathOptions).timeSampling(TimeSampling.parse(timeSampling)).steps(steps).batch(batch).lr(lr)
        .warmupSteps(Math.min(warmup, steps)).minLrRatio(minLrRatio).weightDecay(weightDecay).clipNorm(clipNorm).emaDecay(ema).seed(seed)
        .fpWeight(fpWeight).fpProbes(fpProbes)
        .checkpointEvery(checkpointEvery).sigmaData(obj.edmPreconditioned() ? train.std() : 1)
        .augmentedDim(augmentedDim(obj));
    if (weighting != null) {
      b.weighting(Weighting.parse(weighting));
    }
    TrainConfig cfg = b.build();
    boolean has = Checkpoint.exists(out);
    if (has && resume) {
      // Resume with the checkpoint's settings; only options given on this command line must agree.
      cfg = resumeConfig(Checkpoint.readLatest(out).config(), cfg);
    }
    if (has && !resume) {
      throw new UsageException(out + " already holds a training run; pass --resume to continue it or choose another --out");
    }
    if (!has && resume) {
      throw new UsageException("--resume: " + out + " has no checkpoint to resume from");
    }
    if (allowDataChange && !resume) {
      throw new UsageException("--allow-data-change applies to --resume");
    }
    RunGuards.checkData(out, java.util.Map.of("--data", data), java.util.Map.of("--data", train.data()), resume,
        allowDataChange, nTrain, seed);
    var err = spec.commandLine().getErr();
    var stdout = spec.commandLine().getOut();
    try (Trainer trainer = resume ? Trainer.resume(out, train, cfg) : Trainer.create(cfg, train)) {
      TrainedRun.writeTransform(out, loaded.transform());
      long before = trainer.stepsDone();
      long t0 = System.nanoTime();
      try (ProgressBar bar = ProgressBar.create(spec, "training")) {
        trainer.train(out, bar, 0, null, java.time.Duration.ofNanos((long) (timeLimit == null ? 0 : timeLimit * 60e9)));
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      writeLossCurve(out, trainer.losses(), obj);
      double rate = (trainer.stepsDone() - before) / Math.max(secs, 1e-9);
      stdout.printf("trained %s on %s (%s, %s, %d-d): steps %d -> %d in %.1f s (%s), final loss %.4f%n",
          obj.cliName(), data, pathName, cfg.network().type(), train.dim(), before, trainer.stepsDone(), secs,
          rate >= 10 ? String.format("%.0f steps/s", rate) : String.format("%.2f s/step", 1 / Math.max(rate, 1e-9)),
          trainer.recentLoss(100));
      if (trainer.skippedSteps() > 0) {
        err.println("d4j: warning: the loss guard skipped " + trainer.skippedSteps() + " non-finite steps");
      }
      stdout.println("wrote " + Checkpoint.folder(out) + ", " + out.resolve(TrainedRun.LOSS_PNG) + ", "
          + out.resolve(TrainedRun.LOSSES_CSV));
    }
    return ExitCodes.OK;
  }

  /** --augmented-dim as the config stores it (0 = infinity); 128 for pfgmpp when not given. */
  private double augmentedDim(Objective obj) {
    if (obj != Objective.PFGMPP) {
      if (augmentedDim != null) {
        throw new UsageException("--augmented-dim applies to --objective pfgmpp, not " + obj.cliName());
      }
      return 0;
    }
    String v = augmentedDim == null ? "128" : augmentedDim.trim().toLowerCase(java.util.Locale.ROOT);
    if (v.equals("inf") || v.equals("infinity")) {
      return 0;
    }
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (!(d >= 1 && Double.isFinite(d))) {
      throw new UsageException("--augmented-dim must be a number >= 1 or inf, got " + augmentedDim);
    }
    return d;
  }

  /** The network config from --net, --net-option and (for the MLP) --width, --depth, --embedding. */
  private NetworkConfig networkConfig(long[] sampleShape, int classes) {
    var pr = spec.commandLine().getParseResult();
    NetworkConfig base = Networks.defaults(net, sampleShape, classes, seed);
    if (base instanceof MlpConfig mlp) {
      base = mlp.withWidth(width).withDepth(depth).withEmbedding(TimeEmbedding.parse(embedding));
    } else {
      for (String mlpOnly : new String[] {"--width", "--depth", "--embedding"}) {
        if (pr.hasMatchedOption(mlpOnly)) {
          throw new UsageException(mlpOnly + " applies to --net mlp; for --net " + net + " use --net-option");
        }
      }
    }
    return Networks.withOptions(base, netOptions);
  }

  /**
   * The checkpoint's config with the options explicitly given now applied on top (so that
   * {@code Trainer.resume} reports any that disagree); {@code --steps} may always change.
   */
  private TrainConfig resumeConfig(TrainConfig saved, TrainConfig asked) {
    var pr = spec.commandLine().getParseResult();
    TrainConfig.Builder b = saved.toBuilder();
    NetworkConfig net = saved.network();
    if (net instanceof MlpConfig mlp && asked.network() instanceof MlpConfig a) {
      if (pr.hasMatchedOption("--width")) {
        mlp = mlp.withWidth(a.width());
      }
      if (pr.hasMatchedOption("--depth")) {
        mlp = mlp.withDepth(a.depth());
      }
      if (pr.hasMatchedOption("--embedding")) {
        mlp = mlp.withEmbedding(a.embedding());
      }
      net = mlp;
    }
    if (pr.hasMatchedOption("--seed")) {
      net = net.withInitSeed(asked.network().initSeed());
      b.seed(asked.seed());
    }
    b.network(net);
    if (pr.hasMatchedOption("--objective")) {
      b.objective(asked.objective());
    }
    if (pr.hasMatchedOption("--path")) {
      b.path(asked.path());
    }
    if (pr.hasMatchedOption("--path-option")) {
      b.pathOptions(asked.pathOptions());
    }
    if (pr.hasMatchedOption("--weighting")) {
      b.weighting(asked.weighting());
    }
    if (pr.hasMatchedOption("--time-sampling")) {
      b.timeSampling(asked.timeSampling());
    }
    if (pr.hasMatchedOption("--batch")) {
      b.batch(asked.batch());
    }
    if (pr.hasMatchedOption("--lr")) {
      b.lr(asked.lr());
    }
    if (pr.hasMatchedOption("--warmup")) {
      b.warmupSteps(asked.warmupSteps());
    }
    if (pr.hasMatchedOption("--min-lr-ratio")) {
      b.minLrRatio(asked.minLrRatio());
    }
    if (pr.hasMatchedOption("--weight-decay")) {
      b.weightDecay(asked.weightDecay());
    }
    if (pr.hasMatchedOption("--clip-norm")) {
      b.clipNorm(asked.clipNorm());
    }
    if (pr.hasMatchedOption("--ema")) {
      b.emaDecay(asked.emaDecay());
    }
    if (pr.hasMatchedOption("--fp-weight")) {
      b.fpWeight(asked.fpWeight());
    }
    if (pr.hasMatchedOption("--augmented-dim")) {
      b.augmentedDim(asked.augmentedDim());
    }
    if (pr.hasMatchedOption("--fp-probes")) {
      b.fpProbes(asked.fpProbes());
    }
    if (pr.hasMatchedOption("--checkpoint-every")) {
      b.checkpointEvery(asked.checkpointEvery());
    }
    if (!asked.data().equals(saved.data())) {
      throw new UsageException("--resume: the run was trained on --data " + saved.data() + ", not " + asked.data());
    }
    return b.steps(pr.hasMatchedOption("--steps") ? asked.steps() : saved.steps()).build();
  }

  /** Writes OUT/losses.csv and OUT/loss.png (raw loss and its 50-step moving average). */
  static void writeLossCurve(Path out, float[] losses, Objective obj) throws IOException {
    Files.createDirectories(out);
    StringBuilder csv = new StringBuilder("step,loss\n");
    for (int i = 0; i < losses.length; i++) {
      csv.append(i + 1).append(',').append(losses[i]).append('\n');
    }
    AtomicFiles.writeString(out.resolve(TrainedRun.LOSSES_CSV), csv.toString());
    lossPlot(losses, obj).writePng(out.resolve(TrainedRun.LOSS_PNG), 800, 500);
  }

  /** The loss-curve panel. */
  static Plot lossPlot(float[] losses, Objective obj) {
    int n = losses.length;
    double[] x = new double[n];
    double[] y = new double[n];
    double[] avg = new double[n];
    double acc = 0;
    int cnt = 0;
    int window = Math.max(1, Math.min(50, n / 20 + 1));
    java.util.ArrayDeque<Double> q = new java.util.ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
      double v = Float.isFinite(losses[i]) ? losses[i] : (i > 0 ? y[i - 1] : 0);
      y[i] = v;
      q.addLast(v);
      acc += v;
      cnt++;
      if (q.size() > window) {
        acc -= q.removeFirst();
        cnt--;
      }
      avg[i] = acc / cnt;
    }
    Plot p = Plot.of("training loss (" + obj.cliName() + ")").xLabel("step").yLabel("loss")
        .line(x, y, new java.awt.Color(170, 190, 230), "loss").line(x, avg, Plot.color(0), window + "-step mean");
    if (!obj.quadratic()) {
      p.logY();
    }
    return p;
  }
}
