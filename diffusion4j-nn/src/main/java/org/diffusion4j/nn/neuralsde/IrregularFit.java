package org.diffusion4j.nn.neuralsde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.diffusion4j.irregular.ControlPath;
import org.diffusion4j.irregular.HermiteCubicPath;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.irregular.LinearPath;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.random.Rng;

/**
 * Library entry point: fits a neural CDE or a (stable) neural SDE to an {@link IrregularData}
 * task. Training is discretise-then-optimise (backpropagation through our Euler steps, plain DJL
 * autograd) with Adam (Kingma &amp; Ba 2015, Algorithm 1; betas 0.9 / 0.999, eps 1e-8, the
 * repository's optimiser) on random mini-batches; a step whose loss is not finite is skipped and
 * counted (the unconstrained neural SDE can blow up). Seeded: the same options give
 * bitwise-identical weights.
 *
 * <p>The controlled path is built from the observations once ({@link Interpolation#HERMITE}: cubic
 * Hermite with backward differences, the repository's and torchcde's default; or
 * {@link Interpolation#LINEAR}) and sampled on the integration grid: the observation times, each
 * interval cut into {@code substeps} equal steps (the repository integrates on dt = the smallest
 * observation gap).
 */
public final class IrregularFit {
  private IrregularFit() {}

  /** Interpolation of the control path X. */
  public enum Interpolation { HERMITE, LINEAR }

  /**
   * Training options.
   *
   * @param hidden latent and MLP width
   * @param layers hidden layers of the vector-field MLP
   * @param iterations optimiser steps
   * @param batch mini-batch size (capped at the number of series)
   * @param learningRate Adam step size
   * @param substeps solver steps per observation interval
   * @param interpolation how X is built
   * @param seed initialisation, batches and Brownian increments
   */
  public record Options(int hidden, int layers, int iterations, int batch, double learningRate, int substeps,
      Interpolation interpolation, long seed) {
    public Options {
      if (hidden < 1 || layers < 1 || iterations < 0 || batch < 1 || substeps < 1) {
        throw new IllegalArgumentException("hidden, layers, batch and substeps must be >= 1 and iterations >= 0, got "
            + hidden + ", " + layers + ", " + batch + ", " + substeps + ", " + iterations);
      }
      if (!(learningRate > 0 && learningRate < 1)) {
        throw new IllegalArgumentException("learning rate must be in (0, 1), got " + learningRate);
      }
    }

    /** hidden 16, 2 layers, 300 iterations, batch 64, lr 1e-2, 1 substep, Hermite, seed 0. */
    public static Options defaults() {
      return new Options(16, 2, 300, 64, 1e-2, 1, Interpolation.HERMITE, 0);
    }

    public Options withIterations(int n) {
      return new Options(hidden, layers, n, batch, learningRate, substeps, interpolation, seed);
    }

    public Options withSeed(long s) {
      return new Options(hidden, layers, iterations, batch, learningRate, substeps, interpolation, s);
    }

    public Options withHidden(int h) {
      return new Options(h, layers, iterations, batch, learningRate, substeps, interpolation, seed);
    }

    public Options withInterpolation(Interpolation i) {
      return new Options(hidden, layers, iterations, batch, learningRate, substeps, i, seed);
    }
  }

  /**
   * {@code fit(model, data, options)} with the model by name: lsde, lnsde, gsde, nsde (the
   * unconstrained neural SDE) or ncde. The SDE-GAN is not fitted here (see {@code SdeGan}).
   */
  public static FittedIrregular fit(String model, IrregularData data, Options options) {
    return fit(IrregularModel.parse(model), data, options);
  }

  /** Trains {@code model} on {@code data}; see the class comment. */
  public static FittedIrregular fit(IrregularModel model, IrregularData data, Options options) {
    IrregularBatch in = data.inputs();
    double[] grid = grid(in.times(), options.substeps());
    int n = in.series();
    int c = in.channels();
    int h = options.hidden();
    double[] control = control(in, grid, options.interpolation());
    IrregularNet net = new IrregularNet(model, c, h, options.layers(), data.width());
    int batch = Math.min(options.batch(), n);
    Rng root = Rng.of(options.seed());
    float[][] weights = net.initialValues(root.stream(0).nextLong());
    double[] losses = new double[options.iterations()];
    int skipped = 0;
    try (NDManager manager = DjlRuntime.newManager()) {
      ParamSet params = ParamSet.of(manager, net.specs(), weights, true);
      Adam adam = new Adam(manager, params, options.learningRate());
      Rng batches = root.stream(1);
      int[] rows = new int[batch];
      for (int k = 0; k < options.iterations(); k++) {
        for (int i = 0; i < batch; i++) {
          rows[i] = batches.nextInt(n);
        }
        try (NDManager sm = manager.newSubManager()) {
          NDArray x = sm.create(gather(control, grid.length, n, c, rows), new Shape(grid.length, batch, c));
          NDArray dw = model.stochastic() ? brownian(sm, grid, batch, h, root.stream(2, k)) : null;
          NDArray loss;
          try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            NDArray path = net.latentPath(params, x, grid, dw);
            loss = loss(sm, net, params, path, data, rows, options.substeps());
            gc.backward(loss);
          }
          double l = loss.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
          losses[k] = l;
          if (Double.isFinite(l)) {
            adam.step(sm, 1);
          } else {
            skipped++;
          }
          adam.zeroGrads();
        }
      }
      weights = params.toFloats();
    }
    return new FittedIrregular(net, weights, options, data.task(), losses, skipped);
  }

  /**
   * The interpolation task on one univariate series, as the CLI builds it from a data file:
   * windows of {@code window} values every {@code stride} values, a fraction {@code dropRate} of
   * each window's time points dropped (seeded), time prepended as a channel; the targets are the
   * full windows.
   */
  public static IrregularData interpolationTask(double[] series, int window, int stride, double dropRate, long seed) {
    IrregularBatch full = org.diffusion4j.irregular.IrregularDatasets.windows(series, window, stride);
    return IrregularData.interpolation(full.dropTimePoints(dropRate, seed).withTimeChannel(), full.values(), 1);
  }

  /** Observation times with every interval cut into {@code substeps} equal steps. */
  static double[] grid(double[] times, int substeps) {
    double[] g = new double[(times.length - 1) * substeps + 1];
    for (int k = 0; k + 1 < times.length; k++) {
      for (int s = 0; s < substeps; s++) {
        g[k * substeps + s] = times[k] + (times[k + 1] - times[k]) * s / substeps;
      }
    }
    g[g.length - 1] = times[times.length - 1];
    return g;
  }

  /** X on the grid, (G, n, c). */
  static double[] control(IrregularBatch in, double[] grid, Interpolation interpolation) {
    ControlPath path = interpolation == Interpolation.HERMITE ? HermiteCubicPath.of(in) : LinearPath.of(in);
    return path.sample(grid);
  }

  /** Rows {@code rows} of a (G, n, c) array as a float (G, rows, c) array. */
  static float[] gather(double[] x, int points, int n, int c, int[] rows) {
    float[] out = new float[points * rows.length * c];
    for (int g = 0; g < points; g++) {
      for (int i = 0; i < rows.length; i++) {
        int src = (g * n + rows[i]) * c;
        int dst = (g * rows.length + i) * c;
        for (int j = 0; j < c; j++) {
          out[dst + j] = (float) x[src + j];
        }
      }
    }
    return out;
  }

  /** Brownian increments (G - 1, n, h): N(0, dt_g) from {@code rng}. */
  static NDArray brownian(NDManager m, double[] grid, int n, int h, Rng rng) {
    float[] v = new float[(grid.length - 1) * n * h];
    for (int g = 0; g + 1 < grid.length; g++) {
      double s = Math.sqrt(grid[g + 1] - grid[g]);
      for (int q = 0; q < n * h; q++) {
        v[g * n * h + q] = (float) (s * rng.nextGaussian());
      }
    }
    return m.create(v, new Shape(grid.length - 1, n, h));
  }

  private static NDArray loss(NDManager sm, IrregularNet net, ParamSet p, NDArray path, IrregularData data,
      int[] rows, int substeps) {
    int b = rows.length;
    int w = data.width();
    switch (data.task()) {
      case CLASSIFY -> {
        NDArray logits = net.readout(p, path.get(path.getShape().get(0) - 1));
        float[] oneHot = new float[b * w];
        for (int i = 0; i < b; i++) {
          oneHot[i * w + data.labels()[rows[i]]] = 1;
        }
        return logits.logSoftmax(1).mul(sm.create(oneHot, new Shape(b, w))).sum().neg()
            .div(sm.create(new float[] {b}, new Shape(1)));
      }
      case FORECAST -> {
        NDArray pred = net.readout(p, path.get(path.getShape().get(0) - 1));
        float[] t = new float[b * w];
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < w; j++) {
            t[i * w + j] = (float) data.targets()[rows[i] * w + j];
          }
        }
        return pred.sub(sm.create(t, new Shape(b, w))).square().mean();
      }
      case INTERPOLATE -> {
        int length = data.inputs().length();
        NDArray states = substeps == 1 ? path : path.get("::" + substeps);
        NDArray pred = net.readout(p, states); // (L, b, w)
        float[] t = new float[length * b * w];
        float[] mask = new float[t.length];
        int count = 0;
        for (int k = 0; k < length; k++) {
          for (int i = 0; i < b; i++) {
            for (int j = 0; j < w; j++) {
              double v = data.targets()[(rows[i] * length + k) * w + j];
              if (!Double.isNaN(v)) {
                t[(k * b + i) * w + j] = (float) v;
                mask[(k * b + i) * w + j] = 1;
                count++;
              }
            }
          }
        }
        NDArray err = pred.sub(sm.create(t, new Shape(length, b, w))).mul(sm.create(mask, new Shape(length, b, w)));
        return err.square().sum().div(sm.create(new float[] {Math.max(count, 1)}, new Shape(1)));
      }
      default -> throw new IllegalStateException();
    }
  }
}
