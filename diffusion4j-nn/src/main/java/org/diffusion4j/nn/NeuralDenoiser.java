package org.diffusion4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.ClassifierFreeGuidance;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.objective.Parameterisation;
import org.diffusion4j.nn.objective.TimeSampler;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.path.GaussianPath;

/**
 * A trained network as a core {@link Denoiser}: it predicts the objective's kind
 * ({@link Objective#prediction()}) on the training path, so every core sampler runs on it
 * unchanged. Each call sends the whole batch through DJL in one forward pass (chunks of
 * {@value #CHUNK} rows) and applies prediction = c_skip x + c_out F(c_in x, c_noise) in Java
 * ({@link Parameterisation}).
 *
 * <p>Class-conditional networks predict for {@link #forClass one class}, or with
 * {@link #withGuidance classifier-free guidance} (Ho &amp; Salimans 2022, Eq. 6:
 * (1 + w) D(x | y) - w D(x | null)); a call on the model itself uses the null class. Holds native memory: {@link #close()} it.
 *
 * <p>{@link #predictWithPullback} gives the vector-Jacobian product of the prediction by DJL
 * autograd in the same forward pass, c_skip v + c_in c_out J_F^T v (for DPS-style guidance).
 */
public final class NeuralDenoiser implements org.diffusion4j.forecast.DifferentiableDenoiser, AutoCloseable {
  static final int CHUNK = 8192;

  private final TrainConfig config;
  private final GaussianPath path;
  private final Network net;
  private final NDManager manager;
  private final ParamSet params;
  private final int label;
  private final NeuralDenoiser owner;

  private NeuralDenoiser(TrainConfig config, float[][] weights) {
    this.config = config;
    this.path = config.gaussianPath();
    this.net = config.network().build();
    this.manager = DjlRuntime.newManager();
    this.params = ParamSet.of(manager, net.specs(), weights, false);
    this.label = config.network().classes();
    this.owner = null;
  }

  private NeuralDenoiser(NeuralDenoiser base, int label) {
    this.config = base.config;
    this.path = base.path;
    this.net = base.net;
    this.manager = base.manager;
    this.params = base.params;
    this.label = label;
    this.owner = base;
  }

  /** A denoiser with the given weights (one flat array per parameter tensor of the config's network). */
  public static NeuralDenoiser of(TrainConfig config, float[][] weights) {
    return new NeuralDenoiser(config, weights);
  }

  /** Loads the EMA weights of the latest checkpoint in {@code runDir}. */
  public static NeuralDenoiser load(Path runDir) throws IOException {
    return from(Checkpoint.readLatest(runDir));
  }

  /** The EMA weights of checkpoint {@code c} (checked against its network's parameter specs). */
  public static NeuralDenoiser from(Checkpoint c) {
    c.requireSpecs(c.config().network().build().specs());
    return new NeuralDenoiser(c.config(), c.ema());
  }

  /**
   * The conditional model for class {@code y} in [0, classes] ({@code classes} is the null class,
   * i.e. the unconditional model of classifier-free guidance). Shares this model's weights;
   * closing the view does nothing.
   */
  public NeuralDenoiser forClass(int y) {
    int classes = config.network().classes();
    if (classes == 0) {
      throw new IllegalArgumentException("this model is not class-conditional");
    }
    if (y < 0 || y > classes) {
      throw new IllegalArgumentException("class " + y + " is outside [0, " + (classes - 1) + "] (or " + classes
          + " = unconditional)");
    }
    return new NeuralDenoiser(owner == null ? this : owner, y);
  }

  /**
   * Class {@code y} with classifier-free guidance weight {@code w}: the core decorator
   * {@link ClassifierFreeGuidance} over {@link #forClass forClass(y)} and the null class
   * (w = 0: the conditional model; w = -1: the unconditional one).
   */
  public Denoiser withGuidance(int y, double w) {
    return ClassifierFreeGuidance.of(forClass(y), forClass(config.network().classes()), w);
  }

  /** The training configuration (objective, path, network). */
  public TrainConfig config() {
    return config;
  }

  /** The path the model was trained on (its full time range). */
  public GaussianPath path() {
    return path;
  }

  /**
   * The training path restricted to the times the model was trained on: pass this to samplers,
   * so that their default t-start/t-end are inside the range where lambda(t) is finite.
   */
  public GaussianPath samplingPath() {
    TimeSampler ts = new TimeSampler(config.timeSampling(), path);
    return new TrainedRangePath(path, ts.lo(), ts.hi());
  }

  @Override
  public int dim() {
    return config.network().dim();
  }

  @Override
  public Prediction prediction() {
    return config.objective().prediction();
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    x.requireSameShape(out);
    if (x.d() != dim()) {
      throw new IllegalArgumentException("model expects dimension " + dim() + ", got " + x.d());
    }
    Parameterisation p = Parameterisation.of(config.objective(), path, config.sigmaData(), t);
    int d = x.d();
    double[] xs = x.data();
    double[] os = out.data();
    for (int from = 0; from < x.n(); from += CHUNK) {
      int rows = Math.min(CHUNK, x.n() - from);
      float[] in = new float[rows * d];
      for (int j = 0; j < in.length; j++) {
        in[j] = (float) (p.cIn() * xs[from * d + j]);
      }
      float[] f = forward(in, rows, (float) p.cNoise());
      for (int j = 0; j < f.length; j++) {
        int g = from * d + j;
        os[g] = p.cSkip() * xs[g] + p.cOut() * f[j];
      }
    }
  }

  /**
   * Divergence in x of this model's prediction, sum_i d pred_i / d x_i, for every row of
   * {@code x} at time {@code t}, by DJL reverse-mode autograd. With prediction
   * c_skip x + c_out F(c_in x) it is d c_skip + c_out c_in div F.
   *
   * <p>{@code probes <= 0}: exact, from d vector-Jacobian products e_j^T J (one backward pass per
   * coordinate; for small d). {@code probes = k > 0}: Hutchinson's estimator
   * (1/k) sum_m v_m^T J v_m with Rademacher v_m (Hutchinson 1989; Grathwohl et al. 2019, FFJORD,
   * Eq. 5), row i's probes drawn from {@code probeRng.stream(i)}, so results do not depend on
   * batching. Unbiased, variance sum_{i != j} J_ij^2 per probe for Rademacher probes.
   */
  public double[] divergence(Batch x, double t, org.diffusion4j.random.Rng probeRng, int probes) {
    if (x.d() != dim()) {
      throw new IllegalArgumentException("model expects dimension " + dim() + ", got " + x.d());
    }
    if (config.network().classes() > 0) {
      throw new UnsupportedOperationException("divergence of class-conditional models is not supported");
    }
    Parameterisation p = Parameterisation.of(config.objective(), path, config.sigmaData(), t);
    int n = x.n();
    int d = x.d();
    float[] in = new float[n * d];
    for (int j = 0; j < in.length; j++) {
      in[j] = (float) (p.cIn() * x.data()[j]);
    }
    float[] cs = new float[n];
    Arrays.fill(cs, (float) p.cNoise());
    int passes = probes <= 0 ? d : probes;
    double[] acc = new double[n];
    org.diffusion4j.random.Rng[] rows = new org.diffusion4j.random.Rng[n];
    for (int i = 0; i < n; i++) {
      rows[i] = probeRng.stream(i);
    }
    for (int m = 0; m < passes; m++) {
      float[] v = new float[n * d];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          v[i * d + j] = probes <= 0 ? (j == m ? 1f : 0f) : (float) rows[i].nextRademacher();
        }
      }
      float[] g;
      try (NDManager sm = manager.newSubManager()) {
        NDArray z = sm.create(in, net.batchShape(n));
        z.setRequiresGradient(true);
        NDArray c = sm.create(cs, new Shape(n, 1));
        NDArray vv = sm.create(v, net.batchShape(n));
        try (ai.djl.training.GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
          NDArray f = net.forward(params, z, c, Condition.NONE);
          gc.backward(f.mul(vv).sum());
        }
        NDArray grad = z.getGradient();
        grad.attach(sm);
        g = grad.toFloatArray();
      }
      for (int i = 0; i < n; i++) {
        double dot = 0;
        for (int j = 0; j < d; j++) {
          dot += (double) v[i * d + j] * g[i * d + j];
        }
        acc[i] += dot;
      }
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = d * p.cSkip() + p.cOut() * p.cIn() * acc[i] / (probes <= 0 ? 1 : probes);
    }
    return out;
  }

  /**
   * The prediction and its vector-Jacobian product: writes p(x, t) into {@code out}, calls
   * {@code cotangent} (which fills dL/dp), then writes (dp/dx)^T dL/dp = c_skip v + c_in c_out J_F^T v
   * into {@code grad}. One model evaluation, made in chunks of {@value #CHUNK} rows with the graph kept.
   */
  @Override
  public void predictWithPullback(Batch x, double t, Batch out, java.util.function.BiConsumer<Batch, Batch> cotangent,
      Batch grad) {
    x.requireSameShape(out);
    x.requireSameShape(grad);
    if (x.d() != dim()) {
      throw new IllegalArgumentException("model expects dimension " + dim() + ", got " + x.d());
    }
    Parameterisation p = Parameterisation.of(config.objective(), path, config.sigmaData(), t);
    int d = x.d();
    int classes = config.network().classes();
    double[] xs = x.data();
    double[] os = out.data();
    try (NDManager sm = manager.newSubManager();
        ai.djl.training.GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
      int chunks = (x.n() + CHUNK - 1) / CHUNK;
      NDArray[] inputs = new NDArray[chunks];
      NDArray[] outputs = new NDArray[chunks];
      for (int ci = 0, from = 0; from < x.n(); ci++, from += CHUNK) {
        int rows = Math.min(CHUNK, x.n() - from);
        float[] in = new float[rows * d];
        for (int j = 0; j < in.length; j++) {
          in[j] = (float) (p.cIn() * xs[from * d + j]);
        }
        NDArray z = sm.create(in, net.batchShape(rows));
        z.setRequiresGradient(true);
        float[] cs = new float[rows];
        Arrays.fill(cs, (float) p.cNoise());
        NDArray c = sm.create(cs, new Shape(rows, 1));
        Condition cond = Condition.NONE;
        if (classes > 0) {
          int[] labels = new int[rows];
          Arrays.fill(labels, label);
          cond = oneHot(sm, labels);
        }
        NDArray f = net.forward(params, z, c, cond);
        inputs[ci] = z;
        outputs[ci] = f;
        float[] fs = f.toFloatArray();
        for (int j = 0; j < fs.length; j++) {
          int g = from * d + j;
          os[g] = p.cSkip() * xs[g] + p.cOut() * fs[j];
        }
      }
      Batch v = x.zerosLike();
      cotangent.accept(out, v);
      double[] vs = v.data();
      NDArray total = null;
      for (int ci = 0, from = 0; from < x.n(); ci++, from += CHUNK) {
        int rows = Math.min(CHUNK, x.n() - from);
        float[] w = new float[rows * d];
        for (int j = 0; j < w.length; j++) {
          w[j] = (float) (p.cOut() * vs[from * d + j]);
        }
        NDArray term = outputs[ci].mul(sm.create(w, net.batchShape(rows))).sum();
        total = total == null ? term : total.add(term);
      }
      gc.backward(total);
      double[] gs = grad.data();
      for (int ci = 0, from = 0; from < x.n(); ci++, from += CHUNK) {
        NDArray g = inputs[ci].getGradient();
        g.attach(sm);
        float[] gf = g.toFloatArray();
        for (int j = 0; j < gf.length; j++) {
          int k = from * d + j;
          gs[k] = p.cSkip() * vs[k] + p.cIn() * gf[j];
        }
      }
    }
  }

  /** Raw network output F for already scaled inputs (for this view's class on conditional models). */
  private float[] forward(float[] in, int rows, float cNoise) {
    int d = dim();
    int classes = config.network().classes();
    try (NDManager sm = manager.newSubManager()) {
      NDArray x = sm.create(in, net.batchShape(rows));
      float[] cs = new float[rows];
      Arrays.fill(cs, cNoise);
      NDArray c = sm.create(cs, new Shape(rows, 1));
      if (classes == 0) {
        return net.forward(params, x, c, Condition.NONE).toFloatArray();
      }
      int[] labels = new int[rows];
      Arrays.fill(labels, label);
      return net.forward(params, x, c, oneHot(sm, labels)).toFloatArray();
    }
  }

  private Condition oneHot(NDManager sm, int[] labels) {
    int classes = config.network().classes();
    return Condition.ofClasses(sm.create(Condition.oneHot(labels, classes), new Shape(labels.length, classes + 1)));
  }

  @Override
  public void close() {
    if (owner == null) {
      manager.close();
    }
  }

  @Override
  public String toString() {
    return "NeuralDenoiser(" + config.objective().cliName() + " on " + path.name() + ", " + prediction().cliName() + ")";
  }
}
