package org.diffusion4j.nn.graph.pard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.graph.Isomorphism;
import org.diffusion4j.graph.PardBlocks;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * Block-by-block sampling with an exact model reproduces a known distribution: star K_{1,3}
 * (blocks {centre}, {3 leaves}), path P_4 (blocks {2 inner nodes}, {2 ends}) and triangle K_3
 * (one block of degree 2) with probabilities 0.5, 0.3, 0.2.
 *
 * <p>The oracle is exact for the process PARD samples: its next-block head gives the true
 * conditional (size, degree) of the next block given the prefix, and its denoiser the exact
 * per-pair posterior p(x_0 | x_t, prefix) of the mixture over the target pairs' labelled
 * configurations c that complete the prefix consistently (the completed prefix decomposes into the
 * given blocks and is isomorphic to a data graph's prefix), each data graph's weight spread
 * evenly over its configurations. Sampling is then exact up to the per-pair factorisation of the
 * reverse steps, which matters only for P_4's second block (two configurations) and vanishes as T
 * grows.
 */
class PardSamplerTest {
  static final Graph STAR = Graph.of(4, new int[][] {{0, 1}, {0, 2}, {0, 3}});
  static final Graph PATH = Graph.of(4, new int[][] {{0, 1}, {1, 2}, {2, 3}});
  static final Graph TRIANGLE = Graph.of(3, new int[][] {{0, 1}, {1, 2}, {0, 2}});
  static final List<Graph> DATA = List.of(STAR, PATH, TRIANGLE);
  static final double[] PI = {0.5, 0.3, 0.2};
  static final int MAX_DEGREE = 2;
  static final int MAX_SIZE = 3;

  /** The exact model of {@link #DATA}. */
  static final class Oracle implements PardDenoiser {
    final PardDiffusion diffusion;
    final Map<String, double[]> weights = new HashMap<>();

    Oracle(PardDiffusion diffusion) {
      this.diffusion = diffusion;
    }

    /** Prefix graph of blocks 0..last of a data graph, in generation order. */
    static Graph prefix(Graph g, int last) {
      PardBlocks b = PardBlocks.of(g, 3);
      Graph o = b.ordered(g);
      int m = b.prefixNodes(last);
      List<int[]> e = new ArrayList<>();
      for (int u = 0; u < m; u++) {
        for (int v = u + 1; v < m; v++) {
          if (o.hasEdge(u, v)) {
            e.add(new int[] {u, v});
          }
        }
      }
      return Graph.of(m, e.toArray(new int[0][]));
    }

    static Graph graph(int nodes, int[] edges) {
      List<int[]> e = new ArrayList<>();
      for (int u = 0; u < nodes; u++) {
        for (int v = u + 1; v < nodes; v++) {
          if (edges[u * nodes + v] == 1) {
            e.add(new int[] {u, v});
          }
        }
      }
      return Graph.of(nodes, e.toArray(new int[0][]));
    }

    /** Indices of the data graphs whose prefix of blocks 0..last is h with h's labelled blocks. */
    static List<Integer> matches(Graph h, int[] blockOf, int[] degrees) {
      List<Integer> out = new ArrayList<>();
      PardBlocks hb = PardBlocks.of(h, 3);
      if (!Arrays.equals(hb.blockOf(), blockOf) || !Arrays.equals(hb.blockDegrees(), degrees)) {
        return out;
      }
      for (int i = 0; i < DATA.size(); i++) {
        PardBlocks b = PardBlocks.of(DATA.get(i), 3);
        int last = degrees.length - 1;
        if (last < b.blockCount() && Arrays.equals(Arrays.copyOf(b.blockDegrees(), last + 1), degrees)
            && Isomorphism.isomorphic(h, prefix(DATA.get(i), last))) {
          out.add(i);
        }
      }
      return out;
    }

    /** Weight of every target configuration (bit k = pair k) of an input, cached. */
    double[] configurationWeights(PardInput in, int[][] pairs) {
      String key = in.nodes() + Arrays.toString(in.blockOf()) + Arrays.toString(in.blockDegrees());
      return weights.computeIfAbsent(key, k -> {
        int configs = 1 << pairs.length;
        double[] w = new double[configs];
        double[] perGraph = new double[DATA.size()];
        List<List<Integer>> match = new ArrayList<>();
        for (int c = 0; c < configs; c++) {
          int[] e = in.edges().clone();
          for (int p = 0; p < pairs.length; p++) {
            int x = (c >> p) & 1;
            e[pairs[p][0] * in.nodes() + pairs[p][1]] = x;
            e[pairs[p][1] * in.nodes() + pairs[p][0]] = x;
          }
          List<Integer> mt = matches(graph(in.nodes(), e), in.blockOf(), in.blockDegrees());
          match.add(mt);
          for (int g : mt) {
            perGraph[g]++;
          }
        }
        for (int c = 0; c < configs; c++) {
          for (int g : match.get(c)) {
            w[c] += PI[g] / perGraph[g];
          }
        }
        return w;
      });
    }

    @Override
    public double[][][] edgeProbabilities(List<PardInput> inputs) {
      double[][][] out = new double[inputs.size()][][];
      for (int i = 0; i < inputs.size(); i++) {
        PardInput in = inputs.get(i);
        int[][] pairs = PardModel.targetPairs(in);
        double[] w = configurationWeights(in, pairs);
        double[][] marg = new double[pairs.length][2];
        double z = 0;
        for (int c = 0; c < w.length; c++) {
          if (w[c] == 0) {
            continue;
          }
          double post = w[c];
          for (int p = 0; p < pairs.length; p++) {
            int xt = in.edges()[pairs[p][0] * in.nodes() + pairs[p][1]];
            post *= diffusion.marginalAt((c >> p) & 1, in.step())[xt];
          }
          z += post;
          for (int p = 0; p < pairs.length; p++) {
            marg[p][(c >> p) & 1] += post;
          }
        }
        for (double[] mp : marg) {
          mp[0] /= z;
          mp[1] /= z;
        }
        out[i] = marg;
      }
      return out;
    }

    @Override
    public double[][] nextBlockProbabilities(List<PardInput> prefixes) {
      double[][] out = new double[prefixes.size()][(MAX_SIZE + 1) * (MAX_DEGREE + 1)];
      for (int i = 0; i < prefixes.size(); i++) {
        PardInput in = prefixes.get(i);
        for (int g : matches(graph(in.nodes(), in.edges()), in.blockOf(), in.blockDegrees())) {
          PardBlocks b = PardBlocks.of(DATA.get(g), 3);
          int next = in.blockDegrees().length;
          int k = next < b.blockCount() ? b.blockSizes()[next] * (MAX_DEGREE + 1) + b.blockDegrees()[next] : 0;
          out[i][k] += PI[g];
        }
        if (Arrays.stream(out[i]).sum() == 0) {
          out[i][0] = 1; // an inconsistent prefix stops
        }
      }
      return out;
    }
  }

  static double[] firstBlock() {
    double[] f = new double[(MAX_SIZE + 1) * (MAX_DEGREE + 1)];
    for (int g = 0; g < DATA.size(); g++) {
      PardBlocks b = PardBlocks.of(DATA.get(g), 3);
      f[b.blockSizes()[0] * (MAX_DEGREE + 1) + b.blockDegrees()[0]] += PI[g];
    }
    return f;
  }

  @Test
  void exactModelReproducesTheDistribution() {
    PardDiffusion diffusion = new PardDiffusion(50, new double[] {0.5, 0.5});
    PardSampler sampler = new PardSampler(diffusion, firstBlock(), MAX_DEGREE, 4, 5);
    int n = 600;
    List<Graph> g = sampler.sample(new Oracle(diffusion), n, Rng.of(21));
    int[] counts = new int[DATA.size()];
    int other = 0;
    for (Graph h : g) {
      int k = -1;
      for (int i = 0; i < DATA.size(); i++) {
        if (h.nodeCount() == DATA.get(i).nodeCount() && Isomorphism.isomorphic(h, DATA.get(i))) {
          k = i;
        }
      }
      if (k < 0) {
        other++;
      } else {
        counts[k]++;
      }
    }
    // The factorised reverse step may break P_4's joint configuration; with T = 50 it rarely does.
    assertTrue(other <= 0.02 * n, "graphs outside the data: " + other + " of " + n);
    for (int i = 0; i < DATA.size(); i++) {
      double se = Math.sqrt(PI[i] * (1 - PI[i]) / n);
      assertEquals(PI[i], counts[i] / (double) n, 4 * se + 0.02 * PI[i], "graph " + i + ": " + Arrays.toString(counts));
    }
    // same seed, same graphs
    assertEquals(sampler.sample(new Oracle(diffusion), 20, Rng.of(5)), sampler.sample(new Oracle(diffusion), 20,
        Rng.of(5)));
  }

  /** With a deterministic target the reverse chain must end exactly on it (every step). */
  @Test
  void singleConfigurationBlocksAreExact() {
    PardDiffusion diffusion = new PardDiffusion(3, new double[] {0.8, 0.2});
    double[] f = new double[(MAX_SIZE + 1) * (MAX_DEGREE + 1)];
    f[1 * (MAX_DEGREE + 1)] = 0.4;   // star: block {centre} of degree 0
    f[3 * (MAX_DEGREE + 1) + 2] = 0.6; // triangle
    PardSampler sampler = new PardSampler(diffusion, f, MAX_DEGREE, 4, 5);
    for (Graph h : sampler.sample(new Oracle(diffusion), 50, Rng.of(2))) {
      assertTrue(Isomorphism.isomorphic(h, h.nodeCount() == 4 ? STAR : TRIANGLE), h.toString());
    }
  }

  @Test
  void badInputIsRejected() {
    PardDiffusion diffusion = new PardDiffusion(3, new double[] {0.5, 0.5});
    assertThrows(IllegalArgumentException.class, () -> new PardSampler(diffusion, new double[5], 2, 4, 5));
    PardSampler s = new PardSampler(diffusion, firstBlock(), MAX_DEGREE, 4, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.sample(new Oracle(diffusion), 0, Rng.of(1)));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
  }
}
