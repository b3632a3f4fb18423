package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-layer GRU with a linear read-out, the autoregressive proposal model of Trajectory
 * Diffuser (RenMing-Huang/TrajectoryDiffuser models.py offers a GRUPolicy beside its
 * transformer). Gates as torch.nn.GRU: r = sigmoid(W_ir u + b_ir + W_hr h + b_hr),
 * z = sigmoid(W_iz u + b_iz + W_hz h + b_hz), m = tanh(W_im u + b_im + r (W_hm h + b_hm)),
 * h' = (1 - z) m + z h, from h_0 = 0; output y_l = W_out h_l + b_out. Weights are stacked
 * (r, z, m) as PyTorch's weight_ih / weight_hh and initialised U(+-1/sqrt(hidden)) as PyTorch does.
 *
 * <p>{@link #step} is the same cell in plain Java (double precision) for fast autoregressive
 * rollouts, one step at a time, without the JNI cost of a tiny op.
 */
public final class GruNet implements Network {
  private final GruConfig config;
  private final List<ParamSpec> specs;

  public GruNet(GruConfig config) {
    this.config = config;
    int h = config.hidden();
    specs = List.of(new ParamSpec("weight_ih", new long[] {3L * h, config.inputWidth()}),
        new ParamSpec("bias_ih", new long[] {3L * h}), new ParamSpec("weight_hh", new long[] {3L * h, h}),
        new ParamSpec("bias_hh", new long[] {3L * h}), new ParamSpec("out.weight", new long[] {config.channels(), h}),
        new ParamSpec("out.bias", new long[] {config.channels()}));
  }

  @Override
  public GruConfig config() {
    return config;
  }

  @Override
  public List<ParamSpec> specs() {
    return specs;
  }

  @Override
  public float[][] initialValues() {
    ParamInit.Kind[] kinds = new ParamInit.Kind[6];
    java.util.Arrays.fill(kinds, ParamInit.Kind.FAN_IN);
    String[] fanIn = {"weight_hh", "weight_hh", "weight_hh", "weight_hh", null, "out.weight"};
    return ParamInit.values(config.initSeed(), specs, kinds, fanIn);
  }

  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    NDArray u = condition == null ? null : condition.context();
    int len = config.length();
    if (u == null || u.getShape().dimension() != 3 || u.getShape().get(1) != len
        || u.getShape().get(2) != config.inputs()) {
      throw new IllegalArgumentException("GRU needs condition.context of shape (n, " + len + ", " + config.inputs()
          + "), got " + (u == null ? "none" : u.getShape()));
    }
    u = u.toType(x.getDataType(), false);
    if (config.classes() > 0) {
      NDArray oneHot = condition.requireClassOneHot().toType(x.getDataType(), false).expandDims(1);
      u = u.concat(oneHot.repeat(1, len), 2);
    }
    List<NDArray> p = params.arrays();
    int hs = config.hidden();
    long n = u.getShape().get(0);
    NDArray gi = Layers.linear(u, p.get(0), p.get(1)); // all input projections at once: (n, L, 3H)
    NDArray h = x.getManager().zeros(new ai.djl.ndarray.types.Shape(n, hs), x.getDataType());
    NDList outs = new NDList();
    for (int l = 0; l < len; l++) {
      NDList in = gi.get(":, " + l + ", :").split(3, 1);
      NDList hh = Layers.linear(h, p.get(2), p.get(3)).split(3, 1);
      NDArray r = Layers.sigmoid(in.get(0).add(hh.get(0)));
      NDArray z = Layers.sigmoid(in.get(1).add(hh.get(1)));
      NDArray m = in.get(2).add(r.mul(hh.get(2))).tanh();
      h = m.add(z.mul(h.sub(m)));
      outs.add(h);
    }
    NDArray hsAll = NDArrays.stack(outs, 1); // (n, L, H)
    return Layers.linear(hsAll, p.get(4), p.get(5));
  }

  /**
   * One GRU step in plain Java: returns h' for input {@code u} (the step's features, then the
   * class one-hot if the network has classes) and state {@code h} with the weights {@code w} in
   * {@link #specs()} order.
   */
  public double[] step(float[][] w, double[] u, double[] h) {
    int hs = config.hidden();
    int in = config.inputWidth();
    double[] gi = new double[3 * hs];
    double[] gh = new double[3 * hs];
    for (int j = 0; j < 3 * hs; j++) {
      double a = w[1][j];
      for (int k = 0; k < in; k++) {
        a += w[0][j * in + k] * u[k];
      }
      gi[j] = a;
      double b = w[3][j];
      for (int k = 0; k < hs; k++) {
        b += w[2][j * hs + k] * h[k];
      }
      gh[j] = b;
    }
    double[] out = new double[hs];
    for (int j = 0; j < hs; j++) {
      double r = 1 / (1 + Math.exp(-(gi[j] + gh[j])));
      double z = 1 / (1 + Math.exp(-(gi[hs + j] + gh[hs + j])));
      double m = Math.tanh(gi[2 * hs + j] + r * gh[2 * hs + j]);
      out[j] = m + z * (h[j] - m);
    }
    return out;
  }

  /** The read-out y = W_out h + b_out in plain Java. */
  public double[] readout(float[][] w, double[] h) {
    int hs = config.hidden();
    double[] y = new double[config.channels()];
    for (int j = 0; j < y.length; j++) {
      double a = w[5][j];
      for (int k = 0; k < hs; k++) {
        a += w[4][j * hs + k] * h[k];
      }
      y[j] = a;
    }
    return y;
  }
}
