package org.diffusion4j.nn.control;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.SequenceNetConfig;
import org.diffusion4j.random.Rng;

/**
 * Diffusion over windows x of shape (n, H, C) (normalised trajectories of states and actions) on
 * a {@link org.diffusion4j.nn.net.SequenceNet}, as Diffuser's GaussianDiffusion
 * (jannerm/diffuser, diffuser/models/diffusion.py):
 * <ul>
 *   <li>training: i ~ U{0..T-1}, x_i = sqrt(abar_i) x_0 + sqrt(1 - abar_i) eps, the fixed entries
 *       of x_i overwritten by their values ({@code apply_conditioning}), L2 loss against x_0
 *       (Diffuser's maze2d default {@code predict_epsilon=False}) or eps;</li>
 *   <li>sampling: ancestral steps x_{i-1} = c1 clip(x0hat) + c2 x_i + std_i z (z = 0 at i = 0),
 *       with the fixed entries overwritten after every step, so they come out exactly as given
 *       (inpainting);</li>
 *   <li>{@link #denoise} from an intermediate level k: x_{k-1} = sqrt(abar_{k-1}) x_init +
 *       sqrt(1 - abar_{k-1}) eps, then k steps: SDEdit's start (Meng et al. 2022), used by
 *       Trajectory Diffuser's refinement and RTI-DP's warm start. Level T is the prior: x = eps,
 *       and the initial guess is not used, so {@code denoise(anything, T)} is full sampling;</li>
 *   <li>{@link #ddim}: deterministic DDIM (Song et al. 2021, Eq. 12 with eta = 0) on an evenly
 *       spaced subsequence of the T indices.</li>
 * </ul>
 * When the network has observation channels ({@code condChannels} = 2 C) the fixed values and
 * their mask are also fed to it as {@code condition.observed / mask}. Holds native memory:
 * {@link #close()} it.
 */
public final class TrajectoryDiffusion implements AutoCloseable {
  /** Fixed entries: {@code values} and {@code mask} (1 = fixed), both flat (n, H, C). */
  public record Inpainting(double[] values, double[] mask) {
    public Inpainting {
      if (values.length != mask.length) {
        throw new IllegalArgumentException("inpainting values (" + values.length + ") and mask (" + mask.length
            + ") must have the same length");
      }
    }

    /** Overwrites the fixed entries of {@code x}. */
    public void apply(double[] x) {
      for (int j = 0; j < x.length; j++) {
        if (mask[j] != 0) {
          x[j] = values[j];
        }
      }
    }
  }

  /**
   * A differentiable objective J(x) of the (normalised) windows for guided sampling: writes
   * dJ/dx for the batch {@code x} of {@code n} windows into {@code grad}.
   */
  public interface Guide {
    void gradient(double[] x, int n, double[] grad);
  }

  private final SequenceNetConfig config;
  private final Network net;
  private final DdpmSchedule schedule;
  private final boolean predictEpsilon;
  private final double[] bound;
  private final NDManager manager;
  private final ParamSet params;
  private long evaluations;

  /**
   * @param bound per-channel clip bound of the predicted x_0 (Diffuser's {@code clip_denoised} to
   *     [-1, 1], times a channel's normaliser scale)
   * @param weights the network weights (EMA)
   */
  public TrajectoryDiffusion(SequenceNetConfig config, DdpmSchedule schedule, boolean predictEpsilon, double[] bound,
      float[][] weights) {
    if (bound.length != config.channels()) {
      throw new IllegalArgumentException("need one clip bound per channel (" + config.channels() + "), got "
          + bound.length);
    }
    this.config = config;
    this.net = config.build();
    this.schedule = schedule;
    this.predictEpsilon = predictEpsilon;
    this.bound = bound.clone();
    this.manager = DjlRuntime.newManager();
    this.params = ParamSet.of(manager, net.specs(), weights, false);
  }

  public SequenceNetConfig config() {
    return config;
  }

  public DdpmSchedule schedule() {
    return schedule;
  }

  /** Network evaluations so far (one per batched denoising step). */
  public long evaluations() {
    return evaluations;
  }

  /** Values per window, H C. */
  public int windowSize() {
    return config.length() * config.channels();
  }

  /**
   * The training loss on a batch of clean windows {@code x0} (n H C values) with the fixed
   * entries {@code cond} (for the network's observation channels and {@code apply_conditioning});
   * noise levels and noise come from {@code rng}.
   */
  public static NDArray loss(NDManager sm, Network net, ParamSet params, DdpmSchedule schedule, boolean predictEpsilon,
      double[] x0, Inpainting cond, Rng rng) {
    SequenceNetConfig cfg = (SequenceNetConfig) net.config();
    int d = cfg.length() * cfg.channels();
    int n = x0.length / d;
    float[] input = new float[x0.length];
    float[] target = new float[x0.length];
    float[] c = new float[n];
    double[] noisy = new double[d];
    for (int r = 0; r < n; r++) {
      int i = rng.nextInt(schedule.steps());
      double a = Math.sqrt(schedule.alphaBar(i));
      double s = Math.sqrt(1 - schedule.alphaBar(i));
      for (int j = 0; j < d; j++) {
        double e = rng.nextGaussian();
        noisy[j] = a * x0[r * d + j] + s * e;
        target[r * d + j] = (float) (predictEpsilon ? e : x0[r * d + j]);
      }
      for (int j = 0; j < d; j++) {
        int k = r * d + j;
        input[k] = (float) (cond != null && cond.mask()[k] != 0 ? cond.values()[k] : noisy[j]);
      }
      c[r] = (float) schedule.noiseInput(i);
    }
    NDArray x = sm.create(input, net.batchShape(n));
    NDArray out = net.forward(params, x, sm.create(c, new Shape(n, 1)), condition(sm, net, cfg, cond, n));
    return out.sub(sm.create(target, net.batchShape(n))).square().mean();
  }

  private static Condition condition(NDManager sm, Network net, SequenceNetConfig cfg, Inpainting cond, int n) {
    if (cfg.condChannels() == 0) {
      return Condition.NONE;
    }
    if (cond == null) {
      throw new IllegalArgumentException("this trajectory model is observation-conditioned: pass the fixed entries");
    }
    float[] obs = new float[cond.values().length];
    float[] mask = new float[obs.length];
    for (int j = 0; j < obs.length; j++) {
      mask[j] = (float) cond.mask()[j];
      obs[j] = mask[j] != 0 ? (float) cond.values()[j] : 0f;
    }
    return Condition.NONE.withObserved(sm.create(obs, net.batchShape(n))).withMask(sm.create(mask, net.batchShape(n)));
  }

  /** Full ancestral sampling of {@code n} windows (T network evaluations). */
  public double[] sample(int n, Inpainting cond, Rng rng) {
    return denoise(null, n, schedule.steps(), cond, rng);
  }

  /**
   * Denoises from level {@code level} in [1, T]: {@code init} (n H C values; ignored at level T)
   * is diffused to index level - 1, then {@code level} ancestral steps run; see the class comment.
   */
  public double[] denoise(double[] init, int n, int level, Inpainting cond, Rng rng) {
    return denoise(init, n, level, cond, null, 0, rng);
  }

  /**
   * {@link #denoise} with Diffuser's guided step ({@code n_step_guided_p_sample},
   * diffuser/sampling/functions.py, one gradient step per level): the posterior mean moves by
   * {@code scale} dJ/dx_i before the noise is added; no guidance at index 0, as Diffuser's
   * {@code t_stopgrad} default stops it only at the last step.
   */
  public double[] denoise(double[] init, int n, int level, Inpainting cond, Guide guide, double scale, Rng rng) {
    int t = schedule.steps();
    if (level < 1 || level > t) {
      throw new IllegalArgumentException("denoising level must be in [1, " + t + "], got " + level);
    }
    int d = windowSize();
    double[] x = new double[n * d];
    rng.fillGaussian(x, 0, x.length);
    if (level < t) {
      if (init == null || init.length != x.length) {
        throw new IllegalArgumentException("warm start needs " + x.length + " initial values, got "
            + (init == null ? "none" : init.length));
      }
      double a = Math.sqrt(schedule.alphaBar(level - 1));
      double s = Math.sqrt(1 - schedule.alphaBar(level - 1));
      for (int j = 0; j < x.length; j++) {
        x[j] = a * init[j] + s * x[j];
      }
    }
    applyIfAny(cond, x);
    for (int i = level - 1; i >= 0; i--) {
      double[] x0 = predictX0(x, n, i, cond);
      double c1 = schedule.c1(i);
      double c2 = schedule.c2(i);
      double std = i > 0 ? schedule.posteriorStd(i) : 0;
      double[] grad = null;
      if (guide != null && scale != 0 && i > 0) {
        grad = new double[x.length];
        guide.gradient(x, n, grad);
      }
      for (int j = 0; j < x.length; j++) {
        double mean = c1 * x0[j] + c2 * x[j] + (grad == null ? 0 : scale * grad[j]);
        x[j] = i > 0 ? mean + std * rng.nextGaussian() : mean;
      }
      applyIfAny(cond, x);
    }
    return x;
  }

  /** Deterministic DDIM with {@code nfe} evaluations on indices evenly spaced over [0, T-1]. */
  public double[] ddim(int n, int nfe, Inpainting cond, Rng rng) {
    int t = schedule.steps();
    if (nfe < 1 || nfe > t) {
      throw new IllegalArgumentException("DDIM evaluations must be in [1, " + t + "], got " + nfe);
    }
    int[] seq = new int[nfe];
    for (int k = 0; k < nfe; k++) {
      seq[k] = nfe == 1 ? t - 1 : (int) Math.round((double) k * (t - 1) / (nfe - 1));
    }
    double[] x = new double[n * windowSize()];
    rng.fillGaussian(x, 0, x.length);
    applyIfAny(cond, x);
    for (int k = nfe - 1; k >= 0; k--) {
      int i = seq[k];
      double ab = schedule.alphaBar(i);
      double abPrev = k > 0 ? schedule.alphaBar(seq[k - 1]) : 1;
      double[] x0 = predictX0(x, n, i, cond);
      for (int j = 0; j < x.length; j++) {
        double eps = (x[j] - Math.sqrt(ab) * x0[j]) / Math.sqrt(1 - ab);
        x[j] = Math.sqrt(abPrev) * x0[j] + Math.sqrt(1 - abPrev) * eps;
      }
      applyIfAny(cond, x);
    }
    return x;
  }

  private static void applyIfAny(Inpainting cond, double[] x) {
    if (cond != null) {
      cond.apply(x);
    }
  }

  /** The clipped x_0 prediction at index i for the batch x. */
  double[] predictX0(double[] x, int n, int i, Inpainting cond) {
    float[] in = new float[x.length];
    for (int j = 0; j < x.length; j++) {
      in[j] = (float) x[j];
    }
    float[] c = new float[n];
    Arrays.fill(c, (float) schedule.noiseInput(i));
    float[] f;
    try (NDManager sm = manager.newSubManager()) {
      NDArray out = net.forward(params, sm.create(in, net.batchShape(n)), sm.create(c, new Shape(n, 1)),
          condition(sm, net, config, cond, n));
      f = out.toFloatArray();
    }
    evaluations++;
    double ab = schedule.alphaBar(i);
    int ch = config.channels();
    double[] x0 = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      double v = predictEpsilon ? (x[j] - Math.sqrt(1 - ab) * f[j]) / Math.sqrt(ab) : f[j];
      double b = bound[j % ch];
      x0[j] = Math.max(-b, Math.min(b, v));
    }
    return x0;
  }

  @Override
  public void close() {
    manager.close();
  }
}
