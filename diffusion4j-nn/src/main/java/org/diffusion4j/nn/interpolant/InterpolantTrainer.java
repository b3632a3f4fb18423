package org.diffusion4j.nn.interpolant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.Gamma;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.interpolant.coupling.Coupling;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.CheckpointException;
import org.diffusion4j.nn.train.RunLog;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.TrainableNet;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;
import org.diffusion4j.nn.net.Layers;

/**
 * Trains the velocity b and (optionally) the score, via the denoiser eta_z or directly, of a two-sided stochastic
 * interpolant x_t = alpha(t) x0 + beta(t) x1 + gamma(t) z between x0 ~ rho0 (N(0, I) or a data
 * set) and x1 ~ rho1 (a data set), with (x0, x1) drawn from a coupling (independent, paired or
 * exact minibatch OT, core {@link org.diffusion4j.interpolant.coupling.Couplings}).
 *
 * <p>Losses (Albergo, Boffi &amp; Vanden-Eijnden 2023, "Stochastic Interpolants"), with t
 * uniform on [m, 1 - m] (m = {@code timeMargin}):
 * <ul>
 *   <li>velocity, Eq. 2.13: L_b = E[|b(t, x_t)|^2 - 2 b(t, x_t) . (alpha' x0 + beta' x1 + gamma' z)],</li>
 *   <li>denoiser ({@code scoreObjective = "denoiser"}, the default), Eq. 2.17 / 2.19:
 *       L_eta = E[|eta(t, x_t)|^2 - 2 eta(t, x_t) . z], whose minimiser is E[z | x_t] and gives the
 *       score s = -eta / gamma (Eq. 2.12). For gamma = 0 with a Gaussian source and independent
 *       coupling the Gaussian part is x0 instead: eta = E[x0 | x_t] and s = -eta / alpha (Tweedie's
 *       formula).</li>
 *   <li>score ({@code scoreObjective = "score"}), the paper's score loss (stated in full here):
 *       L_s = E[|s(t, x_t)|^2 + 2 gamma^{-1} s(t, x_t) . z], the same quadratic loss with target
 *       y = -z / gamma (-x0 / alpha when gamma = 0). Its minimiser is the score: given (x0, x1), x_t is Gaussian with mean
 *       alpha x0 + beta x1 and covariance gamma^2 I, so -z / gamma = grad log rho(x_t | x0, x1), and
 *       the minimiser of E|s - y|^2 (which differs from L_s by the constant E|y|^2) is
 *       E[y | x_t] = E[grad log rho(x_t | x0, x1) | x_t] = grad log rho_t(x_t).</li>
 * </ul>
 * All are quadratic losses whose minimum equals minus the target's conditional second moment,
 * so they can be negative.
 *
 * <p>Why the denoiser is the default: both give the same score at the optimum, but L_s's target
 * -z / gamma has variance d / gamma^2, which blows up at the end points where gamma -> 0 (the paper
 * makes this point for L_s and recommends eta_z); L_eta's target z has variance d at every
 * t and the division by gamma happens only at evaluation. Training times t ~ U[m, 1 - m] keep
 * L_s finite (the score objective therefore requires m &gt; 0), but its gradient noise is still
 * dominated by the t near m and 1 - m (docs/interpolants-neural.md compares the two).
 *
 * <p>Each field is a {@link org.diffusion4j.nn.net.TimeMlp} fed c = t; optimiser, clipping, schedule and EMA follow the {@link TrainConfig} (as the nn Trainer).
 *
 * <p>Determinism: the batch of step k (data rows, Gaussian draws, times, noise) comes from
 * {@code Rng.of(seed).stream(1, k).stream(i)} per row and the coupling's seed from
 * {@code stream(3, k)}, so a run is reproducible and a resumed run continues identically.
 */
public final class InterpolantTrainer implements AutoCloseable {
  /** The run's config file (see {@link org.diffusion4j.nn.run.TrainedRun} for the whole layout). */
  public static final String CONFIG_FILE = "interpolant.json";
  /** Checkpoint folder of the velocity network. */
  public static final String VELOCITY_DIR = "velocity";
  /** Checkpoint folder of the denoiser / score network. */
  public static final String DENOISER_DIR = "denoiser";
  /** The commit point of a run's checkpoints: names the step whose velocity and denoiser checkpoints belong together. */
  public static final String LATEST_FILE = "LATEST";

  private final InterpolantTrainConfig config;
  private final TrainConfig train;
  private final Interpolant interpolant;
  private final Coupling coupling;
  private final Dataset source;
  private final Dataset target;
  private final NDManager manager;
  private final TrainableNet velocity;
  private final TrainableNet denoiser;
  private final RunLog log;
  private Checkpoint.WriteHook writeHook = Checkpoint.WriteHook.NONE;

  private InterpolantTrainer(InterpolantTrainConfig config, Dataset source, Dataset target, Checkpoint vFrom,
      Checkpoint eFrom) {
    this.config = config;
    this.train = config.train();
    int d = train.network().dim();
    if (target.dim() != d) {
      throw new IllegalArgumentException("target has dimension " + target.dim() + " but the network expects " + d);
    }
    if (config.gaussianSource() != (source == null)) {
      throw new IllegalArgumentException(config.gaussianSource() ? "source is gaussian: pass no source data set"
          : "source " + config.source() + " needs a data set");
    }
    if (source != null && source.dim() != d) {
      throw new IllegalArgumentException("source has dimension " + source.dim() + " but the target has " + d);
    }
    if (config.coupling().equals("paired") && source.n() != target.n()) {
      throw new IllegalArgumentException("paired coupling needs as many source rows as target rows, got "
          + source.n() + " and " + target.n());
    }
    this.interpolant = config.interpolantObject();
    this.coupling = config.couplingObject();
    this.source = source;
    this.target = target;
    this.manager = DjlRuntime.newManager();
    this.velocity = new TrainableNet(manager, train, vFrom);
    this.denoiser = config.learnScore() ? new TrainableNet(manager, train, eFrom) : null;
    this.log = RunLog.of(vFrom);
  }

  /** A fresh run; {@code source} is null for a Gaussian source. */
  public static InterpolantTrainer create(InterpolantTrainConfig config, Dataset source, Dataset target) {
    return new InterpolantTrainer(config, source, target, null, null);
  }

  /**
   * Resumes the run in {@code runDir} with a new step budget (its stored configuration otherwise).
   *
   * @throws CheckpointException if the checkpoints are missing or disagree
   */
  public static InterpolantTrainer resume(Path runDir, Dataset source, Dataset target, long steps) throws IOException {
    InterpolantTrainConfig stored = readConfig(runDir);
    Pair pair = latestPair(runDir, stored.learnScore());
    InterpolantTrainConfig cfg = stored.withTrain(stored.train().withSteps(steps));
    return new InterpolantTrainer(cfg, source, target, pair.velocity(), pair.denoiser());
  }

  /** The velocity checkpoint and the denoiser checkpoint (null without a score) of one step. */
  public record Pair(Checkpoint velocity, Checkpoint denoiser) {}

  /**
   * The newest consistent pair of an interpolant run: the step that {@code RUN/LATEST} (the
   * commit point) names if both of its checkpoints read back, else the newest step whose velocity
   * and denoiser checkpoints both read back (runs written before the commit point existed, or a
   * damaged newest pair).
   *
   * @throws CheckpointException if no step has a complete pair
   */
  public static Pair latestPair(Path runDir, boolean learnScore) throws IOException {
    Path commit = runDir.resolve(LATEST_FILE);
    List<String> tried = new java.util.ArrayList<>();
    if (Files.isRegularFile(commit) && Files.size(commit) < 64) {
      String name = Files.readString(commit).trim();
      if (name.matches("step-\\d{9}")) {
        Pair p = readPair(runDir, name, learnScore, tried);
        if (p != null) {
          return p;
        }
      }
    }
    for (Path dir : Checkpoint.stepDirectories(runDir.resolve(VELOCITY_DIR))) {
      Pair p = readPair(runDir, dir.getFileName().toString(), learnScore, tried);
      if (p != null) {
        return p;
      }
    }
    throw new CheckpointException("no consistent velocity" + (learnScore ? " + denoiser" : "") + " checkpoint pair in "
        + runDir + (tried.isEmpty() ? " (no checkpoints)" : ": " + tried.get(0)));
  }

  private static Pair readPair(Path runDir, String name, boolean learnScore, List<String> problems) throws IOException {
    try {
      Checkpoint v = Checkpoint.read(Checkpoint.folder(runDir.resolve(VELOCITY_DIR)).resolve(name));
      Checkpoint e = learnScore ? Checkpoint.read(Checkpoint.folder(runDir.resolve(DENOISER_DIR)).resolve(name)) : null;
      if (e != null && e.step() != v.step()) {
        throw new CheckpointException("velocity and denoiser checkpoints " + name + " are at different steps "
            + v.step() + " and " + e.step());
      }
      return new Pair(v, e);
    } catch (CheckpointException ex) {
      problems.add(ex.getMessage());
      return null;
    }
  }

  /** Reads {@code interpolant.json} of a run. */
  public static InterpolantTrainConfig readConfig(Path runDir) throws IOException {
    Path f = runDir.resolve(CONFIG_FILE);
    if (!Files.exists(f)) {
      throw new CheckpointException(runDir + " is not an interpolant run: " + CONFIG_FILE + " is missing");
    }
    return InterpolantTrainConfig.fromJson(Files.readString(f));
  }

  public InterpolantTrainConfig config() {
    return config;
  }

  public long stepsDone() {
    return log.stepsDone();
  }

  public long skippedSteps() {
    return log.skippedSteps();
  }

  /** Loss (L_b + L_eta, or L_b + L_s) of every completed step, NaN where skipped. */
  public float[] losses() {
    return log.losses();
  }

  /** Mean loss of the last {@code k} finite steps. */
  public double recentLoss(int k) {
    return log.recentLoss(k);
  }

  /** Trains to the step budget, checkpointing into {@code runDir} (if not null) on the config's cadence and at the end. */
  public void train(Path runDir, ProgressListener progress) throws IOException {
    log.train(train.steps(), train.checkpointEvery(), runDir != null, new RunLog.Steps() {
      @Override
      public void step() {
        trainStep();
      }

      @Override
      public void checkpoint() throws IOException {
        writeCheckpoint(runDir);
      }
    }, progress);
  }

  /**
   * Writes interpolant.json, the velocity (and denoiser) checkpoints of the current state, and
   * last the commit point {@code RUN/LATEST} naming the step: a crash anywhere before that leaves
   * the previous pair committed ({@link #latestPair}). Each folder keeps at least two checkpoints,
   * so the committed pair survives the pruning of the next one.
   */
  public void writeCheckpoint(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    writeHook.beforeFile(CONFIG_FILE);
    AtomicFiles.writeString(runDir.resolve(CONFIG_FILE), config.toJson());
    int keep = Math.max(2, train.keepCheckpoints());
    checkpoint(velocity).write(runDir.resolve(VELOCITY_DIR), keep, f -> writeHook.beforeFile(VELOCITY_DIR + "/" + f));
    if (denoiser != null) {
      checkpoint(denoiser).write(runDir.resolve(DENOISER_DIR), keep, f -> writeHook.beforeFile(DENOISER_DIR + "/" + f));
    }
    writeHook.beforeFile(LATEST_FILE);
    AtomicFiles.writeString(runDir.resolve(LATEST_FILE), Checkpoint.stepName(log.stepsDone()) + "\n");
  }

  /** Sets the hook called before each file of a checkpoint is written (tests inject crashes there). */
  public InterpolantTrainer writeHook(Checkpoint.WriteHook hook) {
    this.writeHook = java.util.Objects.requireNonNull(hook, "hook");
    return this;
  }

  private Checkpoint checkpoint(TrainableNet f) {
    return f.checkpoint(train, log.stepsDone(), log.skippedSteps(), new double[0], log.losses());
  }

  /** Trains to the step budget without checkpoints, then returns the EMA model. */
  public LearnedInterpolant modelAfter() {
    while (log.stepsDone() < train.steps()) {
      trainStep();
    }
    return model(true);
  }

  /** The current model on the EMA (or raw) weights. */
  public LearnedInterpolant model(boolean useEma) {
    float[][] v = useEma ? velocity.emaWeights() : velocity.weights();
    float[][] e = denoiser == null ? null : useEma ? denoiser.emaWeights() : denoiser.weights();
    return LearnedInterpolant.of(config, v, e);
  }

  /**
   * The batch of step k: inputs x_t, times, velocity targets and targets of the score network (n x
   * d each, float): the latent (z, or x0 when gamma = 0) for the denoiser, -latent / gamma (or
   * / alpha) for the score.
   */
  private record StepBatch(float[] xt, float[] t, float[] bTarget, float[] scoreTarget) {}

  StepBatch batch(long k) {
    int n = train.batch();
    int d = target.dim();
    Rng stepRng = Rng.of(train.seed()).stream(1, k);
    Batch x0 = new Batch(n, d);
    Batch x1 = new Batch(n, d);
    Rng[] rows = new Rng[n];
    boolean paired = config.coupling().equals("paired");
    for (int i = 0; i < n; i++) {
      rows[i] = stepRng.stream(i);
      int j1 = rows[i].nextInt(target.n());
      System.arraycopy(target.data().data(), j1 * d, x1.data(), i * d, d);
      if (source == null) {
        rows[i].fillGaussian(x0.data(), i * d, d);
      } else {
        int j0 = paired ? j1 : rows[i].nextInt(source.n());
        System.arraycopy(source.data().data(), j0 * d, x0.data(), i * d, d);
      }
    }
    Coupling.Pair pair = coupling.couple(x0, x1, Rng.of(train.seed()).stream(3, k).nextLong());
    double[] a0 = pair.x0().data();
    double[] a1 = pair.x1().data();
    boolean latentIsZ = !(interpolant.gamma() instanceof Gamma.Zero);
    boolean direct = config.learnsScoreDirectly();
    double lo = config.timeMargin();
    float[] xt = new float[n * d];
    float[] ts = new float[n];
    float[] bt = new float[n * d];
    float[] lat = new float[n * d];
    double[] z = new double[d];
    for (int i = 0; i < n; i++) {
      double t = lo + (1 - 2 * lo) * rows[i].nextDouble();
      ts[i] = (float) t;
      rows[i].fillGaussian(z, 0, d);
      double al = interpolant.alpha(t);
      double be = interpolant.beta(t);
      double ga = interpolant.gamma(t);
      double ad = interpolant.alphaDot(t);
      double bd = interpolant.betaDot(t);
      double gd = latentIsZ ? interpolant.gamma().gammaDot(t) : 0;
      for (int j = 0; j < d; j++) {
        int g = i * d + j;
        xt[g] = (float) (al * a0[g] + be * a1[g] + ga * z[j]);
        bt[g] = (float) (ad * a0[g] + bd * a1[g] + gd * z[j]);
        // The denoiser's line is the original one, so denoiser runs stay bitwise as before.
        lat[g] = direct ? (float) (-(latentIsZ ? z[j] : a0[g]) / (latentIsZ ? ga : al))
            : (float) (latentIsZ ? z[j] : a0[g]);
      }
    }
    return new StepBatch(xt, ts, bt, lat);
  }

  /** One optimiser step on L_b (+ L_eta or L_s); returns the loss, NaN if the guard skipped it. */
  public double trainStep() {
    final long k = log.stepsDone();
    final int n = train.batch();
    final int d = target.dim();
    StepBatch sb = batch(k);
    double lossValue;
    try (NDManager sm = manager.newSubManager()) {
      NDArray x = sm.create(sb.xt(), new Shape(n, d));
      NDArray c = sm.create(sb.t(), new Shape(n, 1));
      NDArray yb = sm.create(sb.bTarget(), new Shape(n, d));
      NDArray loss;
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        loss = quadratic(velocity.net().forward(velocity.params(), x, c, Condition.NONE), yb, n, d);
        if (denoiser != null) {
          NDArray yz = sm.create(sb.scoreTarget(), new Shape(n, d));
          loss = loss.add(quadratic(denoiser.net().forward(denoiser.params(), x, c, Condition.NONE), yz, n, d));
        }
        gc.backward(loss);
      }
      lossValue = loss.getFloat();
      List<TrainableNet> nets = denoiser == null ? List.of(velocity) : List.of(velocity, denoiser);
      NDArray[][] grads = new NDArray[nets.size()][];
      double[] norms = new double[nets.size()];
      boolean finite = Double.isFinite(lossValue);
      for (int q = 0; q < nets.size(); q++) {
        grads[q] = new NDArray[nets.get(q).params().size()];
        norms[q] = nets.get(q).gradients(sm, grads[q]);
        finite &= Double.isFinite(norms[q]);
      }
      if (!finite) {
        nets.forEach(TrainableNet::zeroGrads);
        log.skip(k, "interpolant training diverged: loss " + lossValue, "lower the learning rate or clip norm");
        lossValue = Double.NaN;
      } else {
        log.applied();
        for (int q = 0; q < nets.size(); q++) {
          nets.get(q).update(sm, grads[q], train, k, norms[q]);
          nets.get(q).zeroGrads();
        }
      }
    }
    log.record(k, lossValue);
    return lossValue;
  }

  /** (1 / (n d)) sum_i |f_i|^2 - 2 f_i . y_i: the quadratic interpolant loss (Eq. 2.13 / 2.17 and L_s). */
  private static NDArray quadratic(NDArray f, NDArray y, int n, int d) {
    return f.square().sub(f.mul(y).mul(Layers.scalar(f, 2))).sum().div(Layers.scalar(f, (double) n * d));
  }

  @Override
  public void close() {
    manager.close();
  }
}
