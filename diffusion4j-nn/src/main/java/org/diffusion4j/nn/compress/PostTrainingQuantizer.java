package org.diffusion4j.nn.compress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.compress.CalibrationTimes;
import org.diffusion4j.compress.UniformQuantizer;
import org.diffusion4j.compress.UniformQuantizer.RangeMethod;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.NetworkConfig;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.nn.objective.Parameterisation;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/**
 * Post-training quantisation of a trained network after PTQ4DM (Shang et al., "Post-training
 * Quantization on Diffusion Models", CVPR 2023; official code 42Shawn/PTQ4DM, which builds on QDrop):
 *
 * <ol>
 *   <li><b>Weights.</b> Every weight tensor of rank >= 2 (linear and convolution kernels; biases and
 *       normalisation scales stay float, as QDrop's {@code QuantModule}) is fake-quantised with
 *       {@link UniformQuantizer}, per output channel or per tensor, its range by the official
 *       p = 2.4 search (or min-max). Below 8 bits the first and the last convolution keep 8 bits
 *       (official {@code set_first_last_layer_to_8bit}).</li>
 *   <li><b>Calibration set.</b> The full-precision model runs a K-step DDIM chain (Song et al.
 *       2021; Euler on the velocity for flow paths) from noise for n samples with balanced class
 *       labels; sample i is taken at chain step k_i from {@link CalibrationTimes} (PTQ4DM's
 *       normal-around-the-middle draw, uniform steps, or the last step), as the official
 *       {@code backward_t_calib_data_generator}. The official code labels every sample with class 1
 *       (a "TODO"); here labels cycle through the classes.</li>
 *   <li><b>Activations.</b> The output of every weight layer except the network's last gets one
 *       per-tensor b-bit quantiser whose range is searched on each calibration batch and averaged
 *       as the official {@code leaf_param} running range (0.1 new + 0.9 old). The ranges are
 *       collected with the weights already quantised and the activations in float (the official
 *       code initialises them layer by layer with the earlier ones quantised).</li>
 * </ol>
 * No AdaRound/BRECQ reconstruction is run (the official scripts add it with {@code --iters_w}).
 * Everything is simulated quantisation (see {@link FakeQuantNetConfig}).
 */
public final class PostTrainingQuantizer {
  /** Calibration rows per forward pass. */
  static final int CALIBRATION_BATCH = 32;
  /** Values per layer output and batch that the range search sees (an evenly strided subsample). */
  static final int SEARCH_VALUES = 8192;
  /** Weight of a new batch in the running activation range (official {@code update_quantize_range}). */
  static final double RANGE_MOMENTUM = 0.1;

  /**
   * What to quantise and how.
   *
   * @param weightBits 32 (keep float), 8 or 4 (any of 2..16)
   * @param activationBits 0 (float activations) or 2..16
   * @param perChannel one weight quantiser per output channel (else per tensor)
   * @param calibration where the calibration samples come from
   * @param weightRange how weight ranges are chosen
   * @param activationRange how activation ranges are chosen
   * @param calibrationSamples n, the calibration set size
   * @param chainSteps K, the steps of the calibration sampling chain
   * @param seed seeds the chain's noise and the PTQ4DM step draws
   */
  public record Options(int weightBits, int activationBits, boolean perChannel, CalibrationTimes calibration,
      RangeMethod weightRange, RangeMethod activationRange, int calibrationSamples, int chainSteps, long seed) {
    public Options {
      if (weightBits != 32) {
        UniformQuantizer.requireBits(weightBits);
      }
      if (activationBits != 0) {
        UniformQuantizer.requireBits(activationBits);
      }
      if (calibrationSamples < 1 || chainSteps < 1) {
        throw new IllegalArgumentException("calibration needs >= 1 samples and >= 1 chain steps, got "
            + calibrationSamples + " and " + chainSteps);
      }
    }

    /** PTQ4DM's defaults: MSE-searched ranges, 128 calibration samples (its CIFAR/ImageNet scripts use 128-1024), a 20-step chain. */
    public static Options of(int weightBits, int activationBits, boolean perChannel, CalibrationTimes calibration,
        long seed) {
      return new Options(weightBits, activationBits, perChannel, calibration, RangeMethod.MSE, RangeMethod.MSE, 128, 20,
          seed);
    }
  }

  /**
   * The outcome: a checkpoint to write into a run directory and what was done.
   *
   * @param checkpoint the quantised model (its config's network is a {@link FakeQuantNetConfig})
   * @param report sizes and settings
   */
  public record Result(Checkpoint checkpoint, Report report) {}

  /**
   * What the quantiser did.
   *
   * @param weightBits, activationBits, perChannel, calibration, weightRange, activationRange the settings
   * @param parameters all scalar parameters
   * @param quantizedParameters those stored at {@code weightBits} (weight kernels)
   * @param floatBytes size of all parameters in float32
   * @param quantizedBytes packed size: kernels at their bit width, one float32 step and zero point per
   *     quantiser, every other tensor and each activation range in float32
   * @param activationLayers quantised layer outputs
   * @param calibrationSteps the chain step of every calibration sample
   */
  public record Report(int weightBits, int activationBits, boolean perChannel, String calibration, String weightRange,
      String activationRange, long parameters, long quantizedParameters, long floatBytes, long quantizedBytes,
      int activationLayers, int[] calibrationSteps) {
    /** Quantised size over float32 size. */
    public double sizeRatio() {
      return (double) quantizedBytes / floatBytes;
    }
  }

  private PostTrainingQuantizer() {}

  /** Quantises the EMA weights of {@code fp} (a full-precision checkpoint). */
  public static Result quantize(Checkpoint fp, Options o) {
    TrainConfig config = fp.config();
    if (config.network() instanceof FakeQuantNetConfig) {
      throw new IllegalArgumentException("the model is already quantised (" + config.network() + ")");
    }
    List<ParamSpec> specs = fp.specs();
    float[][] weights = fp.ema();
    float[][] q = new float[weights.length][];
    int firstConv = -1;
    int lastConv = -1;
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).shape().length >= 3) {
        firstConv = firstConv < 0 ? i : firstConv;
        lastConv = i;
      }
    }
    long params = 0;
    long quantized = 0;
    long bytesBits = 0; // packed size in bits
    for (int i = 0; i < specs.size(); i++) {
      long[] shape = specs.get(i).shape();
      params += weights[i].length;
      if (o.weightBits() == 32 || shape.length < 2) {
        q[i] = weights[i].clone();
        bytesBits += 32L * weights[i].length;
        continue;
      }
      int bits = (i == firstConv || i == lastConv) ? Math.max(o.weightBits(), 8) : o.weightBits();
      q[i] = new float[weights[i].length];
      UniformQuantizer.Params[] ps = UniformQuantizer.quantizeWeights(weights[i], Math.toIntExact(shape[0]),
          o.perChannel(), bits, o.weightRange(), q[i]);
      quantized += weights[i].length;
      bytesBits += (long) bits * weights[i].length + 64L * ps.length;
    }
    int[] steps = new int[0];
    double[][] ranges = {new double[0], new double[0]};
    if (o.activationBits() > 0) {
      Rng rng = Rng.of(o.seed());
      steps = o.calibration().steps(o.calibrationSamples(), o.chainSteps(), rng.stream(0));
      Calibration cal = calibrationSet(config, weights, steps, o.chainSteps(), rng.stream(1));
      ranges = activationRanges(config.network(), q, cal, o);
      bytesBits += 64L * ranges[0].length;
    }
    NetworkConfig net = new FakeQuantNetConfig(config.network(), o.weightBits(), o.perChannel(),
        o.activationBits() == 0 ? "none" : o.calibration().name().toLowerCase(java.util.Locale.ROOT),
        o.activationBits(), ranges[0], ranges[1]);
    TrainConfig qc = config.toBuilder().network(net).build();
    Checkpoint out = new Checkpoint(qc, fp.step(), fp.skippedSteps(), fp.samplerState(), specs, q, q, fp.adamM(),
        fp.adamV(), fp.losses());
    Report report = new Report(o.weightBits(), o.activationBits(), o.perChannel(), net instanceof FakeQuantNetConfig f
        ? f.calibration() : "none", o.weightRange().name().toLowerCase(java.util.Locale.ROOT),
        o.activationRange().name().toLowerCase(java.util.Locale.ROOT), params, quantized, 4 * params,
        (bytesBits + 7) / 8, ranges[0].length, steps);
    return new Result(out, report);
  }

  /** Network inputs of the calibration set: scaled x (n, d), c_noise (n) and labels (n, or null). */
  record Calibration(float[] inputs, float[] cNoise, int[] labels, int n) {}

  /**
   * Runs the full-precision model's DDIM chain and keeps sample i's network input at chain step
   * steps[i]; chain times are uniform in t over the trained range, from its top to its bottom.
   */
  static Calibration calibrationSet(TrainConfig config, float[][] fpWeights, int[] steps, int chainSteps, Rng noise) {
    int n = steps.length;
    int d = config.network().dim();
    int classes = config.network().classes();
    float[] inputs = new float[n * d];
    float[] cNoise = new float[n];
    int[] labels = classes > 0 ? new int[n] : null;
    try (NeuralDenoiser den = NeuralDenoiser.of(config, fpWeights)) {
      GaussianPath range = den.samplingPath();
      GaussianPath path = den.path();
      double tHi = range.tMax();
      double tLo = range.tMin();
      int groups = Math.max(1, classes);
      for (int g = 0; g < groups; g++) {
        List<Integer> rows = new ArrayList<>();
        for (int i = g; i < n; i += groups) {
          rows.add(i);
        }
        if (rows.isEmpty()) {
          continue;
        }
        NeuralDenoiser model = classes > 0 ? den.forClass(g) : den;
        Batch x = new Batch(rows.size(), d);
        for (int r = 0; r < rows.size(); r++) {
          noise.stream(rows.get(r)).fillGaussian(x.data(), r * d, d);
        }
        double prior = path.priorStd(tHi);
        x.scale(prior);
        Batch pred = x.zerosLike();
        Batch x0 = x.zerosLike();
        Batch eps = x.zerosLike();
        for (int k = 0; k < chainSteps; k++) {
          double t = tHi + (tLo - tHi) * k / chainSteps;
          double tNext = tHi + (tLo - tHi) * (k + 1) / chainSteps;
          Parameterisation p = Parameterisation.of(config.objective(), path, config.sigmaData(), t);
          for (int r = 0; r < rows.size(); r++) {
            int i = rows.get(r);
            if (steps[i] == k) {
              for (int j = 0; j < d; j++) {
                inputs[i * d + j] = (float) (p.cIn() * x.data()[r * d + j]);
              }
              cNoise[i] = (float) p.cNoise();
              if (labels != null) {
                labels[i] = g;
              }
            }
          }
          model.predict(x, t, pred);
          Predictions.convert(path, t, x, model.prediction(), pred, Prediction.X0, x0);
          Predictions.convert(path, t, x, model.prediction(), pred, Prediction.EPSILON, eps);
          x.setLinear(path.alpha(tNext), x0, path.sigma(tNext), eps);
        }
      }
    }
    return new Calibration(inputs, cNoise, labels, n);
  }

  /** Per-layer running activation ranges {low[], high[]} of the weight-quantised network on the calibration set. */
  static double[][] activationRanges(NetworkConfig netConfig, float[][] quantizedWeights, Calibration cal, Options o) {
    Network net = netConfig.build();
    int classes = netConfig.classes();
    int d = netConfig.dim();
    List<double[]> running = new ArrayList<>();
    try (NDManager manager = DjlRuntime.newManager()) {
      ParamSet params = ParamSet.of(manager, net.specs(), quantizedWeights, false);
      for (int from = 0; from < cal.n(); from += CALIBRATION_BATCH) {
        int rows = Math.min(CALIBRATION_BATCH, cal.n() - from);
        try (NDManager sm = manager.newSubManager()) {
          NDArray x = sm.create(Arrays.copyOfRange(cal.inputs(), from * d, (from + rows) * d), net.batchShape(rows));
          NDArray c = sm.create(Arrays.copyOfRange(cal.cNoise(), from, from + rows), new Shape(rows, 1));
          Condition cond = Condition.NONE;
          if (classes > 0) {
            int[] labels = Arrays.copyOfRange(cal.labels(), from, from + rows);
            cond = Condition.ofClasses(sm.create(Condition.oneHot(labels, classes), new Shape(rows, classes + 1)));
          }
          List<float[]> outputs = new ArrayList<>();
          Condition condition = cond;
          Layers.withOutputTap(y -> {
            outputs.add(y.toFloatArray());
            return y;
          }, () -> net.forward(params, x, c, condition));
          int sites = outputs.size() - 1; // the last layer is the network output: not quantised
          if (from == 0) {
            for (int s = 0; s < sites; s++) {
              running.add(null);
            }
          } else if (running.size() != sites) {
            throw new IllegalStateException("the network ran " + sites + " quantised layers, before " + running.size());
          }
          for (int s = 0; s < sites; s++) {
            float[] y = outputs.get(s);
            int stride = Math.max(1, (y.length + SEARCH_VALUES - 1) / SEARCH_VALUES);
            UniformQuantizer.Params p = UniformQuantizer.fit(o.activationBits(), y, 0, (y.length + stride - 1) / stride,
                stride, o.activationRange());
            double lo = p.low();
            double hi = p.high();
            double[] r = running.get(s);
            running.set(s, r == null ? new double[] {lo, hi}
                : new double[] {RANGE_MOMENTUM * lo + (1 - RANGE_MOMENTUM) * r[0],
                    RANGE_MOMENTUM * hi + (1 - RANGE_MOMENTUM) * r[1]});
          }
        }
      }
    }
    double[][] out = new double[2][running.size()];
    for (int s = 0; s < running.size(); s++) {
      out[0][s] = running.get(s)[0];
      out[1][s] = running.get(s)[1];
    }
    return out;
  }
}
