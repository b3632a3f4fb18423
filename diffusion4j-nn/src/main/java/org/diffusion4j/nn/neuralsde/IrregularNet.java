package org.diffusion4j.nn.neuralsde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.nn.net.ParamInit;
import org.diffusion4j.nn.net.ParamLayout;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;

/**
 * A neural CDE or (stable) neural SDE over a control path X, with a linear readout: the vector
 * fields of {@link IrregularModel}, integrated discretise-then-optimise with plain DJL autograd
 * through our own steps over batched arrays (gradients by backpropagation through the solver; the
 * adjoint and reversible-Heun routes of the core SDE engine are not used here).
 *
 * <p>Solver: Itô Euler-Maruyama with diagonal noise for the SDEs, as the repository's
 * {@code torchsde.sdeint(method='euler')} default, on a fixed grid; for the CDE the step
 * z_{g+1} = z_g + f(z_g) (X(t_{g+1}) - X(t_g)), the Euler step of torchcde's
 * {@code cdeint(method='euler')} with the exact control increment over the step in place of
 * dX/dt(t_g) dt. Initial state z0 = linear(X(t_0)) (the models' {@code initial_network}). Every
 * hidden width is {@code hidden} (the reference code needs hidden = hidden_hidden for its
 * {@code emb} layer).
 *
 * <p>Arrays: control (G, n, c) on the grid, Brownian increments (G - 1, n, hidden) already scaled
 * by sqrt(dt); all computation is in the control's data type (float64 for gradient checks) and
 * new arrays belong to the control's manager.
 */
public final class IrregularNet {
  private final IrregularModel kind;
  private final int channels;
  private final int hidden;
  private final int layers;
  private final int outputs;
  private final ParamLayout layout = new ParamLayout();
  private final List<ParamSpec> specs;
  private final Map<String, Integer> indexOf = new HashMap<>();

  /**
   * @param channels control dimension c
   * @param hidden latent width h (also the MLP width)
   * @param layers number of hidden layers of the vector-field MLP (>= 1)
   * @param outputs readout width
   */
  public IrregularNet(IrregularModel kind, int channels, int hidden, int layers, int outputs) {
    if (channels < 1 || hidden < 1 || layers < 1 || outputs < 1) {
      throw new IllegalArgumentException("channels, hidden, layers and outputs must be >= 1, got " + channels + ", "
          + hidden + ", " + layers + ", " + outputs);
    }
    this.kind = kind;
    this.channels = channels;
    this.hidden = hidden;
    this.layers = layers;
    this.outputs = outputs;
    linear("init", hidden, channels);
    switch (kind) {
      case LSDE, LNSDE, GSDE -> {
        linear("ctrl", hidden, channels);
        linear("in", hidden, kind == IrregularModel.LSDE ? hidden : hidden + 2);
        linear("emb", hidden, 2 * hidden);
        mlpTail();
        theta();
        linear("noise1", hidden, 2);
        linear("noise2", hidden, hidden);
      }
      case NSDE -> {
        linear("in", hidden, hidden + 2);
        mlpTail();
        theta();
        linear("noise1", hidden, hidden + 2);
        linear("noise2", hidden, hidden);
      }
      case NCDE -> {
        linear("in", hidden, hidden);
        for (int k = 1; k < layers; k++) {
          linear("hid" + k, hidden, hidden);
        }
        linear("out", hidden * channels, hidden);
      }
      default -> throw new IllegalStateException();
    }
    linear("read", outputs, hidden);
    specs = layout.specs();
    for (int i = 0; i < specs.size(); i++) {
      indexOf.put(specs.get(i).name(), i);
    }
  }

  private void mlpTail() {
    for (int k = 1; k < layers; k++) {
      linear("hid" + k, hidden, hidden);
    }
    linear("out", hidden, hidden);
  }

  private void linear(String name, int out, int in) {
    layout.linear(name, in, out, true);
  }

  private void theta() {
    // torch.nn.Parameter(torch.tensor([[theta]])) with the default theta = 1.0
    layout.add("theta", new long[] {1, 1}, ParamInit.Kind.ONES, null);
  }

  public IrregularModel kind() {
    return kind;
  }

  public int channels() {
    return channels;
  }

  public int hidden() {
    return hidden;
  }

  public int outputs() {
    return outputs;
  }

  public List<ParamSpec> specs() {
    return specs;
  }

  /** Seeded initial values (PyTorch's nn.Linear default U(+-1/sqrt(fan_in)), theta = 1). */
  public float[][] initialValues(long seed) {
    return layout.initialValues(seed);
  }

  /** Index of the parameter tensor called {@code name}. */
  public int index(String name) {
    Integer i = indexOf.get(name);
    if (i == null) {
      throw new IllegalArgumentException("no parameter " + name + " in " + kind);
    }
    return i;
  }

  private NDArray w(ParamSet p, String name) {
    return p.get(index(name + ".weight"));
  }

  private NDArray b(ParamSet p, String name) {
    return p.get(index(name + ".bias"));
  }

  private NDArray lin(ParamSet p, String name, NDArray x) {
    return Layers.linear(x, w(p, name), b(p, name));
  }

  /**
   * The latent path on the grid: z_0 .. z_{G-1} as an array (G, n, hidden).
   *
   * @param control X on the grid, (G, n, channels)
   * @param grid the G grid times, increasing
   * @param brownian increments (G - 1, n, hidden), N(0, dt_g) each; ignored (may be null) for NCDE
   */
  public NDArray latentPath(ParamSet p, NDArray control, double[] grid, NDArray brownian) {
    long[] shape = control.getShape().getShape();
    if (shape.length != 3 || shape[0] != grid.length || shape[2] != channels) {
      throw new IllegalArgumentException("control must be (" + grid.length + ", n, " + channels + "), got "
          + control.getShape());
    }
    int n = (int) shape[1];
    if (kind.stochastic() && (brownian == null
        || !brownian.getShape().equals(new Shape(grid.length - 1, n, hidden)))) {
      throw new IllegalArgumentException("brownian increments must be (" + (grid.length - 1) + ", " + n + ", "
          + hidden + "), got " + (brownian == null ? "null" : brownian.getShape()));
    }
    NDManager m = control.getManager();
    NDArray z = lin(p, "init", control.get(0));
    List<NDArray> states = new ArrayList<>(grid.length);
    states.add(z);
    NDArray sigTheta = null;
    if (kind.stochastic()) {
      sigTheta = p.get(index("theta")).getNDArrayInternal().sigmoid();
      sigTheta.attach(m);
    }
    for (int g = 0; g + 1 < grid.length; g++) {
      double dt = grid[g + 1] - grid[g];
      if (kind == IrregularModel.NCDE) {
        NDArray dx = control.get(g + 1).sub(control.get(g));
        NDArray f = cdeField(p, z).reshape(n, hidden, channels);
        z = z.add(f.matMul(dx.expandDims(2)).squeeze(2));
      } else {
        NDArray tf = timeFeatures(m, grid[g], n, control.getDataType());
        NDArray drift = drift(p, z, tf, control.get(g));
        NDArray diff = diffusion(p, z, tf, sigTheta);
        z = z.add(drift.mul(constant(m, dt, control.getDataType()))).add(diff.mul(brownian.get(g)));
      }
      states.add(z);
    }
    return NDArrays.stack(new NDList(states), 0);
  }

  /** Readout of latent states (..., hidden) -> (..., outputs). */
  public NDArray readout(ParamSet p, NDArray z) {
    return lin(p, "read", z);
  }

  /**
   * A scalar array owned by {@code m}. Used instead of {@code NDArray.mul(Number)} inside the
   * autograd graph: DJL's PyTorch engine creates that scalar from a direct buffer without copying
   * and closes it at once, so after a garbage collection the backward pass read freed memory
   * (observed: a wrong gradient after System.gc()).
   */
  static NDArray constant(NDManager m, double value, ai.djl.ndarray.types.DataType type) {
    return m.create(new double[] {value}, new Shape(1)).toType(type, false);
  }

  private static NDArray timeFeatures(NDManager m, double t, int n, ai.djl.ndarray.types.DataType type) {
    double[] v = new double[2 * n];
    for (int i = 0; i < n; i++) {
      v[2 * i] = Math.sin(t);
      v[2 * i + 1] = Math.cos(t);
    }
    return m.create(v, new Shape(n, 2)).toType(type, false);
  }

  /** The drift at state z, time features (sin t, cos t) and control value X(t). */
  NDArray drift(ParamSet p, NDArray z, NDArray tf, NDArray xt) {
    NDArray h;
    if (kind == IrregularModel.NSDE) {
      h = lin(p, "in", tf.concat(z, 1));
    } else {
      NDArray yy = lin(p, "in", kind == IrregularModel.LSDE ? z : tf.concat(z, 1));
      h = lin(p, "emb", yy.concat(lin(p, "ctrl", xt), 1));
    }
    h = Layers.relu(h);
    for (int k = 1; k < layers; k++) {
      h = Layers.relu(lin(p, "hid" + k, h));
    }
    h = lin(p, "out", h);
    if (kind == IrregularModel.NSDE) {
      return h; // unconstrained: no clipping
    }
    if (kind == IrregularModel.GSDE) {
      h = h.mul(z.tanh()); // the code's geometric interaction z * y.tanh()
    }
    return h.tanh();
  }

  /** The diagonal diffusion at state z and time features (sin t, cos t). */
  NDArray diffusion(ParamSet p, NDArray z, NDArray tf, NDArray sigTheta) {
    if (kind == IrregularModel.NSDE) {
      NDArray noise = Layers.relu(lin(p, "noise2", Layers.relu(lin(p, "noise1", tf.concat(z, 1)))));
      return noise.mul(sigTheta);
    }
    NDArray noise = Layers.relu(lin(p, "noise2", Layers.relu(lin(p, "noise1", tf))));
    if (kind != IrregularModel.LSDE) {
      noise = noise.mul(z); // linear / geometric noise sigma(t) z
    }
    return noise.mul(sigTheta).tanh();
  }

  private NDArray cdeField(ParamSet p, NDArray z) {
    NDArray h = Layers.relu(lin(p, "in", z));
    for (int k = 1; k < layers; k++) {
      h = Layers.relu(lin(p, "hid" + k, h));
    }
    return lin(p, "out", h).tanh();
  }
}
