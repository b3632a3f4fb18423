package org.diffusion4j.nn.sde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.diffusion4j.sde.grad.DifferentiableSdeTerm;

/**
 * A neural SDE term for {@link org.diffusion4j.sde.grad.SdeGradient}: drift an MLP of (y, t),
 * f = W3 softplus(W2 softplus(W1 [y, t] + b1) + b2) + b3 (torchsde {@code examples/latent_sde.py}'s
 * f_net / h_net shape), and diagonal diffusion g_i = sigmoid(a_i y_i + c_i) (each g_i depends on
 * y_i only, as diagonal noise requires; torchsde's example uses a small per-dimension MLP ending
 * in a sigmoid). Vector-Jacobian products come from DJL autograd: one batched forward and
 * backward over all rows per call; parameter gradients accumulate in the autograd buffers and
 * are read once per backward pass ({@link #endBackward}). Weights are initialised as torch's
 * {@code nn.Linear} (U(-1/sqrt(fan_in), 1/sqrt(fan_in))) from a seed. Computes in FLOAT32 or
 * FLOAT64. Not thread-safe; close it to free the native arrays.
 */
public final class MlpSdeTerm implements DifferentiableSdeTerm, AutoCloseable {
  private final int dim;
  private final int width;
  private final Calculus calculus;
  private final DataType type;
  private final NDManager manager;
  private final NDArray[] p;
  private final int[] sizes;
  private final int count;

  public MlpSdeTerm(int dim, int width, Calculus calculus, DataType type, long seed) {
    if (dim < 1 || width < 1) {
      throw new IllegalArgumentException("MLP SDE term needs dim >= 1 and width >= 1, got dim=" + dim + ", width=" + width);
    }
    if (type != DataType.FLOAT32 && type != DataType.FLOAT64) {
      throw new IllegalArgumentException("MLP SDE term computes in FLOAT32 or FLOAT64, got " + type);
    }
    this.dim = dim;
    this.width = width;
    this.calculus = calculus;
    this.type = type;
    this.manager = DjlRuntime.newManager();
    Shape[] shapes = {new Shape(width, dim + 1), new Shape(width), new Shape(width, width), new Shape(width),
        new Shape(dim, width), new Shape(dim), new Shape(dim), new Shape(dim)};
    int[] fanIn = {dim + 1, dim + 1, width, width, width, width, 1, 1};
    p = new NDArray[shapes.length];
    sizes = new int[shapes.length];
    SplittableRandom rnd = new SplittableRandom(seed);
    int total = 0;
    for (int i = 0; i < shapes.length; i++) {
      sizes[i] = (int) shapes[i].size();
      double[] v = new double[sizes[i]];
      double bound = 1.0 / Math.sqrt(fanIn[i]);
      for (int j = 0; j < v.length; j++) {
        v[j] = (2 * rnd.nextDouble() - 1) * bound;
      }
      p[i] = manager.create(v, shapes[i]).toType(type, false);
      p[i].setRequiresGradient(true);
      total += sizes[i];
    }
    count = total;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public NoiseType noiseType() {
    return NoiseType.DIAGONAL;
  }

  @Override
  public Calculus calculus() {
    return calculus;
  }

  @Override
  public int paramCount() {
    return count;
  }

  @Override
  public double[] params() {
    double[] out = new double[count];
    int o = 0;
    for (NDArray a : p) {
      double[] v = a.toType(DataType.FLOAT64, false).toDoubleArray();
      System.arraycopy(v, 0, out, o, v.length);
      o += v.length;
    }
    return out;
  }

  @Override
  public void setParams(double[] theta) {
    if (theta == null || theta.length != count) {
      throw new IllegalArgumentException("MLP SDE term takes " + count + " parameters, got " + (theta == null ? "none" : theta.length));
    }
    int o = 0;
    for (int i = 0; i < p.length; i++) {
      double[] v = java.util.Arrays.copyOfRange(theta, o, o + sizes[i]);
      NDArray fresh = manager.create(v, p[i].getShape()).toType(type, false);
      fresh.setRequiresGradient(true);
      p[i].close();
      p[i] = fresh;
      o += sizes[i];
    }
  }

  private NDArray input(NDManager sm, double[] y, int n) {
    return sm.create(java.util.Arrays.copyOf(y, n * dim), new Shape(n, dim)).toType(type, false);
  }

  /** The drift on an (n, d) array, recorded by autograd when a gradient collector is open (for native backprop through a solver loop). */
  public NDArray drift(NDArray y, double t) {
    NDArray time = y.getManager().create(new double[] {t}).toType(type, false).broadcast(new Shape(y.getShape().get(0), 1));
    NDArray x = y.concat(time, 1);
    NDArray h = Layers.linear(x, p[0], p[1]);
    h = softplus(h);
    h = softplus(Layers.linear(h, p[2], p[3]));
    return Layers.linear(h, p[4], p[5]);
  }

  /** The diagonal diffusion on an (n, d) array (see {@link #drift(NDArray, double)}). */
  public NDArray diffusion(NDArray y) {
    return Activation.sigmoid(y.mul(p[6]).add(p[7]));
  }

  private static NDArray softplus(NDArray a) {
    return Activation.softPlus(a);
  }

  private static void copyOut(NDArray a, double[] out) {
    if (a.getDataType() == DataType.FLOAT64) {
      double[] v = a.toDoubleArray();
      System.arraycopy(v, 0, out, 0, v.length);
    } else {
      float[] v = a.toFloatArray();
      for (int i = 0; i < v.length; i++) {
        out[i] = v[i];
      }
    }
  }

  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    try (NDManager sm = manager.newSubManager()) {
      copyOut(drift(input(sm, y, n), t), out);
    }
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    try (NDManager sm = manager.newSubManager()) {
      copyOut(diffusion(input(sm, y, n)), out);
    }
  }

  @Override
  public void beginBackward() {
    for (NDArray a : p) {
      try {
        NDArray g = a.getGradient();
        g.subi(g);
      } catch (RuntimeException noGradientYet) {
        // Before the first backward pass PyTorch has no .grad buffer: nothing to reset.
      }
    }
  }

  @Override
  public void vjp(double t, double[] y, double[] driftCot, double[] diffusionCot, double[] yBar, double[] paramBar, int n) {
    try (NDManager sm = manager.newSubManager();
        GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
      NDArray x = input(sm, y, n);
      x.setRequiresGradient(true);
      NDArray loss = drift(x, t).mul(input(sm, driftCot, n)).sum();
      if (diffusionCot != null) {
        loss = loss.add(diffusion(x).mul(input(sm, diffusionCot, n)).sum());
      }
      gc.backward(loss);
      copyOut(x.getGradient(), yBar);
    }
  }

  /** Adds the parameter gradients accumulated since {@link #beginBackward} to {@code paramBar}. */
  @Override
  public void endBackward(double[] paramBar) {
    int o = 0;
    for (int i = 0; i < p.length; i++) {
      NDArray g = p[i].getGradient().toType(DataType.FLOAT64, false);
      double[] v = g.toDoubleArray();
      for (int j = 0; j < v.length; j++) {
        paramBar[o + j] += v[j];
      }
      o += sizes[i];
    }
  }

  /** The live parameter arrays (W1, b1, W2, b2, W3, b3, a, c), gradients attached. */
  public java.util.List<NDArray> parameters() {
    return java.util.List.of(p);
  }

  @Override
  public void close() {
    manager.close();
  }
}
