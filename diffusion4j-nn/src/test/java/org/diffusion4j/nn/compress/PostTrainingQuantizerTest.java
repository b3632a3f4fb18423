package org.diffusion4j.nn.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.compress.CalibrationTimes;
import org.diffusion4j.compress.UniformQuantizer.RangeMethod;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.Networks;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.nn.net.UNet2dConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostTrainingQuantizerTest {
  /**
   * Relative L2 change of the network output by 8-bit weights (min-max or searched ranges, per
   * channel or per tensor), measured on this tiny U-Net with N(0, 0.1^2)-perturbed weights: 2.1%
   * per channel, 2.5% per tensor (worst over classes and times); the bound leaves 2x headroom.
   * 4-bit weights change it by 25-35%.
   */
  static final double W8_BOUND = 0.05;

  /** A tiny class-conditional U-Net: 1 x 8 x 8, base 8, two levels, attention at 4 x 4. */
  static UNet2dConfig tiny() {
    return new UNet2dConfig(1, 8, 8, 8, new int[] {1, 2}, 1, new int[] {4}, 2, 0.0, 2, 3, 0, 3);
  }

  /** Initial values plus N(0, 0.1^2) everywhere, so no layer is zero (the default output layer is). */
  static Checkpoint checkpoint(TrainConfig tc, long seed) {
    Network net = tc.network().build();
    float[][] w = net.initialValues();
    Rng r = Rng.of(seed);
    for (float[] t : w) {
      for (int i = 0; i < t.length; i++) {
        t[i] += (float) (0.1 * r.nextGaussian());
      }
    }
    float[][] zeros = new float[w.length][];
    for (int i = 0; i < w.length; i++) {
      zeros[i] = new float[w[i].length];
    }
    List<ParamSpec> specs = net.specs();
    return new Checkpoint(tc, 0, 0, new double[0], specs, w, w, zeros, zeros, new float[0]);
  }

  static TrainConfig trainConfig() {
    return TrainConfig.builder(64).network(tiny()).objective(Objective.FLOW).steps(1).batch(4).seed(1).build();
  }

  /** Predictions of class y at time t for random inputs. */
  static double[] predict(TrainConfig tc, float[][] weights, int y, double t) {
    try (NeuralDenoiser d = NeuralDenoiser.of(tc, weights)) {
      return predict(d, y, t);
    }
  }

  static double[] predict(NeuralDenoiser d, int y, double t) {
    Batch x = new Batch(16, 64);
    Rng.of(77).fillGaussian(x.data(), 0, x.size());
    Batch out = x.zerosLike();
    d.forClass(y).predict(x, t, out);
    return out.data();
  }

  static double relativeChange(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (a[i] - b[i]);
      den += a[i] * a[i];
    }
    return Math.sqrt(num / den);
  }

  @Test
  void eightBitWeightsChangeTheOutputByLessThanTheMeasuredBound() {
    TrainConfig tc = trainConfig();
    Checkpoint fp = checkpoint(tc, 5);
    for (boolean perChannel : new boolean[] {true, false}) {
      for (RangeMethod m : RangeMethod.values()) {
        double worst8 = 0;
        double best4 = Double.POSITIVE_INFINITY;
        Checkpoint q8 = PostTrainingQuantizer.quantize(fp,
            new PostTrainingQuantizer.Options(8, 0, perChannel, CalibrationTimes.PTQ4DM, m, m, 8, 4, 0)).checkpoint();
        Checkpoint q4 = PostTrainingQuantizer.quantize(fp,
            new PostTrainingQuantizer.Options(4, 0, perChannel, CalibrationTimes.PTQ4DM, m, m, 8, 4, 0)).checkpoint();
        for (int y = 0; y <= 3; y += 3) {
          for (double t : new double[] {0.1, 0.9}) {
            double[] ref = predict(tc, fp.ema(), y, t);
            worst8 = Math.max(worst8, relativeChange(ref, predict(q8.config(), q8.ema(), y, t)));
            best4 = Math.min(best4, relativeChange(ref, predict(q4.config(), q4.ema(), y, t)));
          }
        }
        assertTrue(worst8 < W8_BOUND, "8-bit weights (" + m + ", per channel " + perChannel
            + ") changed the output by " + worst8);
        assertTrue(worst8 > 0, "quantisation changed nothing");
        assertTrue(best4 > 2 * worst8, "4-bit weights should change it more: " + best4 + " vs " + worst8);
      }
    }
  }

  @Test
  void calibrationIsDeterministicForASeed() {
    TrainConfig tc = trainConfig();
    Checkpoint fp = checkpoint(tc, 6);
    PostTrainingQuantizer.Options o = new PostTrainingQuantizer.Options(8, 8, true, CalibrationTimes.PTQ4DM,
        RangeMethod.MSE, RangeMethod.MSE, 12, 4, 42);
    PostTrainingQuantizer.Result a = PostTrainingQuantizer.quantize(fp, o);
    PostTrainingQuantizer.Result b = PostTrainingQuantizer.quantize(fp, o);
    FakeQuantNetConfig ca = (FakeQuantNetConfig) a.checkpoint().config().network();
    FakeQuantNetConfig cb = (FakeQuantNetConfig) b.checkpoint().config().network();
    assertTrue(ca.activationLow().length > 10, "a U-Net has many quantised layer outputs");
    assertArrayEquals(ca.activationLow(), cb.activationLow());
    assertArrayEquals(ca.activationHigh(), cb.activationHigh());
    assertArrayEquals(a.report().calibrationSteps(), b.report().calibrationSteps());
    PostTrainingQuantizer.Result other = PostTrainingQuantizer.quantize(fp, new PostTrainingQuantizer.Options(8, 8,
        true, CalibrationTimes.PTQ4DM, RangeMethod.MSE, RangeMethod.MIN_MAX, 12, 4, 43));
    PostTrainingQuantizer.Result sameSeedMinMax = PostTrainingQuantizer.quantize(fp, new PostTrainingQuantizer.Options(8,
        8, true, CalibrationTimes.PTQ4DM, RangeMethod.MSE, RangeMethod.MIN_MAX, 12, 4, 42));
    assertArrayEquals(a.report().calibrationSteps(), sameSeedMinMax.report().calibrationSteps());
    FakeQuantNetConfig co = (FakeQuantNetConfig) other.checkpoint().config().network();
    FakeQuantNetConfig cs = (FakeQuantNetConfig) sameSeedMinMax.checkpoint().config().network();
    assertFalse(java.util.Arrays.equals(cs.activationHigh(), co.activationHigh()), "another seed, other ranges");
    assertFalse(java.util.Arrays.equals(a.report().calibrationSteps(), other.report().calibrationSteps()));
    // last-step calibration sees only the final chain step
    PostTrainingQuantizer.Result last = PostTrainingQuantizer.quantize(fp, new PostTrainingQuantizer.Options(8, 8,
        true, CalibrationTimes.LAST, RangeMethod.MSE, RangeMethod.MIN_MAX, 12, 4, 42));
    for (int k : last.report().calibrationSteps()) {
      assertEquals(3, k);
    }
  }

  @Test
  void quantisedRunLoadsThroughTrainedRunAndActivationsAreQuantised(@TempDir Path dir) throws Exception {
    TrainConfig tc = trainConfig();
    Checkpoint fp = checkpoint(tc, 7);
    PostTrainingQuantizer.Result w8a8 = PostTrainingQuantizer.quantize(fp, new PostTrainingQuantizer.Options(8, 8,
        true, CalibrationTimes.UNIFORM, RangeMethod.MSE, RangeMethod.MIN_MAX, 12, 4, 1));
    PostTrainingQuantizer.Result w8a16 = PostTrainingQuantizer.quantize(fp, new PostTrainingQuantizer.Options(8, 16,
        true, CalibrationTimes.UNIFORM, RangeMethod.MIN_MAX, RangeMethod.MIN_MAX, 12, 4, 1));
    PostTrainingQuantizer.Result w8 = PostTrainingQuantizer.quantize(fp, new PostTrainingQuantizer.Options(8, 0,
        true, CalibrationTimes.UNIFORM, RangeMethod.MSE, RangeMethod.MSE, 12, 4, 1));
    w8a8.checkpoint().write(dir, 1, Checkpoint.WriteHook.NONE);
    TrainedRun run = TrainedRun.open(dir);
    String json = Networks.toJson(run.config().network());
    assertEquals(Networks.toJson(w8a8.checkpoint().config().network()), json);
    assertEquals(json, Networks.toJson(Networks.fromJson(json)));
    double[] loaded;
    try (NeuralDenoiser d = run.denoiser()) {
      loaded = predict(d, 1, 0.4);
    }
    double[] direct = predict(w8a8.checkpoint().config(), w8a8.checkpoint().ema(), 1, 0.4);
    double[] weightsOnly = predict(w8.checkpoint().config(), w8.checkpoint().ema(), 1, 0.4);
    double[] sixteen = predict(w8a16.checkpoint().config(), w8a16.checkpoint().ema(), 1, 0.4);
    assertArrayEquals(direct, loaded, "the run directory gives the same model");
    double a8 = relativeChange(weightsOnly, direct);
    double a16 = relativeChange(weightsOnly, sixteen);
    assertTrue(a8 > 0 && a8 < 0.2, "8-bit activations change the output by " + a8);
    assertTrue(a16 < a8, "16-bit activations change it less: " + a16 + " vs " + a8);
    // kernels at 8 bits; biases, norms and per-channel steps stay float32
    double ratio = w8a8.report().sizeRatio();
    assertTrue(ratio > 0.25 && ratio < 0.4, "size ratio " + ratio);
  }

  @Test
  void badInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> PostTrainingQuantizer.Options.of(1, 8, true,
        CalibrationTimes.PTQ4DM, 0));
    assertThrows(IllegalArgumentException.class, () -> PostTrainingQuantizer.Options.of(8, 33, true,
        CalibrationTimes.PTQ4DM, 0));
    TrainConfig tc = trainConfig();
    Checkpoint q = PostTrainingQuantizer.quantize(checkpoint(tc, 1), PostTrainingQuantizer.Options.of(8, 0, true,
        CalibrationTimes.PTQ4DM, 0)).checkpoint();
    assertThrows(IllegalArgumentException.class, () -> PostTrainingQuantizer.quantize(q,
        PostTrainingQuantizer.Options.of(4, 0, true, CalibrationTimes.PTQ4DM, 0)));
  }
}
