package org.diffusion4j.nn.control;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.diffusion4j.control.MazeExpert;
import org.diffusion4j.control.MazeLayout;
import org.diffusion4j.control.OfflineDataset;
import org.diffusion4j.control.PointMaze;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.ControlMlp;
import org.diffusion4j.nn.net.ControlMlpConfig;
import org.diffusion4j.nn.net.GruConfig;
import org.diffusion4j.nn.net.GruNet;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.SequenceNetConfig;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;

/**
 * Planning in the {@link PointMaze} from an offline maze dataset, three ways:
 * <ul>
 *   <li><b>Diffuser</b> (Janner et al. 2022; jannerm/diffuser, branch maze2d: config/maze2d.py,
 *       scripts/plan_maze2d.py): a {@link TrajectoryDiffusion} over windows of H (state, action)
 *       rows, trained with the window's first and last states fixed (GoalDataset); a plan fixes
 *       s_0 = the current state and s_{H-1} = (goal, 0 velocity) and runs all T denoising steps;</li>
 *   <li><b>Trajectory Diffuser</b> (RenMing-Huang/TrajectoryDiffuser policy.py): a GRU
 *       ({@link GruNet}) proposes the window autoregressively, x_{l+1} = x_l + f(x_l, goal), and
 *       the same diffusion model refines it with {@code refineLevel} steps from an intermediate
 *       noise level ({@link TrajectoryDiffusion#denoise});</li>
 *   <li><b>behaviour cloning</b>: a ReLU MLP a = pi(s, goal) regressed on the expert's actions
 *       (goal-conditioned, so stronger than D4RL's BC), and BC_BLIND, a = pi(s), the goal-blind
 *       baseline of D4RL and of Diffuser's maze2d table.</li>
 * </ul>
 * Plans are made once per episode, as in Diffuser's plan_maze2d.py, and followed by a PD
 * tracker on the planned states: a = clip((KP (p_{t+1} - p) + KD (v_{t+1} - v)) / accel), the
 * goal with zero velocity after the plan's end. Windows are normalised per channel to [-1, 1]
 * (Diffuser's LimitsNormalizer). The run directory holds {@value #SPEC_FILE} and one checkpoint
 * folder per model (diffuser/, proposal/, bc/, bc-blind/).
 */
public final class MazePlanning {
  public static final String SPEC_FILE = "plan.json";
  static final int STATE = PointMaze.STATE_DIM;
  static final int CHANNELS = PointMaze.STATE_DIM + PointMaze.ACTION_DIM;
  /** GRU inputs per step: the row x_l, the goal (x, y) and the fraction of steps left, (H - 1 - l) / (H - 1). */
  static final int PROPOSAL_INPUTS = CHANNELS + 3;

  /** The planning methods compared by {@link #evaluate}. */
  public enum Method { DIFFUSER, GUIDED_DIFFUSER, TRAJECTORY_DIFFUSER, BC, BC_BLIND, EXPERT }

  /** The models a run trains, each in its own folder. */
  public static final java.util.List<String> MODELS = java.util.List.of("diffuser", "proposal", "bc", "bc-blind");

  /** Guidance scale of GUIDED_DIFFUSER (a step of the goal-progress return per level). */
  public static final double GUIDE_SCALE = 0.01;

  /**
   * Architecture and planning constants of a run.
   *
   * @param maze layout name
   * @param horizon window length H
   * @param diffusionSteps T
   * @param width SequenceNet width
   * @param depth SequenceNet depth
   * @param refineLevel Trajectory Diffuser's refinement level k (k denoising steps)
   * @param gruHidden hidden size of the proposal GRU
   * @param bcWidth hidden width of the BC MLP
   * @param normalizer the per-channel limits of (x, y, vx, vy, ax, ay)
   */
  public record Spec(String maze, int horizon, int diffusionSteps, int width, int depth, int refineLevel,
      int gruHidden, int bcWidth, LimitsNormalizer normalizer) {
    public Spec {
      MazeLayout.named(maze);
      if (horizon < 2 || diffusionSteps < 1 || refineLevel < 1 || refineLevel > diffusionSteps) {
        throw new IllegalArgumentException("need horizon >= 2, diffusion steps >= 1 and refine level in [1, steps], got "
            + horizon + ", " + diffusionSteps + ", " + refineLevel);
      }
    }

    SequenceNetConfig diffuserNet(long seed) {
      return new SequenceNetConfig(horizon, CHANNELS, SequenceNetConfig.Backbone.DILATED_CONV, width, depth, 1, 2,
          false, 0, 0, 0, seed);
    }

    GruConfig proposalNet(long seed) {
      return new GruConfig(horizon - 1, CHANNELS, PROPOSAL_INPUTS, gruHidden, 0, seed);
    }

    ControlMlpConfig bcNet(long seed, boolean goal) {
      return new ControlMlpConfig(goal ? STATE + 2 : STATE, PointMaze.ACTION_DIM, bcWidth, 2, 0, seed);
    }
  }

  /** Step budgets and optimiser settings. */
  public record TrainOptions(long diffuserSteps, long proposalSteps, long bcSteps, int batch, double lr, long seed,
      Duration timeLimitEach) {
    public TrainOptions {
      if (diffuserSteps < 1 || proposalSteps < 1 || bcSteps < 1 || batch < 1 || !(lr > 0)) {
        throw new IllegalArgumentException("steps and batch must be >= 1 and lr > 0");
      }
    }
  }

  private MazePlanning() {}

  /** The default spec for a dataset: H 64, T 64 (Diffuser's umaze T), width 32, depth 6, k = 5. */
  public static Spec defaultSpec(OfflineDataset data) {
    String maze = data.env().replace("maze2d-", "");
    return new Spec(maze, 64, 64, 32, 6, 5, 64, 128, normalizer(data));
  }

  static LimitsNormalizer normalizer(OfflineDataset data) {
    requireMaze(data);
    int n = data.size();
    double[] rows = new double[n * CHANNELS];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data.observations(), i * STATE, rows, i * CHANNELS, STATE);
      System.arraycopy(data.actions(), i * 2, rows, i * CHANNELS + STATE, 2);
    }
    return LimitsNormalizer.fit(rows, CHANNELS);
  }

  private static void requireMaze(OfflineDataset data) {
    if (data.stateDim() != STATE || data.actionDim() != PointMaze.ACTION_DIM || data.goalDim() != 2) {
      throw new IllegalArgumentException("maze planning needs states of dimension 4, actions of dimension 2 and goals"
          + " of dimension 2; the dataset has " + data.stateDim() + ", " + data.actionDim() + ", " + data.goalDim());
    }
  }

  /** Normalised window starting at row {@code start}: H rows of (state, action). */
  static void window(OfflineDataset data, LimitsNormalizer nz, int start, int h, double[] out, int off) {
    for (int l = 0; l < h; l++) {
      int row = start + l;
      for (int c = 0; c < CHANNELS; c++) {
        double v = c < STATE ? data.observations()[row * STATE + c] : data.actions()[row * 2 + c - STATE];
        out[off + l * CHANNELS + c] = nz.normalize(v, c);
      }
    }
  }

  /** {@code b} normalised windows from random rows of {@code starts}. */
  static double[] windows(OfflineDataset data, LimitsNormalizer nz, int[] starts, int h, int b, Rng rng) {
    double[] x0 = new double[b * h * CHANNELS];
    for (int r = 0; r < b; r++) {
      window(data, nz, starts[rng.nextInt(starts.length)], h, x0, r * h * CHANNELS);
    }
    return x0;
  }

  /** The fixed entries of a plan: the states at row 0 and row H-1 (GoalDataset's conditions). */
  static TrajectoryDiffusion.Inpainting endpoints(double[] x, int n, int h) {
    double[] mask = new double[x.length];
    int d = h * CHANNELS;
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < STATE; c++) {
        mask[r * d + c] = 1;
        mask[r * d + (h - 1) * CHANNELS + c] = 1;
      }
    }
    return new TrajectoryDiffusion.Inpainting(x.clone(), mask);
  }

  /**
   * Trains the named {@link #MODELS} on {@code data} into {@code runDir} (the spec is written
   * when the diffuser is trained, and must already be there otherwise); returns each trained
   * model's mean loss over its last 50 steps, in {@link #MODELS} order (NaN if not trained).
   */
  public static double[] train(OfflineDataset data, Spec spec, TrainOptions o, Path runDir, ProgressListener progress,
      java.util.Set<String> models) throws IOException {
    requireMaze(data);
    for (String m : models) {
      if (!MODELS.contains(m)) {
        throw new IllegalArgumentException("unknown planning model '" + m + "'; expected one of " + MODELS);
      }
    }
    int h = spec.horizon();
    int[] starts = data.windowStarts(h);
    LimitsNormalizer nz = spec.normalizer();
    Files.createDirectories(runDir);
    if (models.contains("diffuser") || !Files.exists(runDir.resolve(SPEC_FILE))) {
      AtomicFiles.writeString(runDir.resolve(SPEC_FILE), JsonRecords.toJson(spec) + "\n");
    }
    DdpmSchedule schedule = DdpmSchedule.cosine(spec.diffusionSteps());
    int d = h * CHANNELS;
    int b = o.batch();
    double[] out = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    if (models.contains("diffuser")) {
      TrainConfig dc = ControlModels.config(spec.diffuserNet(o.seed()), data.env(), o.diffuserSteps(), b, o.lr(),
          o.seed());
      out[0] = tail(ControlModels.train(dc, (sm, net, k) -> {
        Rng rng = Rng.of(o.seed()).stream(1, k);
        double[] x0 = windows(data, nz, starts, h, b, rng);
        return TrajectoryDiffusion.loss(sm, net.net(), net.params(), schedule, false, x0, endpoints(x0, b, h), rng);
      }, runDir.resolve("diffuser"), progress, o.timeLimitEach()));
    }
    if (models.contains("proposal")) {
      TrainConfig pc = ControlModels.config(spec.proposalNet(o.seed()), data.env(), o.proposalSteps(), b, o.lr() * 5,
          o.seed());
      out[1] = tail(ControlModels.train(pc, (sm, net, k) -> {
        Rng rng = Rng.of(o.seed()).stream(2, k);
        double[] x0 = windows(data, nz, starts, h, b, rng);
        return proposalLoss(sm, net.net(), net.params(), x0, b, h);
      }, runDir.resolve("proposal"), progress, o.timeLimitEach()));
    }
    for (boolean goal : new boolean[] {true, false}) {
      String name = goal ? "bc" : "bc-blind";
      if (!models.contains(name)) {
        continue;
      }
      int in = goal ? STATE + 2 : STATE;
      TrainConfig bcc = ControlModels.config(spec.bcNet(o.seed(), goal), data.env(), o.bcSteps(), b, o.lr() * 5,
          o.seed());
      out[goal ? 2 : 3] = tail(ControlModels.train(bcc, (sm, net, k) -> {
        Rng rng = Rng.of(o.seed()).stream(3, k);
        float[] x = new float[b * in];
        float[] target = new float[b * 2];
        for (int r = 0; r < b; r++) {
          int row = rng.nextInt(data.size());
          bcInput(nz, data.observations(), row * STATE, goal ? data.goals() : null, row * 2, x, r);
          target[r * 2] = (float) nz.normalize(data.actions()[row * 2], STATE);
          target[r * 2 + 1] = (float) nz.normalize(data.actions()[row * 2 + 1], STATE + 1);
        }
        NDArray y = net.net().forward(net.params(), sm.zeros(new Shape(b, 2)), sm.zeros(new Shape(b, 1)),
            Condition.NONE.withContext(sm.create(x, new Shape(b, in))));
        return y.sub(sm.create(target, new Shape(b, 2))).square().mean();
      }, runDir.resolve(name), progress, o.timeLimitEach()));
    }
    return out;
  }

  private static double tail(float[] l) {
    double s = 0;
    int k = Math.min(50, l.length);
    for (int i = l.length - k; i < l.length; i++) {
      s += l[i];
    }
    return s / k;
  }

  /** Row r of the BC input: the normalised state at {@code states[off..]}, then the goal at {@code goals[goalOff..]} unless goals is null. */
  static void bcInput(LimitsNormalizer nz, double[] states, int off, double[] goals, int goalOff, float[] in, int r) {
    int width = goals == null ? STATE : STATE + 2;
    for (int c = 0; c < STATE; c++) {
      in[r * width + c] = (float) nz.normalize(states[off + c], c);
    }
    if (goals != null) {
      in[r * width + STATE] = (float) nz.normalize(goals[goalOff], 0);
      in[r * width + STATE + 1] = (float) nz.normalize(goals[goalOff + 1], 1);
    }
  }

  /**
   * Teacher-forced next-row loss of the GRU: inputs (x_l, goal xy = x_{H-1} xy, steps left),
   * targets x_{l+1} - x_l.
   */
  static NDArray proposalLoss(NDManager sm, org.diffusion4j.nn.net.Network net, ParamSet params, double[] x0, int n,
      int h) {
    int in = PROPOSAL_INPUTS;
    float[] ctx = new float[n * (h - 1) * in];
    float[] target = new float[n * (h - 1) * CHANNELS];
    int d = h * CHANNELS;
    for (int r = 0; r < n; r++) {
      double gx = x0[r * d + (h - 1) * CHANNELS];
      double gy = x0[r * d + (h - 1) * CHANNELS + 1];
      for (int l = 0; l < h - 1; l++) {
        int base = (r * (h - 1) + l);
        for (int c = 0; c < CHANNELS; c++) {
          ctx[base * in + c] = (float) x0[r * d + l * CHANNELS + c];
          target[base * CHANNELS + c] = (float) (x0[r * d + (l + 1) * CHANNELS + c] - x0[r * d + l * CHANNELS + c]);
        }
        ctx[base * in + CHANNELS] = (float) gx;
        ctx[base * in + CHANNELS + 1] = (float) gy;
        ctx[base * in + CHANNELS + 2] = (float) ((h - 1.0 - l) / (h - 1));
      }
    }
    NDArray out = net.forward(params, sm.zeros(new Shape(n, h - 1, CHANNELS)), sm.zeros(new Shape(n, 1)),
        Condition.NONE.withContext(sm.create(ctx, new Shape(n, h - 1, in))));
    return out.sub(sm.create(target, new Shape(n, h - 1, CHANNELS))).square().mean();
  }

  /** Reads a run's spec. */
  public static Spec readSpec(Path runDir) throws IOException {
    return ControlModels.readSpec(Spec.class, runDir, SPEC_FILE, "planning");
  }

  /** A loaded run: the planners over one environment. Holds native memory: close it. */
  public static final class Planner implements AutoCloseable {
    private Spec spec;
    private final PointMaze env;
    private final TrajectoryDiffusion diffusion;
    private final GruNet gru;
    private final float[][] gruWeights;
    private final NDManager manager;
    /** The goal-conditioned and the goal-blind BC networks with their weights (null if not trained). */
    private final ControlMlp[] bc = new ControlMlp[2];
    private final ParamSet[] bcParams = new ParamSet[2];

    public Planner(Path runDir) throws IOException {
      this.spec = readSpec(runDir);
      MazeLayout layout = MazeLayout.named(spec.maze());
      this.env = new PointMaze(layout);
      Checkpoint dc = ControlModels.read(runDir.resolve("diffuser"));
      double[] bound = new double[CHANNELS];
      java.util.Arrays.fill(bound, 1);
      this.diffusion = new TrajectoryDiffusion((SequenceNetConfig) dc.config().network(),
          DdpmSchedule.cosine(spec.diffusionSteps()), false, bound, dc.ema());
      Checkpoint pc = ControlModels.read(runDir.resolve("proposal"));
      this.gru = (GruNet) pc.config().network().build();
      this.gruWeights = pc.ema();
      this.manager = DjlRuntime.newManager();
      String[] names = {"bc", "bc-blind"};
      for (int i = 0; i < 2; i++) {
        if (Checkpoint.exists(runDir.resolve(names[i]))) {
          Checkpoint bcc = ControlModels.read(runDir.resolve(names[i]));
          bc[i] = (ControlMlp) bcc.config().network().build();
          bcParams[i] = ParamSet.of(manager, bc[i].specs(), bcc.ema(), false);
        }
      }
    }

    public Spec spec() {
      return spec;
    }

    /** Overrides Trajectory Diffuser's refinement level k for later plans. */
    public void setRefineLevel(int k) {
      spec = new Spec(spec.maze(), spec.horizon(), spec.diffusionSteps(), spec.width(), spec.depth(), k,
          spec.gruHidden(), spec.bcWidth(), spec.normalizer());
    }

    public PointMaze env() {
      return env;
    }

    public TrajectoryDiffusion diffusion() {
      return diffusion;
    }

    /** The normalised conditions of n plans: start states and goals with zero velocity. */
    TrajectoryDiffusion.Inpainting conditions(double[][] starts, double[][] goals) {
      int h = spec.horizon();
      int d = h * CHANNELS;
      double[] x = new double[starts.length * d];
      LimitsNormalizer nz = spec.normalizer();
      for (int r = 0; r < starts.length; r++) {
        for (int c = 0; c < STATE; c++) {
          x[r * d + c] = nz.normalize(starts[r][c], c);
          double end = c < 2 ? goals[r][c] : 0;
          x[r * d + (h - 1) * CHANNELS + c] = nz.normalize(end, c);
        }
      }
      return endpoints(x, starts.length, h);
    }

    /**
     * Plans for each (start, goal) pair with {@code method} (DIFFUSER or TRAJECTORY_DIFFUSER);
     * returns the unnormalised windows, (n, H, 6) flat, with the start state copied exactly.
     */
    public double[] plan(Method method, double[][] starts, double[][] goals, Rng rng) {
      int n = starts.length;
      TrajectoryDiffusion.Inpainting cond = conditions(starts, goals);
      double[] x = switch (method) {
        case DIFFUSER -> diffusion.sample(n, cond, rng);
        case GUIDED_DIFFUSER -> diffusion.denoise(null, n, spec.diffusionSteps(), cond, goalProgress(cond),
            GUIDE_SCALE, rng);
        case TRAJECTORY_DIFFUSER -> diffusion.denoise(propose(cond, n), n, spec.refineLevel(), cond, rng);
        default -> throw new IllegalArgumentException("method " + method + " does not plan trajectories");
      };
      int h = spec.horizon();
      double[] out = new double[x.length];
      LimitsNormalizer nz = spec.normalizer();
      for (int j = 0; j < x.length; j++) {
        out[j] = nz.unnormalize(x[j], j % CHANNELS);
      }
      for (int r = 0; r < n; r++) {
        System.arraycopy(starts[r], 0, out, r * h * CHANNELS, STATE);
      }
      return out;
    }

    /**
     * The return guide of GUIDED_DIFFUSER: J = -sum_l ||p_l - g||^2 over the planned positions
     * (normalised units), a dense stand-in for the sparse goal reward; Diffuser learns a value
     * function instead (ValueFunction), which is not done here.
     */
    TrajectoryDiffusion.Guide goalProgress(TrajectoryDiffusion.Inpainting cond) {
      int h = spec.horizon();
      int d = h * CHANNELS;
      return (x, n, grad) -> {
        for (int r = 0; r < n; r++) {
          double gx = cond.values()[r * d + (h - 1) * CHANNELS];
          double gy = cond.values()[r * d + (h - 1) * CHANNELS + 1];
          for (int l = 0; l < h; l++) {
            int k = r * d + l * CHANNELS;
            grad[k] = -2 * (x[k] - gx);
            grad[k + 1] = -2 * (x[k + 1] - gy);
          }
        }
      };
    }

    /** The GRU's autoregressive proposal (normalised) from the conditions' start rows towards their goals. */
    double[] propose(TrajectoryDiffusion.Inpainting cond, int n) {
      int h = spec.horizon();
      int d = h * CHANNELS;
      double[] x = new double[n * d];
      double[] u = new double[PROPOSAL_INPUTS];
      for (int r = 0; r < n; r++) {
        double[] row = new double[CHANNELS];
        System.arraycopy(cond.values(), r * d, row, 0, STATE); // actions of row 0 start at 0 (mid-range)
        u[CHANNELS] = cond.values()[r * d + (h - 1) * CHANNELS];
        u[CHANNELS + 1] = cond.values()[r * d + (h - 1) * CHANNELS + 1];
        double[] hidden = new double[spec.gruHidden()];
        System.arraycopy(row, 0, x, r * d, CHANNELS);
        for (int l = 0; l < h - 1; l++) {
          System.arraycopy(row, 0, u, 0, CHANNELS);
          u[CHANNELS + 2] = (h - 1.0 - l) / (h - 1);
          hidden = gru.step(gruWeights, u, hidden);
          double[] delta = gru.readout(gruWeights, hidden);
          for (int c = 0; c < CHANNELS; c++) {
            row[c] = Math.max(-1, Math.min(1, row[c] + delta[c]));
          }
          System.arraycopy(row, 0, x, r * d + (l + 1) * CHANNELS, CHANNELS);
        }
      }
      return x;
    }

    /** The BC policy's actions (goal-conditioned, or goal-blind when {@code goals} is null). */
    double[][] bcActions(double[][] states, double[][] goals) {
      int n = states.length;
      int i = goals == null ? 1 : 0;
      if (bc[i] == null) {
        throw new IllegalArgumentException("this run has no " + (i == 0 ? "bc" : "bc-blind") + " model; train it with"
            + " --models");
      }
      int width = goals == null ? STATE : STATE + 2;
      float[] in = new float[n * width];
      for (int r = 0; r < n; r++) {
        bcInput(spec.normalizer(), states[r], 0, goals == null ? null : goals[r], 0, in, r);
      }
      float[] out;
      try (NDManager sm = manager.newSubManager()) {
        out = bc[i].forward(bcParams[i], sm.zeros(new Shape(n, 2)), sm.zeros(new Shape(n, 1)),
            Condition.NONE.withContext(sm.create(in, new Shape(n, width)))).toFloatArray();
      }
      double[][] a = new double[n][2];
      for (int r = 0; r < n; r++) {
        a[r][0] = spec.normalizer().unnormalize(out[r * 2], STATE);
        a[r][1] = spec.normalizer().unnormalize(out[r * 2 + 1], STATE + 1);
      }
      return a;
    }

    /** PD tracking of the plan's row t+1 (the goal at rest after the plan's end). */
    double[] track(double[] plan, int r, int t, double[] s, double[] goal) {
      int h = spec.horizon();
      double[] w = new double[4];
      if (t + 1 < h) {
        System.arraycopy(plan, (r * h + t + 1) * CHANNELS, w, 0, 4);
      } else {
        w[0] = goal[0];
        w[1] = goal[1];
      }
      double accel = env.params().accel();
      return new double[] {clip((MazeExpert.KP * (w[0] - s[0]) + MazeExpert.KD * (w[2] - s[2])) / accel),
          clip((MazeExpert.KP * (w[1] - s[1]) + MazeExpert.KD * (w[3] - s[3])) / accel)};
    }

    @Override
    public void close() {
      diffusion.close();
      manager.close();
    }
  }

  static double clip(double v) {
    return Math.max(-1, Math.min(1, v));
  }

  /**
   * Evaluation over seeded episodes.
   *
   * @param success fraction of episodes that reached the goal region
   * @param meanReturn mean sparse return
   * @param normalisedReturn 100 (R - R_random) / (R_expert - R_random), D4RL's normalisation with
   *     the noiseless scripted expert and the uniform random policy on the same episodes
   * @param msPerPlan mean wall time of one plan made alone (batch 1), in milliseconds
   * @param plans the (n, H, 6) plans made in the batched evaluation (null for BC and the expert)
   */
  public record Result(Method method, int episodes, double success, double meanReturn, double normalisedReturn,
      double msPerPlan, double[] plans, double[][] paths) {}

  /** Runs {@code episodes} episodes (start and goal from stream e of {@code seed}) with {@code method}. */
  public static Result evaluate(Planner p, Method method, int episodes, long seed, int timedPlans) {
    if (episodes < 1) {
      throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
    }
    PointMaze env = p.env();
    MazeLayout layout = env.layout();
    double[][] starts = new double[episodes][];
    double[][] goals = new double[episodes][];
    for (int e = 0; e < episodes; e++) {
      double[][] sg = PointMaze.randomStartGoal(layout, Rng.of(seed).stream(e));
      starts[e] = sg[0];
      goals[e] = sg[1];
    }
    double ms = Double.NaN;
    boolean planning = method == Method.DIFFUSER || method == Method.GUIDED_DIFFUSER
        || method == Method.TRAJECTORY_DIFFUSER;
    if (planning && timedPlans > 0) {
      p.plan(method, new double[][] {starts[0]}, new double[][] {goals[0]}, Rng.of(seed).stream(-2)); // warm-up
      long t0 = System.nanoTime();
      for (int i = 0; i < timedPlans; i++) {
        int e = i % episodes;
        p.plan(method, new double[][] {starts[e]}, new double[][] {goals[e]}, Rng.of(seed).stream(-3, i));
      }
      ms = (System.nanoTime() - t0) / 1e6 / timedPlans;
    }
    double[] plans = planning ? p.plan(method, starts, goals, Rng.of(seed).stream(-1)) : null;
    double[][] paths = new double[episodes][];
    double[] returns = rollouts(p, method, starts, goals, plans, paths, null);
    double[] expert = rollouts(p, Method.EXPERT, starts, goals, null, null, null);
    double[] random = rollouts(p, null, starts, goals, null, null, Rng.of(seed).stream(-4));
    double succ = 0;
    double r = 0;
    double re = 0;
    double rr = 0;
    for (int e = 0; e < episodes; e++) {
      succ += returns[e] > 0 ? 1 : 0;
      r += returns[e];
      re += expert[e];
      rr += random[e];
    }
    double norm = re == rr ? Double.NaN : 100 * (r - rr) / (re - rr);
    return new Result(method, episodes, succ / episodes, r / episodes, norm, ms, plans, paths);
  }

  /**
   * Milliseconds per plan (batch 1) of Diffuser and Trajectory Diffuser measured in alternation
   * over {@code reps} start/goal pairs, so that a changing machine load hits both alike; returns
   * {diffuser ms, trajectory diffuser ms}.
   */
  public static double[] interleavedPlanTimes(Planner p, int reps, long seed) {
    if (reps < 1) {
      throw new IllegalArgumentException("timing repetitions must be >= 1, got " + reps);
    }
    long[] total = new long[2];
    Method[] methods = {Method.DIFFUSER, Method.TRAJECTORY_DIFFUSER};
    for (int i = -1; i < reps; i++) { // i = -1 warms up
      double[][] sg = PointMaze.randomStartGoal(p.env().layout(), Rng.of(seed).stream(i + 1));
      for (int m = 0; m < 2; m++) {
        long t0 = System.nanoTime();
        p.plan(methods[m], new double[][] {sg[0]}, new double[][] {sg[1]}, Rng.of(seed).stream(-5, i + 1));
        if (i >= 0) {
          total[m] += System.nanoTime() - t0;
        }
      }
    }
    return new double[] {total[0] / 1e6 / reps, total[1] / 1e6 / reps};
  }

  /** Returns per episode; method null is the uniform random policy (drawing from {@code rng}). */
  private static double[] rollouts(Planner p, Method method, double[][] starts, double[][] goals, double[] plans,
      double[][] paths, Rng rng) {
    int n = starts.length;
    PointMaze[] envs = new PointMaze[n];
    double[] ret = new double[n];
    MazeExpert expert = new MazeExpert(p.env(), 0);
    for (int e = 0; e < n; e++) {
      envs[e] = new PointMaze(p.env().layout(), p.env().params());
      envs[e].reset(starts[e], goals[e]);
      if (paths != null) {
        paths[e] = new double[(p.env().params().maxSteps() + 1) * 2];
        paths[e][0] = starts[e][0];
        paths[e][1] = starts[e][1];
      }
    }
    int steps = p.env().params().maxSteps();
    for (int t = 0; t < steps; t++) {
      double[][] states = new double[n][];
      for (int e = 0; e < n; e++) {
        states[e] = envs[e].state();
      }
      double[][] bcA = method == Method.BC ? p.bcActions(states, goals)
          : method == Method.BC_BLIND ? p.bcActions(states, null) : null;
      for (int e = 0; e < n; e++) {
        double[] a;
        if (method == null) {
          a = new double[] {2 * rng.nextDouble() - 1, 2 * rng.nextDouble() - 1};
        } else {
          a = switch (method) {
            case EXPERT -> expert.act(states[e], goals[e], null);
            case BC, BC_BLIND -> bcA[e];
            default -> p.track(plans, e, t, states[e], goals[e]);
          };
        }
        ret[e] += envs[e].step(a);
        if (paths != null) {
          paths[e][2 * (t + 1)] = envs[e].state()[0];
          paths[e][2 * (t + 1) + 1] = envs[e].state()[1];
        }
      }
    }
    return ret;
  }
}
