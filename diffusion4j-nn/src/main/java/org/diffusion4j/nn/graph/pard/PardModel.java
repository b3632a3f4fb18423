package org.diffusion4j.nn.graph.pard;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.ParamSet;

/**
 * PARD's network input encoding and its use as a {@link PardDenoiser}: edge one-hots (zero on the
 * diagonal and on padding), node context [one-hot block id, one-hot block degree, target flag]
 * (the official BlockIDConditioning and BlockDegreeConditioning; block ids and degrees beyond the
 * embedding are clamped to its last entry), node mask, and c = t / T (TimestepConditioning).
 */
public final class PardModel {
  private final PardConfig config;
  private final PardNet net;

  public PardModel(PardConfig config) {
    this.config = config;
    this.net = config.net().build();
  }

  public PardConfig config() {
    return config;
  }

  public PardNet net() {
    return net;
  }

  /** The network's inputs for a batch. */
  public record Tensors(NDArray x, NDArray c, Condition condition) {}

  /** Encodes {@code inputs} as arrays of {@code type} in {@code manager}. */
  public Tensors tensors(NDManager manager, List<PardInput> inputs, DataType type, boolean training) {
    int n = config.maxNodes();
    int f = config.net().nodeFeatures();
    int b = inputs.size();
    float[] x = new float[b * n * n * 2];
    float[] ctx = new float[b * n * f];
    float[] mask = new float[b * n];
    float[] c = new float[b];
    for (int i = 0; i < b; i++) {
      PardInput in = inputs.get(i);
      if (in.nodes() > n) {
        throw new IllegalArgumentException("PARD input has " + in.nodes() + " nodes, more than max nodes " + n);
      }
      int m = in.nodes();
      for (int u = 0; u < m; u++) {
        mask[i * n + u] = 1;
        int blk = Math.min(in.blockOf()[u], config.maxBlocks() - 1);
        int deg = Math.min(in.blockDegrees()[in.blockOf()[u]], config.maxDegree());
        int base = (i * n + u) * f;
        ctx[base + blk] = 1;
        ctx[base + config.maxBlocks() + deg] = 1;
        ctx[base + f - 1] = in.isTarget(u) ? 1 : 0;
        for (int v = 0; v < m; v++) {
          if (u != v) {
            x[((i * n + u) * n + v) * 2 + in.edges()[u * m + v]] = 1;
          }
        }
      }
      c[i] = (float) in.step() / config.diffusionSteps();
    }
    NDArray xa = manager.create(x, new Shape(b, n, n, 2)).toType(type, false);
    NDArray ca = manager.create(c, new Shape(b, 1)).toType(type, false);
    NDArray ctxa = manager.create(ctx, new Shape(b, n, f)).toType(type, false);
    NDArray maska = manager.create(mask, new Shape(b, n)).toType(type, false);
    return new Tensors(xa, ca, Condition.NONE.withContext(ctxa).withMask(maska).withTraining(training));
  }

  /** The target pairs (u, v), u &lt; v, of an input, row-major. */
  public static int[][] targetPairs(PardInput in) {
    List<int[]> out = new ArrayList<>();
    for (int u = 0; u < in.nodes(); u++) {
      for (int v = u + 1; v < in.nodes(); v++) {
        if (in.isTargetPair(u, v)) {
          out.add(new int[] {u, v});
        }
      }
    }
    return out.toArray(new int[0][]);
  }

  /** The network with parameters {@code params} as a denoiser (float32, softmax of its logits). */
  public PardDenoiser denoiser(NDManager manager, ParamSet params) {
    int n = config.maxNodes();
    return new PardDenoiser() {
      @Override
      public double[][][] edgeProbabilities(List<PardInput> inputs) {
        try (NDManager sm = manager.newSubManager()) {
          Tensors t = tensors(sm, inputs, DataType.FLOAT32, false);
          float[] p = net.outputs(params, t.x(), t.c(), t.condition()).edgeLogits().softmax(3).toFloatArray();
          double[][][] out = new double[inputs.size()][][];
          for (int i = 0; i < inputs.size(); i++) {
            int[][] pairs = targetPairs(inputs.get(i));
            out[i] = new double[pairs.length][2];
            for (int k = 0; k < pairs.length; k++) {
              int base = ((i * n + pairs[k][0]) * n + pairs[k][1]) * 2;
              out[i][k][0] = p[base];
              out[i][k][1] = p[base + 1];
            }
          }
          return out;
        }
      }

      @Override
      public double[][] nextBlockProbabilities(List<PardInput> prefixes) {
        try (NDManager sm = manager.newSubManager()) {
          Tensors t = tensors(sm, prefixes, DataType.FLOAT32, false);
          float[] p = net.outputs(params, t.x(), t.c(), t.condition()).blockLogits().softmax(1).toFloatArray();
          int k = config.net().blockClasses();
          double[][] out = new double[prefixes.size()][k];
          for (int i = 0; i < prefixes.size(); i++) {
            for (int j = 0; j < k; j++) {
              out[i][j] = p[i * k + j];
            }
          }
          return out;
        }
      }
    };
  }
}
