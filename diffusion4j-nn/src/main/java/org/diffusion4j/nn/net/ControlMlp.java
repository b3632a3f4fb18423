package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * A ReLU MLP y = W_out relu(... relu(W_1 u + b_1) ...) + b_out on the rows u of
 * {@code condition.context} (n, inputs); the output has the sample shape (n, outputs). It is the
 * behaviour-cloning baseline and the inverse-dynamics actor of Trajectory Diffuser (whose actor
 * is such a ReLU MLP, RenMing-Huang/TrajectoryDiffuser policy.py). The noise-level input
 * {@code c} and {@code x} (beyond its shape and type) are not used. With classes, the class one-hot
 * is appended to u.
 */
public final class ControlMlp implements Network {
  private final ControlMlpConfig config;
  private final List<ParamSpec> specs = new ArrayList<>();

  public ControlMlp(ControlMlpConfig config) {
    this.config = config;
    int in = config.inputWidth();
    for (int i = 0; i < config.depth(); i++) {
      specs.add(new ParamSpec("fc" + i + ".weight", new long[] {config.width(), in}));
      specs.add(new ParamSpec("fc" + i + ".bias", new long[] {config.width()}));
      in = config.width();
    }
    specs.add(new ParamSpec("out.weight", new long[] {config.outputs(), in}));
    specs.add(new ParamSpec("out.bias", new long[] {config.outputs()}));
  }

  @Override
  public ControlMlpConfig config() {
    return config;
  }

  @Override
  public List<ParamSpec> specs() {
    return specs;
  }

  /** PyTorch's nn.Linear default, U(+-1/sqrt(fan_in)) for weights and biases. */
  @Override
  public float[][] initialValues() {
    ParamInit.Kind[] kinds = new ParamInit.Kind[specs.size()];
    String[] fanIn = new String[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      kinds[i] = ParamInit.Kind.FAN_IN;
      fanIn[i] = i % 2 == 1 ? specs.get(i - 1).name() : null;
    }
    return ParamInit.values(config.initSeed(), specs, kinds, fanIn);
  }

  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    NDArray u = condition == null ? null : condition.context();
    if (u == null || u.getShape().dimension() != 2 || u.getShape().get(1) != config.inputs()) {
      throw new IllegalArgumentException("control MLP needs condition.context of shape (n, " + config.inputs()
          + "), got " + (u == null ? "none" : u.getShape()));
    }
    NDArray h = u.toType(x.getDataType(), false);
    if (config.classes() > 0) {
      h = h.concat(condition.requireClassOneHot().toType(x.getDataType(), false), 1);
    }
    List<NDArray> p = params.arrays();
    for (int i = 0; i < config.depth(); i++) {
      h = Layers.relu(Layers.linear(h, p.get(2 * i), p.get(2 * i + 1)));
    }
    return Layers.linear(h, p.get(2 * config.depth()), p.get(2 * config.depth() + 1));
  }
}
