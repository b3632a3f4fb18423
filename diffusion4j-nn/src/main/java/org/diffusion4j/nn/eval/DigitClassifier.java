package org.diffusion4j.nn.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.FormatException;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.nn.net.ParamInit;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;

/**
 * A small CNN that classifies 28 x 28 digits in [-1, 1] (flattened to 784 values), used as the
 * evaluation network for generated MNIST samples: its class probabilities give the Inception-score
 * analogue and its penultimate activations the features for the Fréchet distance (the role
 * Inception-v3 plays for FID, Heusel et al. 2017).
 *
 * <p>Architecture: conv 3x3 (C1, zero padding 1) - ReLU - max-pool 2x2 - conv 3x3 (C2) - ReLU -
 * max-pool 2x2 - dense H - ReLU (the features) - dense 10 (logits). Initialisation is PyTorch's
 * default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) from {@link ParamInit} (seeded, engine-independent).
 *
 * <p>Training ({@link #train}): softmax cross-entropy, AdamW (Loshchilov &amp; Hutter 2019,
 * Algorithm 2, with Adam's bias correction) with a cosine learning-rate decay to 0, mini-batches
 * from seeded epoch permutations, and optional random translations of up to {@code maxShift}
 * pixels (background -1) as augmentation. Every random choice comes from {@code Rng.of(seed)},
 * so a run is bitwise reproducible at a fixed PyTorch thread count.
 *
 * <p>Saved as a directory: {@code classifier.json} (the {@link Config}) and {@code weights.npz}
 * (one float32 array per parameter tensor, named as in {@link #specs}), both written atomically;
 * the weights go first, so a directory with a config is complete.
 */
public final class DigitClassifier implements AutoCloseable {
  public static final String CONFIG_FILE = "classifier.json";
  public static final String WEIGHTS_FILE = "weights.npz";
  /** Rows per forward pass when evaluating. */
  private static final int EVAL_CHUNK = 500;
  private static final long ORDER_STREAM = 1;
  private static final long STEP_STREAM = 2;

  /**
   * Network sizes.
   *
   * @param conv1 channels of the first convolution
   * @param conv2 channels of the second convolution
   * @param hidden width of the penultimate dense layer (the feature dimension)
   */
  public record Config(int conv1, int conv2, int hidden) {
    public Config {
      if (conv1 < 1 || conv2 < 1 || hidden < 1) {
        throw new IllegalArgumentException("classifier sizes must be at least 1, got conv1 " + conv1 + ", conv2 " + conv2
            + ", hidden " + hidden);
      }
    }

    /** The evaluation network: 32 and 64 channels, 128 features. */
    public static Config standard() {
      return new Config(32, 64, 128);
    }
  }

  /**
   * Training settings.
   *
   * @param steps optimiser steps
   * @param batch digits per step
   * @param learningRate peak AdamW learning rate (cosine-decayed to 0 over {@code steps})
   * @param weightDecay decoupled weight decay (applied to weight matrices and kernels, not biases)
   * @param maxShift largest random translation in pixels (0 turns augmentation off)
   */
  public record TrainOptions(int steps, int batch, double learningRate, double weightDecay, int maxShift) {
    public TrainOptions {
      if (steps < 1) {
        throw new IllegalArgumentException("classifier training: steps must be at least 1, got " + steps);
      }
      if (batch < 1) {
        throw new IllegalArgumentException("classifier training: batch must be at least 1, got " + batch);
      }
      if (!(learningRate > 0 && learningRate < 1)) {
        throw new IllegalArgumentException("classifier training: learning rate " + learningRate + " is outside (0, 1)");
      }
      if (!(weightDecay >= 0 && weightDecay < 1)) {
        throw new IllegalArgumentException("classifier training: weight decay " + weightDecay + " is outside [0, 1)");
      }
      if (maxShift < 0 || maxShift > 8) {
        throw new IllegalArgumentException("classifier training: max shift " + maxShift + " is outside [0, 8]");
      }
    }

    /** {@code steps} steps of 64 digits, learning rate 2e-3, weight decay 1e-4, shifts up to 2 pixels. */
    public static TrainOptions of(int steps) {
      return new TrainOptions(steps, 64, 2e-3, 1e-4, 2);
    }

    public TrainOptions withMaxShift(int shift) {
      return new TrainOptions(steps, batch, learningRate, weightDecay, shift);
    }
  }

  private final Config config;
  private final NDManager manager;
  private final ParamSet params;

  private DigitClassifier(Config config, float[][] values, boolean trainable) {
    this.config = config;
    this.manager = DjlRuntime.newManager();
    this.params = ParamSet.of(manager, specs(config), values, trainable);
  }

  /** Parameter tensors: conv1.w (C1,1,3,3), conv1.b, conv2.w (C2,C1,3,3), conv2.b, fc.w (H, C2*49), fc.b, out.w (10,H), out.b. */
  public static List<ParamSpec> specs(Config c) {
    return List.of(
        new ParamSpec("conv1.w", new long[] {c.conv1(), 1, 3, 3}), new ParamSpec("conv1.b", new long[] {c.conv1()}),
        new ParamSpec("conv2.w", new long[] {c.conv2(), c.conv1(), 3, 3}), new ParamSpec("conv2.b", new long[] {c.conv2()}),
        new ParamSpec("fc.w", new long[] {c.hidden(), c.conv2() * 49L}), new ParamSpec("fc.b", new long[] {c.hidden()}),
        new ParamSpec("out.w", new long[] {Mnist.CLASSES, c.hidden()}), new ParamSpec("out.b", new long[] {Mnist.CLASSES}));
  }

  /** A freshly initialised (untrained) classifier. */
  public static DigitClassifier initialise(Config config, long seed) {
    return new DigitClassifier(config, initialValues(config, seed), false);
  }

  private static float[][] initialValues(Config config, long seed) {
    List<ParamSpec> specs = specs(config);
    ParamInit.Kind[] kinds = new ParamInit.Kind[specs.size()];
    String[] fanInOf = new String[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      kinds[i] = ParamInit.Kind.FAN_IN;
      // A bias uses its layer's fan-in, as torch.nn.Linear / Conv2d do.
      fanInOf[i] = i % 2 == 1 ? specs.get(i - 1).name() : null;
    }
    return ParamInit.values(seed, specs, kinds, fanInOf);
  }

  /**
   * Trains a classifier on {@code train} (labelled 784-value digits). Only the rows given are
   * used: pass {@link Mnist#train()} (or a part of it), never the held-out split.
   *
   * @param progress receives (step, steps, "loss L") every 10 steps; may be null
   */
  public static DigitClassifier train(Dataset train, Config config, TrainOptions options, long seed,
      ProgressListener progress) {
    requireDigits(train.data(), "training data");
    if (train.labels() == null) {
      throw new IllegalArgumentException("training data " + train.name() + " has no labels");
    }
    for (int i = 0; i < train.n(); i++) {
      if (train.labels()[i] < 0 || train.labels()[i] >= Mnist.CLASSES) {
        throw new IllegalArgumentException("training label " + train.labels()[i] + " at row " + i
            + " is outside 0..9");
      }
    }
    DigitClassifier c = new DigitClassifier(config, initialValues(config, seed), true);
    try {
      c.fit(train, options, seed, progress);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void fit(Dataset train, TrainOptions opt, long seed, ProgressListener progress) {
    int n = opt.batch();
    int nData = train.n();
    double[] src = train.data().data();
    int[] perm = null;
    long permEpoch = -1;
    ParamSet m = ParamSet.of(manager, params.specs(), zeros(), false);
    ParamSet v = ParamSet.of(manager, params.specs(), zeros(), false);
    double b1 = 0.9;
    double b2 = 0.999;
    double runningLoss = Double.NaN;
    try {
      for (int k = 0; k < opt.steps(); k++) {
        float[] x = new float[n * Mnist.PIXELS];
        float[] oneHot = new float[n * Mnist.CLASSES];
        Rng stepRng = Rng.of(seed).stream(STEP_STREAM, k);
        for (int i = 0; i < n; i++) {
          long pos = (long) k * n + i;
          long epoch = pos / nData;
          if (epoch != permEpoch) {
            perm = permutation(nData, Rng.of(seed).stream(ORDER_STREAM, epoch));
            permEpoch = epoch;
          }
          int idx = perm[(int) (pos % nData)];
          Rng r = stepRng.stream(i);
          int dy = opt.maxShift() == 0 ? 0 : r.nextInt(2 * opt.maxShift() + 1) - opt.maxShift();
          int dx = opt.maxShift() == 0 ? 0 : r.nextInt(2 * opt.maxShift() + 1) - opt.maxShift();
          shifted(src, idx * Mnist.PIXELS, x, i * Mnist.PIXELS, dy, dx);
          oneHot[i * Mnist.CLASSES + train.labels()[idx]] = 1;
        }
        double lr = opt.learningRate() * 0.5 * (1 + Math.cos(Math.PI * k / opt.steps()));
        try (NDManager sm = manager.newSubManager()) {
          NDArray xa = sm.create(x, new Shape(n, 1, Mnist.SIDE, Mnist.SIDE));
          NDArray ya = sm.create(oneHot, new Shape(n, Mnist.CLASSES));
          NDArray loss;
          try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            NDArray logits = forward(xa, false);
            loss = logits.logSoftmax(1).mul(ya).sum().div(Layers.scalar(logits, -n));
            gc.backward(loss);
          }
          double l = loss.getFloat();
          if (!Double.isFinite(l)) {
            throw new IllegalStateException("classifier training diverged at step " + k + ": loss " + l
                + "; lower the learning rate");
          }
          runningLoss = Double.isNaN(runningLoss) ? l : 0.98 * runningLoss + 0.02 * l;
          double bc1 = 1 - Math.pow(b1, k + 1);
          double bc2 = 1 - Math.pow(b2, k + 1);
          for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = p.getGradient();
            g.attach(sm);
            m.get(i).muli((float) b1).addi(g.mul((float) (1 - b1)));
            v.get(i).muli((float) b2).addi(g.square().muli((float) (1 - b2)));
            NDArray vHat = v.get(i).div((float) bc2);
            vHat.attach(sm);
            NDArray denom = vHat.sqrt().addi(1e-8f);
            NDArray update = m.get(i).div(denom);
            update.attach(sm);
            update.muli((float) (lr / bc1));
            if (i % 2 == 0 && opt.weightDecay() > 0) {
              p.muli((float) (1 - lr * opt.weightDecay()));
            }
            p.subi(update);
            JniUtils.zeroGrad((PtNDArray) p);
          }
        }
        if (progress != null && ((k + 1) % 10 == 0 || k + 1 == opt.steps())) {
          progress.onProgress(k + 1, opt.steps(), String.format("loss %.4f", runningLoss));
        }
      }
    } finally {
      m.close();
      v.close();
    }
  }

  private float[][] zeros() {
    float[][] z = new float[params.size()][];
    for (int i = 0; i < z.length; i++) {
      z[i] = new float[params.specs().get(i).size()];
    }
    return z;
  }

  private static int[] permutation(int n, Rng r) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = r.nextInt(i + 1);
      int tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    return perm;
  }

  /** Copies a digit translated by (dy, dx) pixels; uncovered pixels get the background value -1. */
  private static void shifted(double[] src, int from, float[] dst, int to, int dy, int dx) {
    for (int r = 0; r < Mnist.SIDE; r++) {
      int sr = r - dy;
      for (int c = 0; c < Mnist.SIDE; c++) {
        int sc = c - dx;
        boolean inside = sr >= 0 && sr < Mnist.SIDE && sc >= 0 && sc < Mnist.SIDE;
        dst[to + r * Mnist.SIDE + c] = inside ? (float) src[from + sr * Mnist.SIDE + sc] : -1f;
      }
    }
  }

  /** Logits (n, 10), or the features (n, H) when {@code featuresOnly}; x (n, 1, 28, 28). */
  private NDArray forward(NDArray x, boolean featuresOnly) {
    Shape pool = new Shape(2, 2);
    NDArray h = Layers.conv2d(x, params.get(0), params.get(1), 1, 1).getNDArrayInternal().relu();
    h = Pool.maxPool2d(h, pool, pool, new Shape(0, 0), false);
    h = Layers.conv2d(h, params.get(2), params.get(3), 1, 1).getNDArrayInternal().relu();
    h = Pool.maxPool2d(h, pool, pool, new Shape(0, 0), false);
    h = Layers.linear(h.reshape(h.getShape().get(0), -1), params.get(4), params.get(5)).getNDArrayInternal().relu();
    return featuresOnly ? h : Layers.linear(h, params.get(6), params.get(7));
  }

  public Config config() {
    return config;
  }

  /** Number of features {@link #features} returns per digit. */
  public int featureDim() {
    return config.hidden();
  }

  /** Current weights (copies), one flat array per tensor of {@link #specs}. */
  public float[][] weights() {
    return params.toFloats();
  }

  /** Class probabilities p(y | x) (n, 10) of digits {@code x} (n, 784). */
  public Batch probabilities(Batch x) {
    return evaluate(x, false);
  }

  /** Penultimate-layer features (n, H), H = {@link #featureDim()}, of digits {@code x} (n, 784). */
  public Batch features(Batch x) {
    return evaluate(x, true);
  }

  /** Most probable class of each digit. */
  public int[] predict(Batch x) {
    Batch p = probabilities(x);
    int[] y = new int[x.n()];
    for (int i = 0; i < y.length; i++) {
      int best = 0;
      for (int j = 1; j < Mnist.CLASSES; j++) {
        if (p.get(i, j) > p.get(i, best)) {
          best = j;
        }
      }
      y[i] = best;
    }
    return y;
  }

  /** Fraction of {@code x}'s digits predicted as {@code labels}. */
  public double accuracy(Batch x, int[] labels) {
    if (labels.length != x.n()) {
      throw new IllegalArgumentException("accuracy: " + x.n() + " digits but " + labels.length + " labels");
    }
    int[] y = predict(x);
    int right = 0;
    for (int i = 0; i < y.length; i++) {
      if (labels[i] < 0 || labels[i] >= Mnist.CLASSES) {
        throw new IllegalArgumentException("accuracy: label " + labels[i] + " at row " + i + " is outside 0..9");
      }
      if (y[i] == labels[i]) {
        right++;
      }
    }
    return (double) right / y.length;
  }

  /** Accuracy on a labelled data set. */
  public double accuracy(Dataset data) {
    if (data.labels() == null) {
      throw new IllegalArgumentException("accuracy: data set " + data.name() + " has no labels");
    }
    return accuracy(data.data(), data.labels());
  }

  private Batch evaluate(Batch x, boolean featuresOnly) {
    requireDigits(x, "classifier input");
    int width = featuresOnly ? config.hidden() : Mnist.CLASSES;
    Batch out = new Batch(x.n(), width);
    for (int from = 0; from < x.n(); from += EVAL_CHUNK) {
      int rows = Math.min(EVAL_CHUNK, x.n() - from);
      float[] in = new float[rows * Mnist.PIXELS];
      double[] src = x.data();
      for (int j = 0; j < in.length; j++) {
        in[j] = (float) src[from * Mnist.PIXELS + j];
      }
      try (NDManager sm = manager.newSubManager()) {
        NDArray r = forward(sm.create(in, new Shape(rows, 1, Mnist.SIDE, Mnist.SIDE)), featuresOnly);
        if (!featuresOnly) {
          r = r.softmax(1);
        }
        float[] v = r.toFloatArray();
        for (int j = 0; j < v.length; j++) {
          out.data()[from * width + j] = v[j];
        }
      }
    }
    return out;
  }

  private static void requireDigits(Batch x, String what) {
    if (x.d() != Mnist.PIXELS) {
      throw new IllegalArgumentException(what + " has " + x.d() + " values per row; a 28 x 28 digit needs "
          + Mnist.PIXELS);
    }
    int bad = x.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException(what + " has a non-finite value at row " + bad / x.d() + ", column "
          + bad % x.d());
    }
  }

  /** Writes {@code dir}/weights.npz then {@code dir}/classifier.json, each atomically. */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    org.diffusion4j.nn.net.ParamFiles.write(dir.resolve(WEIGHTS_FILE), params.specs(), params.toFloats());
    AtomicFiles.writeString(dir.resolve(CONFIG_FILE), JsonRecords.toJson(config) + "\n");
  }

  /**
   * Reads a classifier written by {@link #save}.
   *
   * @throws FormatException if a file is malformed or a tensor is missing or has the wrong shape
   */
  public static DigitClassifier load(Path dir) throws IOException {
    Path cfgFile = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(cfgFile)) {
      throw new java.nio.file.NoSuchFileException(cfgFile + " (not a classifier directory)");
    }
    if (!(Json.parse(Files.readString(cfgFile)) instanceof Map<?, ?> json)) {
      throw new FormatException(cfgFile + ": expected a JSON object");
    }
    Config config = JsonRecords.fromJson(Config.class, json, "classifier");
    float[][] values = org.diffusion4j.nn.net.ParamFiles.read(dir.resolve(WEIGHTS_FILE), specs(config));
    return new DigitClassifier(config, values, false);
  }

  @Override
  public void close() {
    manager.close();
  }
}
