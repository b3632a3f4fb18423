package org.diffusion4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class OrbitCounterTest {

  static Graph random(int n, double p, Rng rng) {
    List<int[]> edges = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (rng.nextDouble() < p) {
          edges.add(new int[] {i, j});
        }
      }
    }
    return Graph.of(n, edges.toArray(new int[0][]));
  }

  /**
   * Brute force, independent of the ESU enumeration and of the degree-sequence classifier: every
   * 2-, 3- and 4-subset, its induced edge set matched against explicit edge sets of each graphlet
   * under all labelings (the orbit of a node = its position in the canonical graphlet drawing).
   */
  static long[][] bruteForce(Graph g) {
    int n = g.nodeCount();
    long[][] c = new long[n][15];
    // Canonical graphlets on positions 0..3 (edges) with the orbit of each position.
    int[][][] g3 = {{{0, 1}, {1, 2}}, {{0, 1}, {1, 2}, {0, 2}}};
    int[][] o3 = {{1, 2, 1}, {3, 3, 3}};
    int[][][] g4 = {
        {{0, 1}, {1, 2}, {2, 3}}, // path: ends 4, middles 5
        {{0, 1}, {0, 2}, {0, 3}}, // star: centre 7, leaves 6
        {{0, 1}, {1, 2}, {2, 3}, {3, 0}}, // cycle 8
        {{0, 1}, {1, 2}, {2, 0}, {2, 3}}, // paw: 3 pendant (9), 0,1 (10), 2 (11)
        {{0, 1}, {1, 2}, {2, 3}, {3, 0}, {0, 2}}, // diamond: 1, 3 (12), 0, 2 (13)
        {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}};
    int[][] o4 = {{4, 5, 5, 4}, {7, 6, 6, 6}, {8, 8, 8, 8}, {10, 10, 11, 9}, {13, 12, 13, 12}, {14, 14, 14, 14}};
    for (int u = 0; u < n; u++) {
      c[u][0] = g.degree(u);
    }
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        for (int d = b + 1; d < n; d++) {
          match(g, new int[] {a, b, d}, g3, o3, c);
          for (int e = d + 1; e < n; e++) {
            match(g, new int[] {a, b, d, e}, g4, o4, c);
          }
        }
      }
    }
    return c;
  }

  private static void match(Graph g, int[] nodes, int[][][] graphlets, int[][] orbits, long[][] c) {
    int k = nodes.length;
    for (int t = 0; t < graphlets.length; t++) {
      for (int[] perm : permutations(k)) {
        // position i of the graphlet sits on node nodes[perm[i]]
        boolean[][] want = new boolean[k][k];
        for (int[] e : graphlets[t]) {
          want[e[0]][e[1]] = true;
          want[e[1]][e[0]] = true;
        }
        boolean ok = true;
        for (int i = 0; i < k && ok; i++) {
          for (int j = i + 1; j < k && ok; j++) {
            ok = want[i][j] == g.hasEdge(nodes[perm[i]], nodes[perm[j]]);
          }
        }
        if (ok) {
          for (int i = 0; i < k; i++) {
            c[nodes[perm[i]]][orbits[t][i]]++;
          }
          return;
        }
      }
    }
  }

  private static List<int[]> permutations(int k) {
    List<int[]> out = new ArrayList<>();
    permute(new int[k], new boolean[k], 0, out);
    return out;
  }

  private static void permute(int[] p, boolean[] used, int i, List<int[]> out) {
    if (i == p.length) {
      out.add(p.clone());
      return;
    }
    for (int v = 0; v < p.length; v++) {
      if (!used[v]) {
        used[v] = true;
        p[i] = v;
        permute(p, used, i + 1, out);
        used[v] = false;
      }
    }
  }

  @Test
  void orbitCountsEqualBruteForceEnumerationOnRandomGraphs() {
    Rng rng = Rng.of(19);
    for (int trial = 0; trial < 40; trial++) {
      int n = 1 + rng.nextInt(12);
      double p = 0.1 + 0.8 * rng.nextDouble();
      Graph g = random(n, p, rng);
      long[][] fast = OrbitCounter.count(g);
      long[][] brute = bruteForce(g);
      for (int u = 0; u < n; u++) {
        assertArrayEquals(brute[u], fast[u], "graph " + trial + " (" + g + ") node " + u);
      }
    }
  }

  @Test
  void orbitCountsEqualTheOrcaBinaryOutput() throws IOException {
    List<Graph> graphs;
    try (InputStream in = getClass().getResourceAsStream("orca-graphs.txt")) {
      graphs = EdgeLists.read(in, "orca-graphs.txt", false);
    }
    String counts;
    try (InputStream in = getClass().getResourceAsStream("orca-counts.txt")) {
      counts = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int rows = 0;
    for (String line : counts.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.trim().split(" ");
      int g = Integer.parseInt(f[0]);
      int u = Integer.parseInt(f[1]);
      long[] want = new long[15];
      for (int k = 0; k < 15; k++) {
        want[k] = Long.parseLong(f[2 + k]);
      }
      assertArrayEquals(want, OrbitCounter.count(graphs.get(g))[u], "graph " + g + " node " + u);
      rows++;
    }
    assertEquals(122, rows);
  }

  @Test
  void gridOrbitsHaveNoTrianglesAndTheKnownFourCycles() {
    Graph g = GraphGenerators.grid(10, 12);
    long[][] c = OrbitCounter.count(g);
    long cycles = 0;
    for (long[] row : c) {
      assertEquals(0, row[3]);
      cycles += row[8];
    }
    assertEquals(4L * 9 * 11, cycles); // each of the 9 x 11 unit squares is a 4-cycle on 4 nodes
  }
}
