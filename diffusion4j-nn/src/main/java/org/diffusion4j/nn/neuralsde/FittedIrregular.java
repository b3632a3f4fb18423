package org.diffusion4j.nn.neuralsde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.random.Rng;

/** A model trained by {@link IrregularFit}: its weights, options and training losses, and prediction. */
public final class FittedIrregular {
  private final IrregularNet net;
  private final float[][] weights;
  private final IrregularFit.Options options;
  private final IrregularData.Task task;
  private final double[] losses;
  private final int skipped;

  FittedIrregular(IrregularNet net, float[][] weights, IrregularFit.Options options, IrregularData.Task task,
      double[] losses, int skipped) {
    this.net = net;
    this.weights = weights;
    this.options = options;
    this.task = task;
    this.losses = losses;
    this.skipped = skipped;
  }

  public IrregularNet net() {
    return net;
  }

  public float[][] weights() {
    float[][] out = new float[weights.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = weights[i].clone();
    }
    return out;
  }

  /** Training loss per optimiser step (NaN or infinite where the step was skipped). */
  public double[] losses() {
    return losses.clone();
  }

  /** Steps skipped because the loss was not finite. */
  public int skippedSteps() {
    return skipped;
  }

  /**
   * Readout for {@code inputs} (same observation times and channels as in training), one sample
   * of the SDE per series with Brownian increments from {@code seed}: classification logits (n,
   * classes), interpolation values (n, L, width) or forecasts (n, width), row-major.
   */
  public double[] predict(IrregularBatch inputs, long seed) {
    if (inputs.channels() != net.channels()) {
      throw new IllegalArgumentException("the model was trained on " + net.channels() + " channels, got "
          + inputs.channels());
    }
    double[] grid = IrregularFit.grid(inputs.times(), options.substeps());
    double[] control = IrregularFit.control(inputs, grid, options.interpolation());
    int n = inputs.series();
    int c = inputs.channels();
    int w = net.outputs();
    int length = inputs.length();
    int per = task == IrregularData.Task.INTERPOLATE ? length * w : w;
    double[] out = new double[n * per];
    Rng root = Rng.of(seed);
    int chunk = 256;
    try (NDManager manager = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(manager, net.specs(), weights, false);
      for (int start = 0; start < n; start += chunk) {
        int b = Math.min(chunk, n - start);
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
          rows[i] = start + i;
        }
        try (NDManager sm = manager.newSubManager()) {
          NDArray x = sm.create(IrregularFit.gather(control, grid.length, n, c, rows), new Shape(grid.length, b, c));
          NDArray dw = net.kind().stochastic()
              ? IrregularFit.brownian(sm, grid, b, net.hidden(), root.stream(start)) : null;
          NDArray path = net.latentPath(p, x, grid, dw);
          if (task == IrregularData.Task.INTERPOLATE) {
            NDArray states = options.substeps() == 1 ? path : path.get("::" + options.substeps());
            float[] v = net.readout(p, states).toFloatArray(); // (L, b, w)
            for (int k = 0; k < length; k++) {
              for (int i = 0; i < b; i++) {
                for (int j = 0; j < w; j++) {
                  out[((start + i) * length + k) * w + j] = v[(k * b + i) * w + j];
                }
              }
            }
          } else {
            float[] v = net.readout(p, path.get(path.getShape().get(0) - 1)).toFloatArray();
            for (int q = 0; q < v.length; q++) {
              out[start * w + q] = v[q];
            }
          }
        }
      }
    }
    return out;
  }
}
