package org.diffusion4j.nn.compress;

import org.diffusion4j.compress.UniformQuantizer;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.NetworkConfig;

/**
 * A network whose weight-layer outputs are fake-quantised: the {@code base} network, run through
 * the same DJL graph, with the output of every linear / convolution layer except the last (the
 * network's output, left in float as PTQ4DM's {@code disable_network_output_quantization}) replaced
 * by its b-bit quantise-dequantise with one calibrated range per layer (per tensor, as PTQ4DM's
 * activation quantisers). Its weights are ordinary float tensors that already hold the
 * dequantised b-bit values ({@link PostTrainingQuantizer}). This is simulated quantisation: the
 * arithmetic stays float32, nothing runs in int8.
 *
 * <p>The run directory written by {@code d4j quantize} stores this config in its checkpoint, so
 * {@code d4j sample} and {@link org.diffusion4j.nn.run.TrainedRun} load a quantised model like any
 * other.
 *
 * @param base the full-precision architecture
 * @param weightBits bit width the weights were quantised to (32: not quantised; recorded for reports)
 * @param perChannel whether weight quantisers are per output channel (recorded for reports)
 * @param calibration the calibration time steps the activation ranges came from ("none" without)
 * @param activationBits bit width of activations, or 0 for float activations
 * @param activationLow lower ends of the calibrated activation ranges, one per quantised layer output
 * @param activationHigh upper ends, as many as {@code activationLow}
 */
public record FakeQuantNetConfig(NetworkConfig base, int weightBits, boolean perChannel, String calibration,
    int activationBits, double[] activationLow, double[] activationHigh) implements NetworkConfig {

  static {
    // the NetworkConfig component is read by the codec TrainConfig registers
    try {
      Class.forName(org.diffusion4j.nn.train.TrainConfig.class.getName(), true,
          FakeQuantNetConfig.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Registry name. */
  public static final String TYPE = "fake-quant";

  public FakeQuantNetConfig {
    if (base == null || base instanceof FakeQuantNetConfig) {
      throw new IllegalArgumentException("fake-quant needs a full-precision base network, got " + base);
    }
    if (weightBits != 32) {
      UniformQuantizer.requireBits(weightBits);
    }
    if (activationBits != 0) {
      UniformQuantizer.requireBits(activationBits);
    }
    activationLow = activationLow.clone();
    activationHigh = activationHigh.clone();
    if (activationLow.length != activationHigh.length) {
      throw new IllegalArgumentException("fake-quant: " + activationLow.length + " activation lows but "
          + activationHigh.length + " highs");
    }
    if (activationBits == 0 && activationLow.length != 0) {
      throw new IllegalArgumentException("fake-quant: activation ranges given but activationBits is 0");
    }
    for (int i = 0; i < activationLow.length; i++) {
      // builds the quantiser once to validate the range
      UniformQuantizer.fromRange(activationBits, activationLow[i], activationHigh[i]);
    }
  }

  /**
   * The registry's default for a sample shape: a full-precision pass-through (W32A32) around the
   * default U-Net for images (C, H, W) or the default MLP otherwise. Quantised configs come from
   * {@link PostTrainingQuantizer}.
   */
  public static FakeQuantNetConfig passThrough(long[] sampleShape) {
    NetworkConfig base = org.diffusion4j.nn.net.Networks.defaults(sampleShape.length == 3 ? "unet2d" : "time-mlp",
        sampleShape, 0, 0);
    return new FakeQuantNetConfig(base, 32, true, "none", 0, new double[0], new double[0]);
  }

  /** The quantiser of layer output {@code site}. */
  public UniformQuantizer.Params activationQuantizer(int site) {
    return UniformQuantizer.fromRange(activationBits, activationLow[site], activationHigh[site]);
  }

  @Override
  public double[] activationLow() {
    return activationLow.clone();
  }

  @Override
  public double[] activationHigh() {
    return activationHigh.clone();
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public long[] sampleShape() {
    return base.sampleShape();
  }

  @Override
  public int classes() {
    return base.classes();
  }

  @Override
  public long initSeed() {
    return base.initSeed();
  }

  @Override
  public NetworkConfig withInitSeed(long seed) {
    return new FakeQuantNetConfig(base.withInitSeed(seed), weightBits, perChannel, calibration, activationBits,
        activationLow, activationHigh);
  }

  @Override
  public NetworkConfig withClasses(int classes) {
    return new FakeQuantNetConfig(base.withClasses(classes), weightBits, perChannel, calibration, activationBits,
        activationLow, activationHigh);
  }

  @Override
  public Network build() {
    return new FakeQuantNetwork(this);
  }

  @Override
  public String toString() {
    return "FakeQuantNetConfig[W" + weightBits + "A" + (activationBits == 0 ? 32 : activationBits) + ", "
        + (perChannel ? "per channel" : "per tensor") + ", calibration " + calibration + ", base " + base + "]";
  }
}
