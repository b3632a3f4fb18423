package org.diffusion4j.nn.graph.pard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.graph.GraphDatasets;
import org.diffusion4j.graph.PardBlocks;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Networks;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class PardNetTest {

  static PardConfig smallConfig() {
    List<Graph> train = GraphDatasets.train("community_small").subList(0, 20);
    return PardConfig.fit("community_small", train, 20, 8, 2, 10, 5, 4, 1e-3, 7);
  }

  /** Block prefix 0..last of a training graph, the last block noised at random, step 5. */
  static PardInput prefixInput(Graph g, int last, Rng rng) {
    PardBlocks b = PardBlocks.of(g, 3);
    Graph o = b.ordered(g);
    int m = b.prefixNodes(last);
    int[] blockOf = new int[m];
    int k = 0;
    for (int blk = 0; blk <= last; blk++) {
      for (int i = 0; i < b.blockSizes()[blk]; i++) {
        blockOf[k++] = blk;
      }
    }
    int[] e = new int[m * m];
    PardInput shell = new PardInput(m, e, blockOf, java.util.Arrays.copyOf(b.blockDegrees(), last + 1), last, 5);
    for (int u = 0; u < m; u++) {
      for (int v = u + 1; v < m; v++) {
        int x = o.hasEdge(u, v) ? 1 : 0;
        if (shell.isTargetPair(u, v) && rng.nextDouble() < 0.3) {
          x = 1 - x;
        }
        e[u * m + v] = x;
        e[v * m + u] = x;
      }
    }
    return shell;
  }

  static PardInput permute(PardInput in, int[] perm) {
    int m = in.nodes();
    int[] e = new int[m * m];
    int[] blockOf = new int[m];
    for (int u = 0; u < m; u++) {
      blockOf[perm[u]] = in.blockOf()[u];
      for (int v = 0; v < m; v++) {
        e[perm[u] * m + perm[v]] = in.edges()[u * m + v];
      }
    }
    return new PardInput(m, e, blockOf, in.blockDegrees(), in.targetBlock(), in.step());
  }

  /** Permuting the nodes permutes the edge logits and leaves the next-block logits unchanged. */
  @Test
  void networkIsPermutationEquivariant() {
    PardConfig c = smallConfig();
    PardModel model = new PardModel(c);
    Rng rng = Rng.of(5);
    Graph g = GraphDatasets.train("community_small").get(3);
    PardBlocks b = PardBlocks.of(g, 3);
    PardInput in = prefixInput(g, b.blockCount() - 1, rng);
    PardInput in2 = prefixInput(GraphDatasets.train("community_small").get(8), 1, rng);
    int m = in.nodes();
    int[] perm = org.diffusion4j.nn.graph.GdssTrainer.permutation(m, rng);
    PardInput permuted = permute(in, perm);
    int n = c.maxNodes();
    try (NDManager manager = DjlRuntime.newManager()) {
      float[][] init = model.net().initialValues();
      double[][] w = new double[init.length][];
      Rng wr = Rng.of(9);
      for (int i = 0; i < init.length; i++) {
        w[i] = new double[init[i].length];
        for (int j = 0; j < w[i].length; j++) {
          w[i][j] = init[i][j] + 0.1 * wr.nextGaussian(); // non-trivial biases and norms too
        }
      }
      ParamSet p = ParamSet.ofDouble(manager, model.net().specs(), w, false);
      PardModel.Tensors t = model.tensors(manager, List.of(in, in2, permuted), DataType.FLOAT64, false);
      PardNet.Outputs out = model.net().outputs(p, t.x(), t.c(), t.condition());
      double[] edge = out.edgeLogits().toDoubleArray();
      double[] block = out.blockLogits().toDoubleArray();
      int k = c.net().blockClasses();
      double scale = 0;
      for (int j = 0; j < k; j++) {
        assertEquals(block[j], block[2 * k + j], 1e-9, "block logit " + j);
        scale = Math.max(scale, Math.abs(block[j]));
      }
      assertTrue(scale > 1e-3, "block logits are not trivially zero");
      double maxEdge = 0;
      for (int u = 0; u < m; u++) {
        for (int v = 0; v < m; v++) {
          for (int cl = 0; cl < 2; cl++) {
            double a = edge[((u) * n + v) * 2 + cl];
            double bb = edge[((2 * n + perm[u]) * n + perm[v]) * 2 + cl];
            assertEquals(a, bb, 1e-9 * Math.max(1, Math.abs(a)), "pair " + u + "," + v);
            assertEquals(a, edge[((v) * n + u) * 2 + cl], 1e-9 * Math.max(1, Math.abs(a)), "symmetry");
            maxEdge = Math.max(maxEdge, Math.abs(a));
          }
        }
      }
      assertTrue(maxEdge > 1e-3);
      for (int v = m; v < n; v++) {
        assertEquals(0, edge[(0 * n + v) * 2], 0, "padding is masked");
      }
      // float32 agrees with float64 to 1e-5 relative (the training precision)
      ParamSet p32 = ParamSet.of(manager, model.net().specs(), toFloat(w), false);
      PardModel.Tensors t32 = model.tensors(manager, List.of(in, in2, permuted), DataType.FLOAT32, false);
      double[] e32 = model.net().outputs(p32, t32.x(), t32.c(), t32.condition()).edgeLogits().toType(DataType.FLOAT64,
          false).toDoubleArray();
      for (int u = 0; u < m; u++) {
        for (int v = 0; v < m; v++) {
          double a = e32[(u * n + v) * 2 + 1];
          double bb = e32[((2 * n + perm[u]) * n + perm[v]) * 2 + 1];
          assertEquals(a, bb, 1e-5 * Math.max(1, Math.abs(a)), "float32 pair " + u + "," + v);
        }
      }
    }
  }

  @Test
  void configRoundTripsThroughJsonAndRejectsBadShapes() {
    PardConfig c = smallConfig();
    assertEquals(c.toJson(), PardConfig.fromJson(c.toJson()).toJson());
    assertEquals(Networks.toJson(c.net()), Networks.toJson(Networks.fromJson(Networks.toJson(c.net()))));
    double total = 0;
    for (double v : c.firstBlock()) {
      total += v;
    }
    assertEquals(1.0, total, 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new PardNetConfig(1, 3, 2, 8, 1, 8, 4, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> PardNetConfig.defaults(new long[] {6, 5, 2}));
    assertThrows(IllegalArgumentException.class, () -> c.blockClass(c.maxBlockSize() + 1, 0));
    PardModel model = new PardModel(c);
    try (NDManager manager = DjlRuntime.newManager()) {
      PardModel.Tensors t = model.tensors(manager, List.of(prefixInput(GraphDatasets.train("community_small").get(0), 0,
          Rng.of(1))), DataType.FLOAT32, false);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.net().outputs(
          ParamSet.of(manager, model.net().specs(), model.net().initialValues(), false), t.x(), t.c(),
          org.diffusion4j.nn.net.Condition.NONE));
      assertTrue(e.getMessage().contains("context"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new PardInput(2, new int[3], new int[2], new int[1], 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new PardInput(2, new int[4], new int[2], new int[1], 0, 0));
  }

  static float[][] toFloat(double[][] w) {
    float[][] f = new float[w.length][];
    for (int i = 0; i < w.length; i++) {
      f[i] = new float[w[i].length];
      for (int j = 0; j < f[i].length; j++) {
        f[i][j] = (float) w[i][j];
      }
    }
    return f;
  }

}
