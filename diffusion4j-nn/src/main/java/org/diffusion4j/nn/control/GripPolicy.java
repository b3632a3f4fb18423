package org.diffusion4j.nn.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.diffusion4j.control.GripExpert;
import org.diffusion4j.control.GripTask;
import org.diffusion4j.control.OfflineDataset;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.net.SequenceNetConfig;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;

/**
 * A diffusion policy over action chunks for the {@link GripTask} (Chi et al. 2023, "Diffusion
 * Policy"), and the real-time-iteration warm start of RTI-DP (Duan, Yin &amp; Kragic 2025,
 * "Real-Time Iteration Scheme for Diffusion Policy").
 *
 * <p>The model is a {@link TrajectoryDiffusion} over chunks of P rows (observation, action),
 * 7 + 3 channels, trained by imitation on expert windows (rows past an episode's end repeat its
 * last row, as Diffusion Policy's sequence sampler pads); the current observation (row 0's state
 * channels) is fed to the network as its observation condition and kept fixed by inpainting. At
 * each control step the policy denoises a chunk and executes its first action; the grip command
 * is "close" when the chunk's grip value is positive.
 *
 * <p>Inference schemes ({@link Scheme}): FULL, all T ancestral steps from noise at every control
 * step; DDIM, deterministic DDIM with the same number of evaluations as RTI; RTI, RTI-DP's warm
 * start: the previous chunk shifted by one row (its last row repeated) is diffused to level k and
 * denoised with k steps ({@link TrajectoryDiffusion#denoise}); the first control step of an
 * episode has no previous chunk and runs FULL. Level k = T is the prior, so RTI at k = T is FULL
 * exactly.
 *
 * <p>Discrete action: RTI-DP handles the gripper by scaling it. Here the normalised grip channel
 * is multiplied by {@link Spec#gripScale} (data at +-s, predictions clipped to [-s, s]); with
 * s &gt; 1 the two grip values sit further apart than the warm start's noise, so a settled grip
 * decision is not flipped by the re-noising, while the sign threshold is unchanged. The paper's
 * exact rule could not be read here (no access to its text or code); this is our reading of
 * "scaling-based handling of discrete actions", and s is a parameter to measure.
 */
public final class GripPolicy {
  public static final String SPEC_FILE = "policy.json";
  static final int OBS = GripTask.STATE_DIM;
  static final int ACT = GripTask.ACTION_DIM;
  static final int CHANNELS = OBS + ACT;
  static final int GRIP = OBS + ACT - 1;

  /** How each control step denoises its chunk. */
  public enum Scheme { FULL, DDIM, RTI }

  /**
   * @param chunk rows P per chunk
   * @param diffusionSteps T
   * @param width SequenceNet width
   * @param depth SequenceNet depth
   * @param gripScale the discrete channel's scale s (1 = plain normalisation)
   * @param normalizer limits of the 10 channels (with the grip scale applied)
   */
  public record Spec(int chunk, int diffusionSteps, int width, int depth, double gripScale, LimitsNormalizer normalizer) {
    public Spec {
      if (chunk < 1 || diffusionSteps < 1 || width < 2 || depth < 1 || !(gripScale > 0)) {
        throw new IllegalArgumentException("need chunk, steps, depth >= 1, width >= 2 and grip scale > 0, got " + chunk
            + ", " + diffusionSteps + ", " + depth + ", " + width + ", " + gripScale);
      }
    }

    SequenceNetConfig net(long seed) {
      return new SequenceNetConfig(chunk, CHANNELS, SequenceNetConfig.Backbone.DILATED_CONV, width, depth, 1, 2, false,
          0, 0, 2 * CHANNELS, seed);
    }

    double[] bounds() {
      double[] b = new double[CHANNELS];
      for (int c = 0; c < CHANNELS; c++) {
        b[c] = normalizer.scale()[c];
      }
      return b;
    }
  }

  private GripPolicy() {}

  /** Chunk 8, T 20, width 32, depth 4 and the given grip scale, limits fitted on {@code data}. */
  public static Spec defaultSpec(OfflineDataset data, double gripScale) {
    requireGrip(data);
    int n = data.size();
    double[] rows = new double[n * CHANNELS];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data.observations(), i * OBS, rows, i * CHANNELS, OBS);
      System.arraycopy(data.actions(), i * ACT, rows, i * CHANNELS + OBS, ACT);
    }
    LimitsNormalizer nz = LimitsNormalizer.fit(rows, CHANNELS).withScale(GRIP, gripScale);
    return new Spec(8, 20, 32, 4, gripScale, nz);
  }

  private static void requireGrip(OfflineDataset data) {
    if (data.stateDim() != OBS || data.actionDim() != ACT) {
      throw new IllegalArgumentException("the grip policy needs states of dimension " + OBS + " and actions of dimension "
          + ACT + "; the dataset has " + data.stateDim() + " and " + data.actionDim());
    }
  }

  /** Normalised padded window of P rows starting at row {@code start} of the episode ending at row {@code end}. */
  static void window(OfflineDataset data, LimitsNormalizer nz, int start, int end, int p, double[] out, int off) {
    for (int l = 0; l < p; l++) {
      int row = Math.min(start + l, end);
      for (int c = 0; c < CHANNELS; c++) {
        double v = c < OBS ? data.observations()[row * OBS + c] : data.actions()[row * ACT + c - OBS];
        out[off + l * CHANNELS + c] = nz.normalize(v, c);
      }
    }
  }

  /** The fixed entries: row 0's observation channels. */
  static TrajectoryDiffusion.Inpainting observation(double[] x, int n, int p) {
    double[] mask = new double[x.length];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < OBS; c++) {
        mask[r * p * CHANNELS + c] = 1;
      }
    }
    return new TrajectoryDiffusion.Inpainting(x.clone(), mask);
  }

  /** Trains the policy into {@code runDir}; returns the losses. */
  public static float[] train(OfflineDataset data, Spec spec, long steps, int batch, double lr, long seed,
      Duration timeLimit, Path runDir, ProgressListener progress) throws IOException {
    requireGrip(data);
    int n = data.size();
    int[] episodeEnd = new int[n];
    for (int i = n - 1, end = n - 1; i >= 0; i--) {
      if (data.timeouts()[i] == 1) {
        end = i;
      }
      episodeEnd[i] = end;
    }
    Files.createDirectories(runDir);
    AtomicFiles.writeString(runDir.resolve(SPEC_FILE), JsonRecords.toJson(spec) + "\n");
    DdpmSchedule schedule = DdpmSchedule.cosine(spec.diffusionSteps());
    int p = spec.chunk();
    int d = p * CHANNELS;
    TrainConfig config = ControlModels.config(spec.net(seed), data.env(), steps, batch, lr, seed);
    return ControlModels.train(config, (sm, net, k) -> {
      Rng rng = Rng.of(seed).stream(4, k);
      double[] x0 = new double[batch * d];
      for (int r = 0; r < batch; r++) {
        int start = rng.nextInt(n);
        window(data, spec.normalizer(), start, episodeEnd[start], p, x0, r * d);
      }
      return TrajectoryDiffusion.loss(sm, net.net(), net.params(), schedule, false, x0, observation(x0, batch, p), rng);
    }, runDir, progress, timeLimit);
  }

  public static Spec readSpec(Path runDir) throws IOException {
    return ControlModels.readSpec(Spec.class, runDir, SPEC_FILE, "policy");
  }

  /** A trained policy. Holds native memory: close it. */
  public static final class Policy implements AutoCloseable {
    private final Spec spec;
    private final TrajectoryDiffusion diffusion;

    public Policy(Path runDir) throws IOException {
      this.spec = readSpec(runDir);
      Checkpoint c = ControlModels.read(runDir);
      this.diffusion = new TrajectoryDiffusion((SequenceNetConfig) c.config().network(),
          DdpmSchedule.cosine(spec.diffusionSteps()), false, spec.bounds(), c.ema());
    }

    /** A policy over given weights (tests). */
    public Policy(Spec spec, float[][] weights, long seed) {
      this.spec = spec;
      this.diffusion = new TrajectoryDiffusion(spec.net(seed), DdpmSchedule.cosine(spec.diffusionSteps()), false,
          spec.bounds(), weights);
    }

    public Spec spec() {
      return spec;
    }

    public TrajectoryDiffusion diffusion() {
      return diffusion;
    }

    /**
     * One control step for n episodes: observations (n, 7) and the previous chunks (normalised,
     * null at an episode's first step) give the new chunks (normalised, n P 10 values).
     */
    public double[] chunks(double[][] obs, double[] previous, Scheme scheme, int level, Rng rng) {
      int n = obs.length;
      int p = spec.chunk();
      int d = p * CHANNELS;
      double[] x = new double[n * d];
      for (int r = 0; r < n; r++) {
        if (obs[r].length != OBS) {
          throw new IllegalArgumentException("grip observation must have dimension " + OBS + ", got " + obs[r].length);
        }
        for (int c = 0; c < OBS; c++) {
          x[r * d + c] = spec.normalizer().normalize(obs[r][c], c);
        }
      }
      TrajectoryDiffusion.Inpainting cond = observation(x, n, p);
      int t = spec.diffusionSteps();
      return switch (scheme) {
        case FULL -> diffusion.sample(n, cond, rng);
        case DDIM -> diffusion.ddim(n, level, cond, rng);
        case RTI -> previous == null ? diffusion.sample(n, cond, rng)
            : diffusion.denoise(level == t ? null : shifted(previous, n, p), n, level, cond, rng);
      };
    }

    /** The chunks moved one row earlier, the last row repeated (the warm start's initial guess). */
    static double[] shifted(double[] prev, int n, int p) {
      double[] s = new double[prev.length];
      int d = p * CHANNELS;
      for (int r = 0; r < n; r++) {
        System.arraycopy(prev, r * d + CHANNELS, s, r * d, (p - 1) * CHANNELS);
        System.arraycopy(prev, r * d + (p - 1) * CHANNELS, s, r * d + (p - 1) * CHANNELS, CHANNELS);
      }
      return s;
    }

    /** The unnormalised first action of chunk r, the grip command snapped to +-1. */
    public double[] firstAction(double[] chunks, int r) {
      int d = spec.chunk() * CHANNELS;
      double[] a = new double[ACT];
      for (int c = 0; c < ACT; c++) {
        a[c] = spec.normalizer().unnormalize(chunks[r * d + OBS + c], OBS + c);
      }
      a[ACT - 1] = a[ACT - 1] > 0 ? 1 : -1;
      return a;
    }

    @Override
    public void close() {
      diffusion.close();
    }
  }

  /**
   * Evaluation of one scheme.
   *
   * @param success fraction of successful episodes
   * @param msPerStep mean wall time of one control step for a single episode (batch 1)
   * @param nfePerStep network evaluations per control step (mean over the batched run)
   * @param actions the first episode's executed actions (steps x 3)
   */
  public record Result(Scheme scheme, int level, int episodes, double success, double msPerStep, double nfePerStep,
      double[][] actions) {}

  /**
   * Runs {@code episodes} seeded episodes (start from stream e of {@code seed}) in one batch,
   * then times {@code timedEpisodes} episodes run alone.
   */
  public static Result evaluate(Policy policy, Scheme scheme, int level, int episodes, long seed, int timedEpisodes) {
    if (episodes < 1) {
      throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
    }
    int t = policy.spec().diffusionSteps();
    if (scheme != Scheme.FULL && (level < 1 || level > t)) {
      throw new IllegalArgumentException("level / evaluations must be in [1, " + t + "], got " + level);
    }
    long nfe0 = policy.diffusion().evaluations();
    int[] steps = new int[1];
    double[][][] acts = new double[1][][];
    boolean[] ok = run(policy, scheme, level, episodes, seed, 0, steps, acts);
    double nfe = (double) (policy.diffusion().evaluations() - nfe0) / steps[0];
    double succ = 0;
    for (boolean b : ok) {
      succ += b ? 1 : 0;
    }
    double ms = Double.NaN;
    if (timedEpisodes > 0) {
      run(policy, scheme, level, 1, seed, 0, new int[1], new double[1][][]); // warm-up
      long time = 0;
      int calls = 0;
      for (int e = 0; e < timedEpisodes; e++) {
        int[] s = new int[1];
        long t0 = System.nanoTime();
        run(policy, scheme, level, 1, seed, e, s, new double[1][][]);
        time += System.nanoTime() - t0;
        calls += s[0];
      }
      ms = time / 1e6 / calls;
    }
    return new Result(scheme, level, episodes, succ / episodes, ms, nfe, acts[0]);
  }

  /** Runs n episodes from stream first .. first + n - 1 in lockstep; counts control steps; records episode 0's actions. */
  static boolean[] run(Policy policy, Scheme scheme, int level, int n, long seed, int first, int[] controlSteps,
      double[][][] actionsOut) {
    GripTask[] tasks = new GripTask[n];
    for (int e = 0; e < n; e++) {
      tasks[e] = new GripTask();
      tasks[e].reset(GripTask.randomStart(Rng.of(seed).stream(first + e)));
    }
    double[] prev = null;
    java.util.List<double[]> acts = new java.util.ArrayList<>();
    for (int k = 0; k < GripTask.MAX_STEPS; k++) {
      boolean any = false;
      double[][] obs = new double[n][];
      for (int e = 0; e < n; e++) {
        obs[e] = tasks[e].state();
        any |= !tasks[e].done();
      }
      if (!any) {
        break;
      }
      double[] chunks = policy.chunks(obs, prev, scheme, level, Rng.of(seed).stream(first, k));
      controlSteps[0]++;
      for (int e = 0; e < n; e++) {
        if (!tasks[e].done()) {
          double[] a = policy.firstAction(chunks, e);
          tasks[e].step(a);
          if (e == 0) {
            acts.add(a);
          }
        }
      }
      prev = chunks;
    }
    actionsOut[0] = acts.toArray(new double[0][]);
    boolean[] ok = new boolean[n];
    for (int e = 0; e < n; e++) {
      ok[e] = tasks[e].success();
    }
    return ok;
  }

  /** The scripted expert's success on the same episodes (noise-free), the reference of the table. */
  public static double expertSuccess(int episodes, long seed) {
    GripExpert expert = new GripExpert(0);
    double s = 0;
    for (int e = 0; e < episodes; e++) {
      GripTask task = new GripTask();
      task.reset(GripTask.randomStart(Rng.of(seed).stream(e)));
      while (!task.done()) {
        task.step(expert.act(task.state(), null));
      }
      s += task.success() ? 1 : 0;
    }
    return s / episodes;
  }
}
