package org.diffusion4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.graph.GraphGenerators;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.GraphNetConfig;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GdssModelTest {
  @TempDir Path dir;

  /** community_small's networks (ScoreNetworkX GCN depth 3, ScoreNetworkA GMH 5 layers) at N = 9, F = 5. */
  static GdssConfig small() {
    GdssConfig c = GdssConfig.generic("test", 9, 5);
    return c.withNetworks(c.netX(), c.netAdj()).withSteps(4).withBatch(4);
  }

  @Test
  void scoreNetworksArePermutationEquivariantWithNodeMasks() {
    GdssConfig c = small();
    GdssModel model = new GdssModel(c);
    int b = 3;
    int n = c.maxNodes();
    int f = c.features();
    Rng rng = Rng.of(6);
    float[] flags = new float[b * n];
    float[] x = new float[b * n * f];
    float[] a = new float[b * n * n];
    for (int g = 0; g < b; g++) {
      for (int u = 0; u < n - g; u++) {
        flags[g * n + u] = 1;
      }
      for (int u = 0; u < n; u++) {
        for (int k = 0; k < f; k++) {
          x[(g * n + u) * f + k] = flags[g * n + u] * (float) rng.nextGaussian();
        }
        for (int v = u + 1; v < n; v++) {
          float z = flags[g * n + u] * flags[g * n + v] * (float) rng.nextGaussian();
          a[g * n * n + u * n + v] = z;
          a[g * n * n + v * n + u] = z;
        }
      }
    }
    int[] perm = {4, 0, 7, 2, 8, 1, 6, 3, 5};
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet px = ParamSet.of(m, model.netX().specs(), model.netX().initialValues(), false);
      ParamSet pa = ParamSet.of(m, model.netAdj().specs(), model.netAdj().initialValues(), false);
      NDArray t = m.create(new float[] {0.3f, 0.6f, 0.9f}, new Shape(b, 1));
      NDArray[] out = model.outputs(px, pa, m.create(x, new Shape(b, n, f)), m.create(a, new Shape(b, n, n)),
          m.create(flags, new Shape(b, n)), t, false);
      NDArray[] outPerm = model.outputs(px, pa, m.create(permuteNodes(x, b, n, f, perm), new Shape(b, n, f)),
          m.create(permutePairs(a, b, n, perm), new Shape(b, n, n)),
          m.create(permuteNodes(flags, b, n, 1, perm), new Shape(b, n)), t, false);
      float[] wantX = permuteNodes(out[0].toFloatArray(), b, n, f, perm);
      float[] wantA = permutePairs(out[1].toFloatArray(), b, n, perm);
      float[] gotX = outPerm[0].toFloatArray();
      float[] gotA = outPerm[1].toFloatArray();
      double scale = 0;
      for (int i = 0; i < wantX.length; i++) {
        assertEquals(wantX[i], gotX[i], 1e-5, "X score entry " + i);
        scale = Math.max(scale, Math.abs(wantX[i]));
      }
      for (int i = 0; i < wantA.length; i++) {
        assertEquals(wantA[i], gotA[i], 1e-5, "A score entry " + i);
      }
      assertTrue(scale > 1e-2, "outputs are not trivially zero");
    }
  }

  private static float[] permuteNodes(float[] v, int b, int n, int w, int[] perm) {
    float[] out = new float[v.length];
    for (int g = 0; g < b; g++) {
      for (int u = 0; u < n; u++) {
        System.arraycopy(v, (g * n + u) * w, out, (g * n + perm[u]) * w, w);
      }
    }
    return out;
  }

  private static float[] permutePairs(float[] v, int b, int n, int[] perm) {
    float[] out = new float[v.length];
    for (int g = 0; g < b; g++) {
      for (int u = 0; u < n; u++) {
        for (int w = 0; w < n; w++) {
          out[g * n * n + perm[u] * n + perm[w]] = v[g * n * n + u * n + w];
        }
      }
    }
    return out;
  }

  @Test
  void trainsWritesARunAndSamplesDeterministically() throws Exception {
    List<Graph> graphs = new ArrayList<>();
    for (int r = 2; r <= 3; r++) {
      for (int q = 2; q <= 3; q++) {
        graphs.add(GraphGenerators.grid(r, q));
      }
    }
    GdssConfig c = small();
    List<Double> losses = new ArrayList<>();
    GdssTrainer.Summary s = GdssTrainer.train(c, graphs, dir, l -> losses.add(l.lossX() + l.lossAdj()));
    assertEquals(4, s.steps());
    assertEquals(4, losses.size());
    assertTrue(Files.exists(dir.resolve("gdss.json")) && Files.exists(dir.resolve("train.txt")));
    GdssRun run = GdssRun.open(dir);
    assertEquals(c.toJson(), run.config().toJson());
    assertEquals(graphs, run.training());
    GdssSampler.Settings settings = new GdssSampler.Settings(GdssConfig.Predictor.S4, GdssConfig.Corrector.LANGEVIN,
        0.05, 0.7, 1e-4, 5);
    List<Graph> a = run.sample(5, 3, settings, false);
    assertEquals(5, a.size());
    assertEquals(a, run.sample(5, 3, settings, false));
    assertEquals(c, GdssConfig.fromJson(c.toJson()));
    // Same training seed, same weights: a second run samples the same graphs.
    GdssTrainer.train(c, graphs, dir.resolve("again"), null);
    assertEquals(a, GdssRun.open(dir.resolve("again")).sample(5, 3, settings, false));
  }

  @Test
  void dsmLossIsHalfTheSquaredNoiseErrorPerGraph() {
    try (NDManager m = DjlRuntime.newManager()) {
      NDArray out = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2, 1));
      NDArray z = m.create(new float[] {0, 0, 1, 1}, new Shape(2, 2, 1));
      NDArray std = m.create(new float[] {0.5f, 2f}, new Shape(2, 1, 1));
      // VP: (1/2)(1 + 4 + 4 + 9) / 2 graphs
      assertEquals(4.5, GdssTrainer.dsm(out, z, std, GdssSde.vp(0.1, 1, 10), 2).getFloat(), 1e-6);
      // VE: (1/2)((0.5)^2 + 1^2 + 7^2 + 9^2) / 2
      assertEquals(0.25 * (0.25 + 1 + 49 + 81), GdssTrainer.dsm(out, z, std, GdssSde.ve(0.1, 1, 10), 2).getFloat(),
          1e-5);
    }
  }

  @Test
  void presetsFollowGdssConfigs() {
    GdssConfig cs = GdssConfig.preset("community_small");
    assertEquals(20, cs.maxNodes());
    assertEquals(10, cs.features());
    assertEquals(3, cs.netX().depth());
    assertEquals(5, cs.netAdj().depth());
    assertEquals(GraphNetConfig.Layer.GMH, cs.netAdj().layer());
    GdssConfig grid = GdssConfig.preset("grid");
    assertEquals(0.2, grid.sdeAdj().min());
    assertEquals(0.8, grid.sdeAdj().max());
    assertEquals(GdssConfig.Predictor.REVERSE, grid.predictor());
  }
}
