package org.diffusion4j.nn.interpolant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.Gamma;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.interpolant.VectorField;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.TimeMlp;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.CheckpointException;

/**
 * A trained interpolant as fields for the core generators
 * ({@link org.diffusion4j.interpolant.InterpolantGenerator}): the velocity b(t, x), the
 * denoiser eta(t, x) and the score s = -eta / gamma (Albergo et al. 2023, Eq. 2.12), or
 * s = -eta / alpha when gamma = 0 and the Gaussian source is the latent (see
 * {@link InterpolantTrainer}). The score is singular where that coefficient vanishes (the ends
 * of [0, 1]); evaluate it inside (t0, 1 - t0). Holds native memory: {@link #close()} it.
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
    this.velocityNet = new TimeMlp(config.train().network());
    this.velocity = ParamSet.of(manager, velocityNet.specs(), v, false);
    this.denoiserNet = e == null ? null : new TimeMlp(config.train().network());
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

  /** Loads the EMA weights of the latest checkpoints of an interpolant run folder. */
  public static LearnedInterpolant load(Path runDir) throws IOException {
    InterpolantTrainConfig cfg = InterpolantTrainer.readConfig(runDir);
    Checkpoint v = Checkpoint.readLatest(runDir.resolve(InterpolantTrainer.VELOCITY_DIR));
    v.requireSpecs(new TimeMlp(cfg.train().network()).specs());
    float[][] e = null;
    if (cfg.learnScore()) {
      Checkpoint ce = Checkpoint.readLatest(runDir.resolve(InterpolantTrainer.DENOISER_DIR));
      ce.requireSpecs(new TimeMlp(cfg.train().network()).specs());
      if (ce.step() != v.step()) {
        throw new CheckpointException("velocity and denoiser checkpoints in " + runDir + " are at different steps");
      }
      e = ce.ema();
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

  /** eta(t, x) = E[latent | x_t = x] into {@code out}. */
  public void denoiser(double t, Batch x, Batch out) {
    requireScore();
    forward(denoiserNet, denoiser, t, x, out);
  }

  /** s(t, x) = -eta(t, x) / c(t), c = gamma (or alpha when gamma = 0); needs c(t) &gt; 0. */
  public void score(double t, Batch x, Batch out) {
    requireScore();
    double c = interpolant.gamma() instanceof Gamma.Zero ? interpolant.alpha(t) : interpolant.gamma(t);
    if (!(c > 0)) {
      throw new IllegalArgumentException("the learned score is singular at t=" + t + " (latent coefficient 0); "
          + "integrate the SDE inside (0, 1)");
    }
    forward(denoiserNet, denoiser, t, x, out);
    out.scale(-1 / c);
  }

  public VectorField velocityField() {
    return this::velocity;
  }

  public VectorField scoreField() {
    requireScore();
    return this::score;
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
        f = net.forward(params, xa, ca, null).toFloatArray();
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
