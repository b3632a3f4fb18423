package org.diffusion4j.nn.compress;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.diffusion4j.compress.UniformQuantizer;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;

/**
 * The network of a {@link FakeQuantNetConfig}: the base network's forward pass with every weight
 * layer's output except the last fake-quantised in the graph,
 * (clamp(round(y / delta) + z, 0, 2^b - 1) - z) delta (QDrop {@code UniformAffineQuantizer.forward}).
 */
final class FakeQuantNetwork implements Network {
  private final FakeQuantNetConfig config;
  private final Network base;
  private final UniformQuantizer.Params[] quantizers;

  FakeQuantNetwork(FakeQuantNetConfig config) {
    this.config = config;
    this.base = config.base().build();
    this.quantizers = new UniformQuantizer.Params[config.activationLow().length];
    for (int i = 0; i < quantizers.length; i++) {
      quantizers[i] = config.activationQuantizer(i);
    }
  }

  @Override
  public FakeQuantNetConfig config() {
    return config;
  }

  @Override
  public List<ParamSpec> specs() {
    return base.specs();
  }

  @Override
  public float[][] initialValues() {
    return base.initialValues();
  }

  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    if (config.activationBits() == 0) {
      return base.forward(params, x, c, condition);
    }
    int[] site = {0};
    NDArray out = Layers.withOutputTap(y -> {
      int i = site[0]++;
      if (i == quantizers.length) {
        return y; // the network output stays in float
      }
      if (i > quantizers.length) {
        throw new IllegalStateException("the network has more weight layers than the " + (quantizers.length + 1)
            + " the activation ranges were calibrated for");
      }
      return fakeQuant(y, quantizers[i]);
    }, () -> base.forward(params, x, c, condition));
    if (site[0] != quantizers.length + 1) {
      throw new IllegalStateException("the network ran " + site[0] + " weight layers but its activation ranges"
          + " were calibrated for " + (quantizers.length + 1));
    }
    return out;
  }

  /** Quantise-dequantise in the graph, in y's data type. */
  static NDArray fakeQuant(NDArray y, UniformQuantizer.Params p) {
    double z = p.zeroPoint();
    return y.div(p.delta()).round().add(z).clip(0, p.levels() - 1).sub(z).mul(p.delta());
  }
}
