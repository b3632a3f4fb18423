package org.diffusion4j.nn.neuralsde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npz;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.nn.net.ParamSpec;
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

  /** What {@link #save} writes to {@code model.json} besides the weights. */
  public record Saved(IrregularModel model, IrregularData.Task task, int channels, int outputs,
      IrregularFit.Options options) {}

  /** Writes {@code dir/model.json} and {@code dir/weights.npz} (float32, one entry per tensor), atomically. */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<String, NdArray> arrays = new LinkedHashMap<>();
    List<ParamSpec> specs = net.specs();
    for (int i = 0; i < specs.size(); i++) {
      double[] v = new double[weights[i].length];
      for (int j = 0; j < v.length; j++) {
        v[j] = weights[i][j];
      }
      arrays.put(specs.get(i).name(), new NdArray(specs.get(i).shape(), v, "<f4"));
    }
    Npz.write(dir.resolve("weights.npz"), arrays);
    AtomicFiles.writeString(dir.resolve("model.json"),
        JsonRecords.toJson(new Saved(net.kind(), task, net.channels(), net.outputs(), options)) + "\n");
  }

  /** Reads what {@link #save} wrote; a missing or mismatched tensor is an error naming it. */
  public static FittedIrregular load(Path dir) throws IOException {
    Path json = dir.resolve("model.json");
    Saved s = JsonRecords.fromJson(Saved.class, (Map<?, ?>) Json.parse(Files.readString(json)), json.toString());
    IrregularNet net = new IrregularNet(s.model(), s.channels(), s.options().hidden(), s.options().layers(),
        s.outputs());
    Map<String, NdArray> arrays = Npz.read(dir.resolve("weights.npz"));
    List<ParamSpec> specs = net.specs();
    float[][] w = new float[specs.size()][];
    for (int i = 0; i < w.length; i++) {
      NdArray a = arrays.get(specs.get(i).name());
      if (a == null || a.size() != specs.get(i).size()) {
        throw new IllegalArgumentException(dir.resolve("weights.npz") + ": tensor " + specs.get(i)
            + (a == null ? " is missing" : " has " + a.size() + " values"));
      }
      double[] d = a.data();
      w[i] = new float[d.length];
      for (int j = 0; j < d.length; j++) {
        w[i][j] = (float) d[j];
      }
    }
    return new FittedIrregular(net, w, s.options(), s.task(), new double[0], 0);
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
