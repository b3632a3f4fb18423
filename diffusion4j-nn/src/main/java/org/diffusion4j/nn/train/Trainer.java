package org.diffusion4j.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.objective.NoiseKernel;
import org.diffusion4j.nn.objective.ScoreFokkerPlanckResidual;
import org.diffusion4j.nn.objective.Targets;
import org.diffusion4j.nn.objective.TimeSampler;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;
import org.diffusion4j.nn.net.Layers;

/**
 * Trains a {@link TimeMlp} on a {@link Dataset} with one of the {@link org.diffusion4j.nn.objective.Objective}s.
 *
 * <p>One step: draw the batch (seeded epoch permutations of the data), times and noise (Gaussian, or
 * PFGM++'s for that objective: {@link TrainConfig#noise()}; row i of
 * step k from {@code Rng.of(seed).stream(k, i)}) and build inputs/targets in plain Java
 * ({@link Targets}); then one DJL forward, loss, backward; a loss guard; global-norm gradient
 * clipping; AdamW; EMA. All per-step arrays live in a sub-manager closed at the end of the step,
 * so memory stays flat. The random state is a pure function of (seed, step), so a run resumed
 * from a checkpoint continues exactly as an uninterrupted one.
 *
 * <p>With {@link TrainConfig#fpWeight} lambda &gt; 0 the loss gains lambda times the batch mean of
 * |w(t) r(t, x_t)|^2 / d, the score Fokker-Planck residual of {@link ScoreFokkerPlanckResidual}
 * at the same (t, x_t) (times the importance weight when times are importance-sampled); its
 * forward-mode jet also supplies F, so the step still has one forward and one backward. The
 * recorded loss is the total (data loss + lambda penalty); {@link #lastFpPenalty()} gives the penalty.
 *
 * <p>Loss guard: a step whose loss or gradient norm is not finite is skipped (no update, counted
 * in {@link #skippedSteps()}); after 20 consecutive skips training stops with an error naming the step.
 */
public final class Trainer implements AutoCloseable {
  private static final long STEP_STREAM = 1;
  private static final long ORDER_STREAM = 2;
  private static final long DROPOUT_STREAM = 3;

  private final TrainConfig config;
  private final Dataset data;
  private final GaussianPath path;
  private final Targets targets;
  private final TimeSampler sampler;
  private final NoiseKernel noise;
  private final NDManager manager;
  private final TrainableNet net;
  private final ScoreFokkerPlanckResidual fp;
  private double lastFpPenalty = Double.NaN;
  private final RunLog log;
  private long permEpoch = -1;
  private int[] perm;

  private Trainer(TrainConfig config, Dataset data, Checkpoint from) {
    if (data.dim() != config.network().dim()) {
      throw new IllegalArgumentException("data has dimension " + data.dim() + " but the network expects "
          + config.network().dim());
    }
    if (config.network().classes() > 0 && data.labels() == null) {
      throw new IllegalArgumentException("the network is class-conditional but data set " + data.name() + " has no labels");
    }
    this.config = config;
    this.data = data;
    this.path = config.gaussianPath();
    this.targets = new Targets(config.objective(), path, config.weighting(), config.sigmaData());
    this.sampler = new TimeSampler(config.timeSampling(), path);
    this.noise = config.noise();
    this.manager = DjlRuntime.newManager();
    this.net = new TrainableNet(manager, config, from);
    this.fp = config.fpWeight() > 0 ? ScoreFokkerPlanckResidual.of(config) : null;
    this.log = RunLog.of(from);
    if (from != null) {
      sampler.restore(from.samplerState());
    }
  }

  /** A fresh run. */
  public static Trainer create(TrainConfig config, Dataset data) {
    return new Trainer(config, data, null);
  }

  /**
   * Resumes from the latest checkpoint of {@code runDir}. {@code requested} (may be null) must
   * match the checkpoint's configuration except for the step budget.
   *
   * @throws CheckpointException if the checkpoint is missing, corrupted or from another configuration
   */
  public static Trainer resume(Path runDir, Dataset data, TrainConfig requested) throws IOException {
    Checkpoint c = Checkpoint.readLatest(runDir);
    TrainConfig cfg = c.config();
    if (requested != null) {
      List<String> diffs = cfg.differences(requested);
      if (!diffs.isEmpty()) {
        throw new CheckpointException("checkpoint in " + runDir + " was made with a different configuration: "
            + String.join("; ", diffs));
      }
      cfg = cfg.withSteps(requested.steps());
    }
    return new Trainer(cfg, data, c);
  }

  public TrainConfig config() {
    return config;
  }

  /** Completed steps. */
  public long stepsDone() {
    return log.stepsDone();
  }

  public long skippedSteps() {
    return log.skippedSteps();
  }

  /** The loss of every completed step (NaN where the guard skipped it). */
  public float[] losses() {
    return log.losses();
  }

  /**
   * The unscaled Fokker-Planck penalty mean |w r|^2 / d of the last step (before the multiplier
   * fpWeight); NaN when fpWeight is 0 or no step ran.
   */
  public double lastFpPenalty() {
    return lastFpPenalty;
  }

  public Network network() {
    return net.net();
  }

  /** Current weights (copies). */
  public float[][] weights() {
    return net.weights();
  }

  /** Current EMA weights (copies). */
  public float[][] emaWeights() {
    return net.emaWeights();
  }

  /** Hook run every {@code every} steps during {@link #train}. */
  @FunctionalInterface
  public interface EvalHook {
    void evaluate(Trainer trainer) throws IOException;
  }

  /**
   * Trains until {@code config.steps()} steps are done, writing a checkpoint to {@code runDir}
   * (if not null) every {@code checkpointEvery} steps and at the end; reports progress with the
   * loss (mean of the last 100 steps) and steps/s.
   */
  public void train(Path runDir, ProgressListener progress, long evalEvery, EvalHook eval) throws IOException {
    train(runDir, progress, evalEvery, eval, java.time.Duration.ZERO);
  }

  /**
   * As {@link #train(Path, ProgressListener, long, EvalHook)}, stopping early (with a checkpoint)
   * once {@code timeLimit} of wall-clock time has passed (zero: no limit); the step count then
   * depends on the machine, but every step is still reproducible and the run resumes exactly.
   */
  public void train(Path runDir, ProgressListener progress, long evalEvery, EvalHook eval, java.time.Duration timeLimit)
      throws IOException {
    log.train(config.steps(), config.checkpointEvery(), runDir != null, new RunLog.Steps() {
      @Override
      public void step() {
        trainStep();
      }

      @Override
      public void checkpoint() throws IOException {
        Trainer.this.checkpoint().write(runDir, config.keepCheckpoints(), Checkpoint.WriteHook.NONE);
      }

      @Override
      public void afterStep(boolean last) throws IOException {
        if (eval != null && evalEvery > 0 && (log.stepsDone() % evalEvery == 0 || last)) {
          eval.evaluate(Trainer.this);
        }
      }

      @Override
      public String lossNote() {
        return fp == null ? "" : String.format("  fp %.4f", lastFpPenalty);
      }
    }, progress, timeLimit.toNanos());
  }

  /** Mean loss of the last {@code k} finite steps (NaN if none). */
  public double recentLoss(int k) {
    return log.recentLoss(k);
  }

  /** Runs one optimiser step and returns its loss (NaN if the guard skipped it). */
  public double trainStep() {
    final long k = log.stepsDone();
    final int n = config.batch();
    final int d = data.dim();
    Rng stepRng = Rng.of(config.seed()).stream(STEP_STREAM, k);
    Rng[] rows = new Rng[n];
    for (int i = 0; i < n; i++) {
      rows[i] = stepRng.stream(i);
    }
    double[] t = new double[n];
    double[] tw = new double[n];
    int[] bins = new int[n];
    sampler.sample(rows, t, tw, bins);
    Batch x0 = new Batch(n, d);
    Batch eps = new Batch(n, d);
    int[] labels = config.network().classes() > 0 ? new int[n] : null;
    double[] xs = x0.data();
    double[] src = data.data().data();
    for (int i = 0; i < n; i++) {
      int idx = dataIndex(k * n + i);
      System.arraycopy(src, idx * d, xs, i * d, d);
      noise.fill(rows[i], eps.data(), i * d);
      if (labels != null) {
        labels[i] = rows[i].nextDouble() < config.classDropout() ? config.network().classes() : data.labels()[idx];
      }
    }
    float[] input = new float[n * d];
    float[] cNoise = new float[n];
    float[] target = new float[n * d];
    float[] weight = new float[n];
    targets.fill(x0, eps, t, config.timeSampling() == org.diffusion4j.nn.objective.TimeSampling.IMPORTANCE ? tw : null,
        input, cNoise, target, weight);

    ScoreFokkerPlanckResidual.Coefficients fpCoef = null;
    float[] xt = null;
    float[] fpRowWeight = null;
    float[] fpProbeDirs = null;
    if (fp != null) {
      fpProbeDirs = fp.probes() > 0 ? fp.rademacherProbes(rows, d) : null;
      boolean importance = config.timeSampling() == org.diffusion4j.nn.objective.TimeSampling.IMPORTANCE;
      fpCoef = fp.coefficients(t);
      xt = new float[n * d];
      fpRowWeight = new float[n];
      double[] es = eps.data();
      for (int i = 0; i < n; i++) {
        double a = path.alpha(t[i]);
        double s = path.sigma(t[i]);
        for (int j = i * d; j < i * d + d; j++) {
          xt[j] = (float) (a * xs[j] + s * es[j]);
        }
        fpRowWeight[i] = (float) (importance ? tw[i] : 1);
      }
    }

    double lossValue;
    double fpValue = Double.NaN;
    try (NDManager sm = manager.newSubManager()) {
      NDArray x = sm.create(input, net.net().batchShape(n));
      NDArray c = sm.create(cNoise, new Shape(n, 1));
      NDArray y = sm.create(target, net.net().batchShape(n));
      NDArray w = sm.create(weight, new Shape(n));
      NDArray oneHot = labels == null ? null
          : sm.create(Condition.oneHot(labels, config.network().classes()), new Shape(n, config.network().classes() + 1));
      Condition condition = (oneHot == null ? Condition.NONE : Condition.ofClasses(oneHot)).withTraining(true);
      // Dropout masks come from PyTorch's generator: seed it from (seed, step) so that a resumed
      // run draws the same masks as an uninterrupted one.
      DjlRuntime.engine().setRandomSeed((int) Rng.of(config.seed()).stream(DROPOUT_STREAM, k).nextLong());
      NDArray perSample;
      NDArray loss;
      NDArray fpPenalty = null;
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        NDArray f;
        if (fp == null) {
          f = net.net().forward(net.params(), x, c, condition);
        } else {
          ScoreFokkerPlanckResidual.Result res = fp.evaluate(net.params(), sm.create(xt, new Shape(n, d)), x, c,
              fpCoef, oneHot, fpProbeDirs == null ? null : sm.create(fpProbeDirs, new Shape(fp.probes(), n, d)));
          f = res.value();
          fpPenalty = res.weighted().square().sum(new int[] {1}).mul(sm.create(fpRowWeight, new Shape(n))).sum()
              .div(Layers.scalar(x, (double) n * d));
        }
        NDArray flatF = f.reshape(n, d);
        NDArray flatY = y.reshape(n, d);
        perSample = config.objective().quadratic()
            ? flatF.square().sub(flatF.mul(flatY).mul(Layers.scalar(flatF, 2))).sum(new int[] {1})
            : flatF.sub(flatY).square().sum(new int[] {1});
        loss = perSample.mul(w).sum().div(Layers.scalar(perSample, (double) n * d));
        if (fpPenalty != null) {
          loss = loss.add(fpPenalty.mul(Layers.scalar(fpPenalty, config.fpWeight())));
        }
        gc.backward(loss);
      }
      lossValue = loss.getFloat();
      if (fpPenalty != null) {
        fpValue = fpPenalty.getFloat();
      }
      // Gradient norm and guard.
      NDArray[] grads = new NDArray[net.params().size()];
      double gradNorm = net.gradients(sm, grads);
      if (!Double.isFinite(lossValue) || !Double.isFinite(gradNorm)) {
        net.zeroGrads();
        log.skip(k, "training diverged: loss " + lossValue + ", gradient norm " + gradNorm, "lower --lr or --clip-norm");
        lossValue = Double.NaN;
      } else {
        log.applied();
        net.update(sm, grads, config, k, gradNorm);
        net.zeroGrads();
        float[] per = perSample.toFloatArray();
        double[] perD = new double[n];
        for (int i = 0; i < n; i++) {
          perD[i] = per[i] / d;
        }
        sampler.observe(bins, perD);
      }
    }
    lastFpPenalty = fpValue;
    log.record(k, lossValue);
    return lossValue;
  }

  /** Data row for global sample position {@code pos}: epoch e = pos / N uses its own seeded permutation. */
  private int dataIndex(long pos) {
    int nData = data.n();
    long epoch = pos / nData;
    if (epoch != permEpoch) {
      perm = new int[nData];
      for (int i = 0; i < nData; i++) {
        perm[i] = i;
      }
      Rng r = Rng.of(config.seed()).stream(ORDER_STREAM, epoch);
      for (int i = nData - 1; i > 0; i--) { // Fisher-Yates
        int j = r.nextInt(i + 1);
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      permEpoch = epoch;
    }
    return perm[(int) (pos % nData)];
  }

  /** The current state as a checkpoint value. */
  public Checkpoint checkpoint() {
    return net.checkpoint(config, log.stepsDone(), log.skippedSteps(), sampler.state(), log.losses());
  }

  /** Trains to {@code config.steps()} without checkpoints or progress, then returns the EMA model. */
  public NeuralDenoiser denoiserAfter() {
    while (log.stepsDone() < config.steps()) {
      trainStep();
    }
    return denoiser(true);
  }

  /** A sampler-ready model on the EMA weights (or the raw weights if {@code useEma} is false). */
  public NeuralDenoiser denoiser(boolean useEma) {
    return NeuralDenoiser.of(config, useEma ? net.emaWeights() : net.weights());
  }

  @Override
  public void close() {
    manager.close();
  }
}
