package org.diffusion4j.graph;

/**
 * Node orbit counts of all graphlets with 2 to 4 nodes: the 15 orbits that ORCA
 * (Hočevar &amp; Demšar 2014, "A combinatorial approach to graphlet counting"; the binary GDSS's
 * evaluation/stats.py calls as {@code orca node 4}) reports per node, in ORCA's numbering:
 *
 * <pre>
 *  0 edge                              8 4-cycle
 *  1 end of a 3-path   2 its middle    9 paw: the pendant  10 its degree-2 nodes  11 its degree-3 node
 *  3 triangle                         12 diamond: degree-2 nodes  13 its degree-3 nodes
 *  4 end of a 4-path   5 its middle   14 4-clique
 *  6 leaf of a 3-star  7 its centre
 * </pre>
 *
 * Counts are of induced subgraphs (a triangle is not counted as three 3-paths). ORCA derives
 * them from edge-based equations; here every connected induced subgraph of 3 and 4 nodes is
 * enumerated once with Wernicke's ESU algorithm (2006) and classified by its degree sequence.
 * Cost is proportional to the number of connected 4-node sets: immediate on the benchmark
 * graphs (sparse, or at most 20 nodes), slow on large dense graphs.
 */
public final class OrbitCounter {
  /** Number of node orbits of graphlets with up to 4 nodes. */
  public static final int ORBITS = 15;

  private OrbitCounter() {}

  /** The (nodeCount x 15) orbit counts, row per node. */
  public static long[][] count(Graph g) {
    int n = g.nodeCount();
    long[][] orbits = new long[n][ORBITS];
    for (int u = 0; u < n; u++) {
      orbits[u][0] = g.degree(u);
    }
    int[] sub = new int[4];
    int[] ext = new int[n];
    boolean[] inSub = new boolean[n];
    int[] blocked = new int[n]; // > 0: in the subgraph or adjacent to it
    for (int v = 0; v < n; v++) {
      int extSize = 0;
      for (int w : g.neighboursView(v)) {
        if (w > v) {
          ext[extSize++] = w;
        }
      }
      sub[0] = v;
      mark(g, v, blocked, inSub, +1);
      extend(g, sub, 1, ext, extSize, v, blocked, inSub, orbits);
      mark(g, v, blocked, inSub, -1);
    }
    return orbits;
  }

  /** Orbit counts summed over nodes and divided by the node count: GDSS's per-graph orbit feature. */
  public static double[] meanCounts(Graph g) {
    long[][] c = count(g);
    double[] out = new double[ORBITS];
    for (long[] row : c) {
      for (int k = 0; k < ORBITS; k++) {
        out[k] += row[k];
      }
    }
    for (int k = 0; k < ORBITS; k++) {
      out[k] /= g.nodeCount();
    }
    return out;
  }

  private static void mark(Graph g, int w, int[] blocked, boolean[] inSub, int delta) {
    inSub[w] = delta > 0;
    blocked[w] += delta;
    for (int x : g.neighboursView(w)) {
      blocked[x] += delta;
    }
  }

  /**
   * ESU: sub[0..size) is connected with sub[0] = v its smallest node; ext holds the candidates.
   * Each connected set containing v as minimum is reached exactly once.
   */
  private static void extend(Graph g, int[] sub, int size, int[] ext, int extSize, int v, int[] blocked,
      boolean[] inSub, long[][] orbits) {
    if (size == 3) {
      classify3(g, sub, orbits);
    } else if (size == 4) {
      classify4(g, sub, orbits);
      return;
    }
    int[] rest = ext.clone();
    int restSize = extSize;
    while (restSize > 0) {
      int w = rest[--restSize];
      // Exclusive neighbours of w: > v, not in the subgraph, not adjacent to it (checked before adding w).
      int[] next = new int[restSize + g.degree(w)];
      System.arraycopy(rest, 0, next, 0, restSize);
      int nextSize = restSize;
      for (int u : g.neighboursView(w)) {
        if (u > v && blocked[u] == 0) {
          next[nextSize++] = u;
        }
      }
      sub[size] = w;
      mark(g, w, blocked, inSub, +1);
      extend(g, sub, size + 1, next, nextSize, v, blocked, inSub, orbits);
      mark(g, w, blocked, inSub, -1);
    }
  }

  private static void classify3(Graph g, int[] s, long[][] orbits) {
    int[] deg = inducedDegrees(g, s, 3);
    int edges = (deg[0] + deg[1] + deg[2]) / 2;
    for (int i = 0; i < 3; i++) {
      orbits[s[i]][edges == 3 ? 3 : (deg[i] == 1 ? 1 : 2)]++;
    }
  }

  private static void classify4(Graph g, int[] s, long[][] orbits) {
    int[] deg = inducedDegrees(g, s, 4);
    int edges = (deg[0] + deg[1] + deg[2] + deg[3]) / 2;
    int maxDeg = Math.max(Math.max(deg[0], deg[1]), Math.max(deg[2], deg[3]));
    for (int i = 0; i < 4; i++) {
      int d = deg[i];
      int orbit;
      switch (edges) {
        case 3 -> orbit = maxDeg == 3 ? (d == 3 ? 7 : 6) : (d == 1 ? 4 : 5);
        case 4 -> orbit = maxDeg == 2 ? 8 : (d == 1 ? 9 : d == 2 ? 10 : 11);
        case 5 -> orbit = d == 2 ? 12 : 13;
        case 6 -> orbit = 14;
        default -> throw new AssertionError("a connected 4-node set has 3 to 6 edges, got " + edges);
      }
      orbits[s[i]][orbit]++;
    }
  }

  private static int[] inducedDegrees(Graph g, int[] s, int k) {
    int[] deg = new int[k];
    for (int i = 0; i < k; i++) {
      for (int j = i + 1; j < k; j++) {
        if (g.hasEdge(s[i], s[j])) {
          deg[i]++;
          deg[j]++;
        }
      }
    }
    return deg;
  }
}
