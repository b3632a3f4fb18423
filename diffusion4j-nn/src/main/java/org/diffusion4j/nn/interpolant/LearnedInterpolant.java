package org.diffusion4j.nn.interpolant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.DivergenceField;
import org.diffusion4j.interpolant.Gamma;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.model.VectorField;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.TimeMlp;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.random.Rng;

/**
 * A trained interpolant as fields for the core generators
 * ({@link org.diffusion4j.interpolant.InterpolantGenerator}): the velocity b(t, x), the
 * denoiser eta(t, x) and the score s = -eta / c (Albergo et al. 2023, Eq. 2.12) with c = gamma,
 * or c = alpha when gamma = 0 and the Gaussian source is the latent (see
 * {@link InterpolantTrainer}). With {@code scoreObjective = "denoiser"} the second network is eta
 * and s = -eta / c; with {@code "score"} it is s itself and eta = -c s. The division makes the
 * score singular where c vanishes (the ends of [0, 1]); evaluate it inside (t0, 1 - t0). Holds
 * native memory: {@link #close()} it.
 */
public final class LearnedInterpolant implements AutoCloseable {
  private static final int CHUNK = 8192;

  private final InterpolantTrainConfig config;
  private final Interpolant interpolant;
  private final NDManager manager;
  private final TimeMlp velocityNet;
  private final ParamSet velocity;
  private final TimeMlp denoiserNet;
  private final ParamSet denoiser;

  private LearnedInterpolant(InterpolantTrainConfig config, float[][] v, float[][] e) {
    this.config = config;
    this.interpolant = config.interpolantObject();
    this.manager = DjlRuntime.newManager();
    this.velocityNet = new TimeMlp(config.train().mlp());
    this.velocity = ParamSet.of(manager, velocityNet.specs(), v, false);
    this.denoiserNet = e == null ? null : new TimeMlp(config.train().mlp());
    this.denoiser = e == null ? null : ParamSet.of(manager, denoiserNet.specs(), e, false);
  }

  /** A model from weights; {@code denoiserWeights} null if the score was not learned. */
  public static LearnedInterpolant of(InterpolantTrainConfig config, float[][] velocityWeights, float[][] denoiserWeights) {
    if (config.learnScore() != (denoiserWeights != null)) {
      throw new IllegalArgumentException("config learnScore=" + config.learnScore() + " but denoiser weights "
          + (denoiserWeights == null ? "are missing" : "were given"));
    }
    return new LearnedInterpolant(config, velocityWeights, denoiserWeights);
  }

  /** Loads the EMA weights of the newest consistent checkpoint pair of an interpolant run folder ({@link InterpolantTrainer#latestPair}). */
  public static LearnedInterpolant load(Path runDir) throws IOException {
    InterpolantTrainConfig cfg = InterpolantTrainer.readConfig(runDir);
    InterpolantTrainer.Pair pair = InterpolantTrainer.latestPair(runDir, cfg.learnScore());
    Checkpoint v = pair.velocity();
    v.requireSpecs(new TimeMlp(cfg.train().mlp()).specs());
    float[][] e = null;
    if (cfg.learnScore()) {
      pair.denoiser().requireSpecs(new TimeMlp(cfg.train().mlp()).specs());
      e = pair.denoiser().ema();
    }
    return new LearnedInterpolant(cfg.withTrain(v.config()), v.ema(), e);
  }

  public InterpolantTrainConfig config() {
    return config;
  }

  public Interpolant interpolant() {
    return interpolant;
  }

  public int dim() {
    return config.train().network().dim();
  }

  /** Whether a score is available (the denoiser was learned). */
  public boolean hasScore() {
    return denoiser != null;
  }

  /** b(t, x) into {@code out}. */
  public void velocity(double t, Batch x, Batch out) {
    forward(velocityNet, velocity, t, x, out);
  }

  /** eta(t, x) = E[latent | x_t = x] into {@code out} (-c(t) s(t, x) for a score-objective run). */
  public void denoiser(double t, Batch x, Batch out) {
    requireScore();
    forward(denoiserNet, denoiser, t, x, out);
    if (config.learnsScoreDirectly()) {
      out.scale(-latentCoefficient(t));
    }
  }

  /** s(t, x) = -eta(t, x) / c(t), c = gamma (or alpha when gamma = 0), or the score network's output; needs c(t) &gt; 0. */
  public void score(double t, Batch x, Batch out) {
    requireScore();
    double c = latentCoefficient(t);
    forward(denoiserNet, denoiser, t, x, out);
    if (!config.learnsScoreDirectly()) {
      out.scale(-1 / c);
    }
  }

  /** c(t) = gamma(t), or alpha(t) when gamma = 0; an error where it is not positive (the score is singular there). */
  private double latentCoefficient(double t) {
    double c = interpolant.gamma() instanceof Gamma.Zero ? interpolant.alpha(t) : interpolant.gamma(t);
    if (!(c > 0)) {
      throw new IllegalArgumentException("the learned score is singular at t=" + t + " (latent coefficient 0); "
          + "integrate the SDE inside (0, 1)");
    }
    return c;
  }

  public VectorField velocityField() {
    return (x, t, out) -> velocity(t, x, out);
  }

  public VectorField scoreField() {
    requireScore();
    return (x, t, out) -> score(t, x, out);
  }

  /**
   * The velocity b with its divergence by reverse-mode autodiff of the network (as
   * {@link org.diffusion4j.nn.likelihood.AutogradDivergence}): the exact trace from d
   * vector-Jacobian products (probes = 0) or Hutchinson's estimate with {@code probes} Rademacher
   * probes per state from {@code Rng.of(seed).stream(1, row)} (Grathwohl et al. 2019, Eq. 7). For
   * {@link org.diffusion4j.interpolant.SdeInterpolantLikelihood} and the ODE likelihood.
   */
  public DivergenceField velocityDivergence(int probes, long seed) {
    checkProbes(probes);
    return (x, t, firstRow, value, div) -> forwardWithTrace(velocityNet, velocity, t, x, firstRow, probes, seed, 1, value,
        div);
  }

  /**
   * The score with its divergence by autodiff (see {@link #velocityDivergence}): s = -eta / c and
   * div s = -tr(d eta / dx) / c for a denoiser run, the network's own output and trace for a
   * score-objective run.
   */
  public DivergenceField scoreDivergence(int probes, long seed) {
    requireScore();
    checkProbes(probes);
    return (x, t, firstRow, value, div) -> {
      double c = latentCoefficient(t);
      double scale = config.learnsScoreDirectly() ? 1 : -1 / c;
      forwardWithTrace(denoiserNet, denoiser, t, x, firstRow, probes, seed, scale, value, div);
    };
  }

  private static void checkProbes(int probes) {
    if (probes < 0) {
      throw new IllegalArgumentException("probes must be >= 1 for Hutchinson (or 0 for the exact trace), got " + probes);
    }
  }

  /** value = scale * F(t, x), div = scale * tr(dF/dx) (exact or Hutchinson), F the network. */
  private void forwardWithTrace(TimeMlp net, ParamSet params, double t, Batch x, long firstRow, int probes, long seed,
      double scale, Batch value, double[] div) {
    x.requireSameShape(value);
    int d = dim();
    if (x.d() != d) {
      throw new IllegalArgumentException("model expects dimension " + d + ", got " + x.d());
    }
    Interpolant.checkTime(t);
    int copies = probes == 0 ? d : probes;
    int rowsPerPass = Math.max(1, CHUNK / copies);
    double[] xs = x.data();
    double[] vs = value.data();
    for (int from = 0; from < x.n(); from += rowsPerPass) {
      int m = Math.min(rowsPerPass, x.n() - from);
      int rows = m * copies;
      float[] in = new float[rows * d];
      float[] cot = new float[rows * d];
      for (int i = 0; i < m; i++) {
        Rng rng = probes == 0 ? null : Rng.of(seed).stream(1, firstRow + from + i);
        for (int k = 0; k < copies; k++) {
          int base = (i * copies + k) * d;
          for (int j = 0; j < d; j++) {
            in[base + j] = (float) xs[(from + i) * d + j];
            cot[base + j] = probes == 0 ? (j == k ? 1f : 0f) : (float) rng.nextRademacher();
          }
        }
      }
      float[] cs = new float[rows];
      Arrays.fill(cs, (float) t);
      float[] f;
      float[] g;
      try (NDManager sm = manager.newSubManager();
          GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        NDArray xa = sm.create(in, new Shape(rows, d));
        xa.setRequiresGradient(true);
        NDArray ca = sm.create(cs, new Shape(rows, 1));
        NDArray out = net.forward(params, xa, ca, Condition.NONE);
        gc.backward(out.mul(sm.create(cot, new Shape(rows, d))).sum());
        f = out.toFloatArray();
        g = xa.getGradient().toFloatArray();
      }
      for (int i = 0; i < m; i++) {
        int base0 = i * copies * d;
        for (int j = 0; j < d; j++) {
          vs[(from + i) * d + j] = scale * f[base0 + j];
        }
        double trace = 0;
        for (int k = 0; k < copies; k++) {
          int base = (i * copies + k) * d;
          for (int j = 0; j < d; j++) {
            trace += (double) cot[base + j] * g[base + j];
          }
        }
        div[from + i] = scale * (probes == 0 ? trace : trace / probes);
      }
    }
  }

  private void requireScore() {
    if (denoiser == null) {
      throw new IllegalStateException("this interpolant model has no learned score (trained without the denoiser)");
    }
  }

  private void forward(TimeMlp net, ParamSet params, double t, Batch x, Batch out) {
    x.requireSameShape(out);
    int d = dim();
    if (x.d() != d) {
      throw new IllegalArgumentException("model expects dimension " + d + ", got " + x.d());
    }
    Interpolant.checkTime(t);
    double[] xs = x.data();
    double[] os = out.data();
    for (int from = 0; from < x.n(); from += CHUNK) {
      int rows = Math.min(CHUNK, x.n() - from);
      float[] in = new float[rows * d];
      for (int j = 0; j < in.length; j++) {
        in[j] = (float) xs[from * d + j];
      }
      float[] cs = new float[rows];
      Arrays.fill(cs, (float) t);
      float[] f;
      try (NDManager sm = manager.newSubManager()) {
        NDArray xa = sm.create(in, new Shape(rows, d));
        NDArray ca = sm.create(cs, new Shape(rows, 1));
        f = net.forward(params, xa, ca, Condition.NONE).toFloatArray();
      }
      for (int j = 0; j < f.length; j++) {
        os[from * d + j] = f[j];
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
