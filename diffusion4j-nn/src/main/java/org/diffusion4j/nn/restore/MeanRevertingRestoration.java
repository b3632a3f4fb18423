package org.diffusion4j.nn.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.inverse.ForwardOperator;
import org.diffusion4j.inverse.ImageShape;
import org.diffusion4j.inverse.LinearOperator;
import org.diffusion4j.inverse.Operators;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.FormatException;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamFiles;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.UNet2dConfig;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.TrainableNet;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;
import org.diffusion4j.sampler.mrs.IrSdePath;
import org.diffusion4j.sampler.mrs.MeanRevertingEuler;
import org.diffusion4j.sampler.mrs.MeanRevertingPath;
import org.diffusion4j.sampler.mrs.MrsSolver;

/**
 * Mean-reverting image restoration (IR-SDE, Luo et al. 2023, "Image Restoration with
 * Mean-Reverting Stochastic Differential Equations"): a diffusion from a clean image x0 to its
 * degraded version mu, x_t = alpha x0 + (1 - alpha) mu + sigma eps on the {@link IrSdePath}
 * (so x_1 ~ N(mu, lambda^2) is centred on the degraded image), and a U-Net that sees x_t, the
 * condition mu (concatenated as an input channel, as IR-SDE's ConditionalUNet does) and t.
 *
 * <p>Here mu = A^+ A x0, the degradation of a linear {@link ForwardOperator} lifted back to image
 * space by its pseudo-inverse (for 4x average pooling: each 4 x 4 block replaced by its mean).
 * The network predicts data in residual form, x0_hat = mu + F(x_t, mu, t), trained by the mean
 * squared error to x0 - mu with t ~ U(t_min, 1) (IR-SDE trains a noise network with a maximum-
 * likelihood step loss; data prediction is what MRS's best solver uses, Li et al. 2024, Sec. 4).
 * Samplers: {@link MrsSolver} (MRS, few steps) and {@link MeanRevertingEuler} (Euler-Maruyama on
 * the reverse SDE, IR-SDE's sampler) from x_1 ~ N(mu, sigma(1)^2) to {@link #T_END}.
 */
public final class MeanRevertingRestoration implements AutoCloseable {
  public static final String CONFIG_FILE = "mr-restoration.json";
  public static final String WEIGHTS_FILE = "weights.npz";
  /** Smallest training time and the sampling end (sigma(T_END) ~ 1e-5 lambda: noise-free to float precision). */
  public static final double T_END = 1e-3;

  /**
   * A model's settings.
   *
   * @param task degradation ({@link Operators#forTask}, linear tasks only), e.g. sr4
   * @param lambda stationary noise standard deviation of the IR-SDE (pixels in [-1, 1])
   * @param eps alpha(1) of the IR-SDE schedule
   * @param network the U-Net (one image channel, one condition channel)
   * @param batch training batch
   * @param lr AdamW learning rate
   * @param seed seed of initialisation, batches, times and noise
   */
  public record Config(String task, double lambda, double eps, UNet2dConfig network, int batch, double lr, long seed) {
    public Config {
      if (task == null) {
        throw new IllegalArgumentException("missing degradation task");
      }
      new IrSdePath(lambda, eps);
      if (network == null || network.channels() != 1 || network.condChannels() != 1 || network.classes() != 0) {
        throw new IllegalArgumentException("the restoration U-Net needs 1 image channel, 1 condition channel and no"
            + " classes, got " + network);
      }
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be >= 1, got " + batch);
      }
      if (!(lr > 0)) {
        throw new IllegalArgumentException("lr must be > 0, got " + lr);
      }
    }

    /**
     * A tiny U-Net for 28 x 28 digits, sized for minutes of CPU training (base 8 channels, levels
     * 28 and 14, one residual block per level, attention only in the middle, no dropout),
     * IR-SDE's lambda = 10/255 in [0, 1] units (20/255 here), eps = 0.005, batch 32, lr 1e-3.
     */
    public static Config small(String task, long seed) {
      UNet2dConfig net = new UNet2dConfig(1, 28, 28, 8, new int[] {1, 2}, 1, new int[0], 2, 0.0, 4, 0, 1, seed);
      return new Config(task, 20.0 / 255, 0.005, net, 32, 1e-3, seed);
    }
  }

  private final Config config;
  private final LinearOperator operator;
  private final IrSdePath path;
  private final NDManager manager;
  private final TrainableNet net;
  private long steps;
  private final java.util.List<Double> losses = new java.util.ArrayList<>();

  private MeanRevertingRestoration(Config config, float[][] weights) {
    this.config = config;
    this.operator = linearOperator(config.task());
    this.path = new IrSdePath(config.lambda(), config.eps());
    this.manager = DjlRuntime.newManager();
    TrainConfig tc = trainConfig(config);
    this.net = new TrainableNet(manager, tc, null);
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

  /** The operator of {@code task} on 28 x 28 grey images; it must be linear (mu = A^+ A x0 needs A^+). */
  public static LinearOperator linearOperator(String task) {
    ForwardOperator op = Operators.forTask(task, ImageShape.grey(28), 0);
    if (!(op instanceof LinearOperator lin)) {
      throw new IllegalArgumentException("mean-reverting restoration needs a linear degradation; " + task + " is not");
    }
    return lin;
  }

  /** A freshly initialised model. */
  public static MeanRevertingRestoration create(Config config) {
    return new MeanRevertingRestoration(config, null);
  }

  public Config config() {
    return config;
  }

  public IrSdePath path() {
    return path;
  }

  public LinearOperator operator() {
    return operator;
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

  /** The degraded image in image space: mu = A^+ A x (no measurement noise). */
  public Batch degrade(Batch clean) {
    return lift(operator.apply(clean));
  }

  /** A measurement y lifted to image space: mu = A^+ y. */
  public Batch lift(Batch y) {
    return operator.pseudoInverse(y);
  }

  /**
   * Trains until {@code maxSteps} steps are done or {@code seconds} have passed. Step k draws its
   * batch indices, times and noise from {@code Rng.of(seed).stream(k)}.
   */
  public void train(Dataset data, long maxSteps, double seconds, ProgressListener progress) {
    if (data.dim() != operator.inputDim()) {
      throw new IllegalArgumentException("training images have " + data.dim() + " values, the operator takes "
          + operator.inputDim());
    }
    long start = System.nanoTime();
    TrainConfig tc = trainConfig(config);
    Network network = net.net();
    int n = config.batch();
    int d = data.dim();
    while (steps < maxSteps && (System.nanoTime() - start) / 1e9 < seconds) {
      Rng rng = Rng.of(config.seed()).stream(steps);
      Batch x0 = new Batch(n, d);
      for (int i = 0; i < n; i++) {
        int idx = rng.nextInt(data.n());
        System.arraycopy(data.data().data(), idx * d, x0.data(), i * d, d);
      }
      Batch mu = degrade(x0);
      float[] xt = new float[n * d];
      float[] cond = new float[n * d];
      float[] target = new float[n * d];
      float[] tIn = new float[n];
      double[] eps = new double[d];
      for (int i = 0; i < n; i++) {
        double t = T_END + (1 - T_END) * rng.nextDouble();
        double a = path.alpha(t);
        double s = path.sigma(t);
        rng.fillGaussian(eps, 0, d);
        tIn[i] = (float) t;
        for (int j = 0; j < d; j++) {
          int g = i * d + j;
          double m = mu.data()[g];
          double c = x0.data()[g];
          xt[g] = (float) (a * c + (1 - a) * m + s * eps[j]);
          cond[g] = (float) m;
          target[g] = (float) (c - m);
        }
      }
      try (NDManager sm = manager.newSubManager()) {
        Shape shape = network.batchShape(n);
        NDArray x = sm.create(xt, shape);
        NDArray c = sm.create(tIn, new Shape(n, 1));
        NDArray y = sm.create(target, shape);
        Condition condition = Condition.NONE.withObserved(sm.create(cond, shape)).withTraining(true);
        NDArray loss;
        try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
          NDArray f = network.forward(net.params(), x, c, condition);
          loss = f.sub(y).square().mean();
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

  /** x0_hat = mu + F(x_t, mu, t) for every row, in float32 through the network. */
  private void predictX0(Batch x, Batch mu, double t, Batch out) {
    int n = x.n();
    int d = x.d();
    float[] xs = new float[n * d];
    float[] ms = new float[n * d];
    for (int j = 0; j < xs.length; j++) {
      xs[j] = (float) x.data()[j];
      ms[j] = (float) mu.data()[j];
    }
    float[] c = new float[n];
    java.util.Arrays.fill(c, (float) t);
    float[] f;
    try (NDManager sm = manager.newSubManager()) {
      Shape shape = net.net().batchShape(n);
      Condition condition = Condition.NONE.withObserved(sm.create(ms, shape));
      f = net.net().forward(net.params(), sm.create(xs, shape), sm.create(c, new Shape(n, 1)), condition).toFloatArray();
    }
    for (int j = 0; j < f.length; j++) {
      out.data()[j] = mu.data()[j] + f[j];
    }
  }

  /** The model as a core {@link Denoiser} (data prediction) for the rows of {@code mu}, one per state row. */
  public Denoiser denoiser(Batch mu) {
    Batch m = mu.copy();
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
          throw new IllegalArgumentException("the restoration model holds " + m.n() + " degraded images, got "
              + x.n() + " states");
        }
        predictX0(x, m, t, out);
      }
    };
  }

  /** How to integrate the reverse process. */
  public enum Sampler {
    /** MRS, data prediction, order 2, reverse SDE (Li et al. 2024). */
    MRS_SDE,
    /** MRS, data prediction, order 2, probability-flow ODE. */
    MRS_ODE,
    /** Euler-Maruyama on the reverse SDE (IR-SDE's sampler), uniform in t. */
    EULER_MARUYAMA
  }

  /**
   * Restores the degraded images {@code mu} with {@code steps} model evaluations: x_1 ~ N(mu,
   * sigma(1)^2) (row i from {@code Rng.of(seed).stream(i)}), integrated to {@link #T_END}.
   */
  public Batch restore(Batch mu, Sampler sampler, int steps, long seed) {
    if (mu.d() != operator.inputDim()) {
      throw new IllegalArgumentException("degraded images must have " + operator.inputDim() + " values, got " + mu.d());
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    MeanRevertingPath mr = new MeanRevertingPath(path, mu);
    Batch x1 = mr.prior(seed, mu.n());
    Denoiser model = denoiser(mu);
    long noiseSeed = seed ^ 0x5DEECE66DL;
    return switch (sampler) {
      case MRS_SDE -> new MrsSolver(Prediction.X0, 2, true).sample(model, mr, x1,
          MrsSolver.logSnrTimes(path, 1, T_END, steps), noiseSeed);
      case MRS_ODE -> new MrsSolver(Prediction.X0, 2, false).sample(model, mr, x1,
          MrsSolver.logSnrTimes(path, 1, T_END, steps), noiseSeed);
      case EULER_MARUYAMA -> new MeanRevertingEuler(1).sample(model, mr, x1, uniformTimes(steps), noiseSeed);
    };
  }

  private static double[] uniformTimes(int steps) {
    double[] ts = new double[steps + 1];
    for (int i = 0; i <= steps; i++) {
      ts[i] = 1 - (1 - T_END) * i / steps;
    }
    return ts;
  }

  /** Writes {@code dir}/weights.npz then {@code dir}/mr-restoration.json, each atomically. */
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
  public static MeanRevertingRestoration load(Path dir) throws IOException {
    Config config = ParamFiles.readModelConfig(dir, CONFIG_FILE, Config.class, "mr-restoration");
    float[][] values = ParamFiles.read(dir.resolve(WEIGHTS_FILE), config.network().build().specs());
    return new MeanRevertingRestoration(config, values);
  }

  @Override
  public void close() {
    net.close();
    manager.close();
  }
}
