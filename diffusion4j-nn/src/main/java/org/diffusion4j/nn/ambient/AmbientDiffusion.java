package org.diffusion4j.nn.ambient;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.FormatException;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamFiles;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.UNet2dConfig;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.TrainableNet;
import org.diffusion4j.path.VpCosinePath;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;
import org.diffusion4j.sampler.DdimSampler;
import org.diffusion4j.sampler.Sampling;

/**
 * Diffusion trained only through a forward model: Ambient Diffusion (Daras et al. 2023,
 * "Ambient Diffusion: Learning Clean Distributions from Corrupted Data", Sec. 3; official code
 * giannisdaras/ambient-diffusion), the random-inpainting instance of the problem posed by Tewari et
 * al. 2023, "Diffusion with Forward Models" (train a denoiser that is supervised only through the
 * known forward model, never on a clean sample).
 *
 * <p>Each training image is seen only as y = A x0 with its own random pixel mask A (keep
 * probability {@code keep}, drawn once per example by {@link #observe}; unobserved pixels are 0).
 * Per step a further mask B drops each observed pixel with probability {@code delta}, A~ = B A,
 * and with x_t = alpha_t x0 + sigma_t eps on the VP-cosine path the network sees only A~ x_t
 * (= alpha_t A~ y + sigma_t A~ eps, computable from y) and the mask A~ as a condition channel;
 * it predicts x0 and the loss is on the observed pixels only, ||A (h(A~ x_t, A~, t) - x0)||^2 =
 * ||A h - y||^2 (Daras et al. Eq. 3.2). Because A~ hides some observed pixels from the network,
 * the minimiser is E[x0 | A~ x_t, A~] on every pixel whenever E[A^T A | A~] has full rank (their
 * main result, Sec. 3) although no clean pixel outside A is ever used.
 *
 * <p>Sampling is their fixed-mask sampler (Eq. 3.3): one mask A~ per sample, drawn with the training law
 * of A~ (keep probability keep (1 - delta)), kept for the whole trajectory, the model evaluated as
 * h(A~ x_t, A~, t) inside the core DDIM sampler. With {@code keep = 1, delta = 0} the same code is
 * an ordinary x0-prediction diffusion model on clean data (A~ = all ones), the reference model.
 */
public final class AmbientDiffusion implements AutoCloseable {
  public static final String CONFIG_FILE = "ambient.json";
  public static final String WEIGHTS_FILE = "weights.npz";
  /** Smallest training time and the sampling end on the VP-cosine path. */
  public static final double T_END = 1e-3;

  /**
   * A model's settings.
   *
   * @param keep probability that the forward model observes a pixel, in (0, 1]
   * @param delta probability that the further corruption drops an observed pixel, in [0, 1)
   * @param network the U-Net (one image channel, one mask condition channel, no classes)
   * @param batch training batch
   * @param lr AdamW learning rate
   * @param seed seed of initialisation, observation masks, batches, times and noise
   */
  public record Config(double keep, double delta, UNet2dConfig network, int batch, double lr, long seed) {
    public Config {
      if (!(keep > 0 && keep <= 1)) {
        throw new IllegalArgumentException("keep must be in (0, 1], got " + keep);
      }
      if (!(delta >= 0 && delta < 1)) {
        throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
      }
      if (keep < 1 && delta == 0) {
        throw new IllegalArgumentException("with keep " + keep + " < 1 delta must be > 0: without further corruption"
            + " the unobserved pixels are never supervised");
      }
      if (network == null || network.channels() != 1 || network.condChannels() != 1 || network.classes() != 0) {
        throw new IllegalArgumentException("the ambient U-Net needs 1 image channel, 1 mask channel and no classes, got "
            + network);
      }
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be >= 1, got " + batch);
      }
      if (!(lr > 0)) {
        throw new IllegalArgumentException("lr must be > 0, got " + lr);
      }
    }

    /**
     * The tiny U-Net of {@code MeanRevertingRestoration.Config.small} (base 8, levels 28 and 14),
     * batch 32, lr 1e-3; {@code delta} 0.1 as Daras et al.'s default further corruption when
     * {@code keep < 1}, else 0.
     */
    public static Config small(double keep, long seed) {
      UNet2dConfig net = new UNet2dConfig(1, 28, 28, 8, new int[] {1, 2}, 1, new int[0], 2, 0.0, 4, 0, 1, seed);
      return new Config(keep, keep < 1 ? 0.1 : 0, net, 32, 1e-3, seed);
    }
  }

  /**
   * Observed training data: y = A x0 with unobserved entries 0, and the masks A (1 observed, 0 not).
   */
  public record Observed(Batch y, Batch mask) {
    public Observed {
      if (y.n() != mask.n() || y.d() != mask.d()) {
        throw new IllegalArgumentException("observations (" + y.n() + ", " + y.d() + ") and masks (" + mask.n() + ", "
            + mask.d() + ") differ in shape");
      }
    }

    public int n() {
      return y.n();
    }

    public int d() {
      return y.d();
    }
  }

  /** One training batch (float32, row-major (n, d)): network input A~ x_t, mask A~, loss weights A, targets y, times. */
  public record TrainingBatch(float[] input, float[] furtherMask, float[] lossMask, float[] target, float[] t) {}

  /**
   * The forward model applied once per example: row i of {@code clean} gets its own random pixel
   * mask (each pixel kept with probability {@code keep}, from {@code Rng.of(seed).stream(i)}).
   */
  public static Observed observe(Batch clean, double keep, long seed) {
    if (!(keep > 0 && keep <= 1)) {
      throw new IllegalArgumentException("keep must be in (0, 1], got " + keep);
    }
    Batch y = new Batch(clean.n(), clean.d());
    Batch m = new Batch(clean.n(), clean.d());
    for (int i = 0; i < clean.n(); i++) {
      Rng r = Rng.of(seed).stream(i);
      for (int j = 0; j < clean.d(); j++) {
        int g = i * clean.d() + j;
        if (r.nextDouble() < keep) {
          m.data()[g] = 1;
          y.data()[g] = clean.data()[g];
        }
      }
    }
    return new Observed(y, m);
  }

  /**
   * The Ambient Diffusion training inputs for rows {@code rows} of {@code data} at times {@code t}
   * on {@code path}: A~ = B A with B dropping each pixel with probability {@code delta}; input
   * A~ (alpha_t y + sigma_t eps); target y with loss weights A. Random numbers from {@code rng}.
   */
  public static TrainingBatch trainingBatch(Observed data, int[] rows, double[] t, double delta, VpCosinePath path,
      Rng rng) {
    int n = rows.length;
    int d = data.d();
    float[] input = new float[n * d];
    float[] further = new float[n * d];
    float[] loss = new float[n * d];
    float[] target = new float[n * d];
    float[] ts = new float[n];
    double[] eps = new double[d];
    for (int i = 0; i < n; i++) {
      double a = path.alpha(t[i]);
      double s = path.sigma(t[i]);
      ts[i] = (float) t[i];
      rng.fillGaussian(eps, 0, d);
      int base = rows[i] * d;
      for (int j = 0; j < d; j++) {
        int g = i * d + j;
        double m = data.mask().data()[base + j];
        double kept = m > 0 && rng.nextDouble() >= delta ? 1 : 0;
        further[g] = (float) kept;
        loss[g] = (float) m;
        target[g] = (float) data.y().data()[base + j];
        input[g] = (float) (kept * (a * data.y().data()[base + j] + s * eps[j]));
      }
    }
    return new TrainingBatch(input, further, loss, target, ts);
  }

  private final Config config;
  private final VpCosinePath path = new VpCosinePath();
  private final NDManager manager;
  private final TrainableNet net;
  private long steps;
  private final List<Double> losses = new ArrayList<>();

  private AmbientDiffusion(Config config, float[][] weights) {
    this.config = config;
    this.manager = DjlRuntime.newManager();
    this.net = new TrainableNet(manager, trainConfig(config), null);
    if (weights != null) {
      ParamSet p = net.params();
      for (int i = 0; i < weights.length; i++) {
        p.get(i).set(weights[i]);
      }
    }
  }

  private static TrainConfig trainConfig(Config c) {
    return TrainConfig.builder(c.network().dim()).network(c.network()).batch(c.batch()).lr(c.lr()).warmupSteps(100)
        .minLrRatio(1).emaDecay(0).seed(c.seed()).build();
  }

  /** A freshly initialised model. */
  public static AmbientDiffusion create(Config config) {
    return new AmbientDiffusion(config, null);
  }

  public Config config() {
    return config;
  }

  public VpCosinePath path() {
    return path;
  }

  public long stepsDone() {
    return steps;
  }

  /** Mean loss of the last {@code k} steps. */
  public double recentLoss(int k) {
    int n = Math.min(k, losses.size());
    double s = 0;
    for (int i = losses.size() - n; i < losses.size(); i++) {
      s += losses.get(i) / n;
    }
    return s;
  }

  /**
   * Trains on observations only until {@code maxSteps} steps are done or {@code seconds} have
   * passed. Step k draws rows, times, further masks and noise from {@code Rng.of(seed).stream(k)}.
   * The loss is sum(A (h - y)^2) / sum(A) over the batch.
   */
  public void train(Observed data, long maxSteps, double seconds, ProgressListener progress) {
    if (data.d() != config.network().dim()) {
      throw new IllegalArgumentException("observations have " + data.d() + " values, the network takes "
          + config.network().dim());
    }
    long start = System.nanoTime();
    TrainConfig tc = trainConfig(config);
    Network network = net.net();
    int n = config.batch();
    double tMax = path.tMax();
    while (steps < maxSteps && (System.nanoTime() - start) / 1e9 < seconds) {
      Rng rng = Rng.of(config.seed() ^ 0x3C6EF372FE94F82BL).stream(steps);
      int[] rows = new int[n];
      double[] t = new double[n];
      for (int i = 0; i < n; i++) {
        rows[i] = rng.nextInt(data.n());
        t[i] = T_END + (tMax - T_END) * rng.nextDouble();
      }
      TrainingBatch b = trainingBatch(data, rows, t, config.delta(), path, rng);
      try (NDManager sm = manager.newSubManager()) {
        Shape shape = network.batchShape(n);
        NDArray x = sm.create(b.input(), shape);
        NDArray c = sm.create(b.t(), new Shape(n, 1));
        NDArray w = sm.create(b.lossMask(), shape);
        NDArray y = sm.create(b.target(), shape);
        NDArray observedCount = w.sum().maximum(1f);
        Condition condition = Condition.NONE.withObserved(sm.create(b.furtherMask(), shape)).withTraining(true);
        NDArray loss;
        try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
          NDArray f = network.forward(net.params(), x, c, condition);
          loss = f.sub(y).mul(w).square().sum().div(observedCount);
          gc.backward(loss);
        }
        double value = loss.getFloat();
        NDArray[] grads = new NDArray[net.params().size()];
        double norm = net.gradients(sm, grads);
        if (Double.isFinite(value) && Double.isFinite(norm)) {
          net.update(sm, grads, tc, steps, norm);
          losses.add(value);
        }
        net.zeroGrads();
      }
      steps++;
      progress.onProgress(steps, maxSteps, String.format(java.util.Locale.ROOT, "loss %.4f", recentLoss(20)));
    }
  }

  /** The sampling masks A~: row i keeps each pixel with probability keep (1 - delta), from {@code Rng.of(seed).stream(i)}. */
  public Batch samplingMasks(int n, long seed) {
    double p = config.keep() * (1 - config.delta());
    Batch m = new Batch(n, config.network().dim());
    for (int i = 0; i < n; i++) {
      Rng r = Rng.of(seed).stream(i);
      for (int j = 0; j < m.d(); j++) {
        m.data()[i * m.d() + j] = r.nextDouble() < p ? 1 : 0;
      }
    }
    return m;
  }

  /** The model as a core x0-prediction {@link Denoiser} with the fixed masks {@code masks}, one per state row. */
  public Denoiser denoiser(Batch masks) {
    Batch m = masks.copy();
    return new Denoiser() {
      @Override
      public int dim() {
        return m.d();
      }

      @Override
      public Prediction prediction() {
        return Prediction.X0;
      }

      @Override
      public void predict(Batch x, double t, Batch out) {
        if (x.n() != m.n()) {
          throw new IllegalArgumentException("the ambient model holds " + m.n() + " masks, got " + x.n() + " states");
        }
        int n = x.n();
        float[] xs = new float[x.size()];
        float[] ms = new float[x.size()];
        for (int j = 0; j < xs.length; j++) {
          ms[j] = (float) m.data()[j];
          xs[j] = (float) (m.data()[j] * x.data()[j]);
        }
        float[] c = new float[n];
        java.util.Arrays.fill(c, (float) t);
        float[] f;
        try (NDManager sm = manager.newSubManager()) {
          Shape shape = net.net().batchShape(n);
          Condition condition = Condition.NONE.withObserved(sm.create(ms, shape));
          f = net.net().forward(net.params(), sm.create(xs, shape), sm.create(c, new Shape(n, 1)), condition)
              .toFloatArray();
        }
        for (int j = 0; j < f.length; j++) {
          out.data()[j] = f[j];
        }
      }
    };
  }

  /**
   * {@code n} clean samples by the fixed-mask sampler: DDIM (eta = 0) with {@code steps} steps on
   * the VP-cosine path from its default start to {@link #T_END}, returning the final x0
   * prediction; masks from {@link #samplingMasks}{@code (n, seed)}, noise row i from
   * {@code Rng.of(seed ^ 1).stream(i)}.
   */
  public Batch sample(int n, int steps, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    int d = config.network().dim();
    Batch x = new Batch(n, d);
    for (int i = 0; i < n; i++) {
      Rng.of(seed ^ 1).stream(i).fillGaussian(x.data(), i * d, d);
    }
    Denoiser model = denoiser(samplingMasks(n, seed));
    return Sampling.with(new DdimSampler(), model, path).steps(steps).times(Sampling.defaultStart(path), T_END)
        .denoiseFinal(true).run(x).x();
  }

  /** Writes {@code dir}/weights.npz then {@code dir}/ambient.json, each atomically. */
  public void save(Path dir) throws IOException {
    ParamFiles.writeModel(dir, WEIGHTS_FILE, net.net().specs(), net.weights(), CONFIG_FILE, config);
  }

  /** True if {@code dir} holds a saved model. */
  public static boolean isModel(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG_FILE));
  }

  /**
   * Reads a model written by {@link #save}.
   *
   * @throws FormatException if a file is malformed or a tensor is missing or has the wrong shape
   */
  public static AmbientDiffusion load(Path dir) throws IOException {
    Config config = ParamFiles.readModelConfig(dir, CONFIG_FILE, Config.class, "ambient");
    float[][] values = ParamFiles.read(dir.resolve(WEIGHTS_FILE), config.network().build().specs());
    return new AmbientDiffusion(config, values);
  }

  @Override
  public void close() {
    net.close();
    manager.close();
  }
}
