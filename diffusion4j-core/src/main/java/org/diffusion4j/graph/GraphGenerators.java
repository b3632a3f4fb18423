package org.diffusion4j.graph;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.random.Rng;

/**
 * The synthetic graph families of GDSS's data/data_generators.py (after GraphRNN / Niu et al.
 * 2020), drawn with this library's seeded {@link Rng}.
 */
public final class GraphGenerators {
  private GraphGenerators() {}

  /**
   * GDSS's {@code n_community(num_communities, max_nodes, p_inter=0.05)}: {@code communities}
   * Erdős–Rényi G(c, 0.7) blocks with c = maxNodes / communities nodes each, disjointly united
   * (block k's nodes after block k-1's); then for every pair of connected components i &lt; j of
   * that union, each node pair joins with probability p_inter * 2 / ((communities - 1) c), and if
   * no pair joined, the first nodes of the two components are joined. (GDSS seeds block k's
   * G(c, 0.7) with the fixed networkx seed k, so its blocks of a given size repeat across graphs;
   * here every block is a fresh draw.)
   */
  public static Graph community(int communities, int maxNodes, double pInter, Rng rng) {
    if (communities < 2 || maxNodes < 2 * communities) {
      throw new IllegalArgumentException("community graph needs communities >= 2 and maxNodes >= 2 * communities,"
          + " got communities=" + communities + ", maxNodes=" + maxNodes);
    }
    if (!(pInter >= 0 && pInter <= 1)) {
      throw new IllegalArgumentException("community graph p_inter must be in [0, 1], got " + pInter);
    }
    int c = maxNodes / communities;
    int n = c * communities;
    List<int[]> edges = new ArrayList<>();
    for (int k = 0; k < communities; k++) {
      for (int i = 0; i < c; i++) {
        for (int j = i + 1; j < c; j++) {
          if (rng.nextDouble() < 0.7) {
            edges.add(new int[] {k * c + i, k * c + j});
          }
        }
      }
    }
    return bridge(n, edges, communities, c, pInter, rng);
  }

  /** The bridging step of n_community on the union of the blocks. */
  private static Graph bridge(int n, List<int[]> edges, int communities, int c, double pInter, Rng rng) {
    Graph union = Graph.of(n, edges.toArray(new int[0][]));
    List<List<Integer>> components = components(union);
    double bridge = pInter * 2 / ((communities - 1) * (double) c);
    for (int i = 0; i < components.size(); i++) {
      for (int j = i + 1; j < components.size(); j++) {
        boolean joined = false;
        for (int u : components.get(i)) {
          for (int v : components.get(j)) {
            if (rng.nextDouble() < bridge) {
              edges.add(new int[] {u, v});
              joined = true;
            }
          }
        }
        if (!joined) {
          edges.add(new int[] {components.get(i).get(0), components.get(j).get(0)});
        }
      }
    }
    return Graph.of(n, edges.toArray(new int[0][]));
  }

  /**
   * GDSS's community_small generator exactly: two communities, max_nodes uniform in 12..20,
   * p_inter 0.05, and, as in GDSS, community k of size c is always networkx's
   * {@code gnp_random_graph(c, 0.7, seed=k)} (the fixed blocks below, read off GDSS's
   * community_small.pkl, where every graph of a size shares them); only the sizes and the bridges
   * are random. {@link #community} draws fresh blocks instead.
   */
  public static List<Graph> communitySmall(int count, long seed) {
    Rng rng = Rng.of(seed);
    List<Graph> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int c = (12 + rng.nextInt(9)) / 2;
      List<int[]> edges = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        for (String e : GDSS_BLOCKS[2 * (c - 6) + k].split(" ")) {
          String[] uv = e.split("-");
          edges.add(new int[] {k * c + Integer.parseInt(uv[0]), k * c + Integer.parseInt(uv[1])});
        }
      }
      out.add(bridge(2 * c, edges, 2, c, 0.05, rng));
    }
    return out;
  }

  /** networkx gnp_random_graph(c, 0.7, seed=k) for c = 6..10, k = 0, 1 (edges u-v). */
  private static final String[] GDSS_BLOCKS = {
      "0-3 0-4 0-5 1-2 1-4 1-5 2-3 2-5 3-4 4-5",
      "0-1 0-4 0-5 1-2 1-3 1-5 2-3 2-5 3-5 4-5",
      "0-3 0-4 0-5 0-6 1-3 1-4 1-5 2-3 2-4 2-6 3-4 5-6",
      "0-1 0-4 0-5 0-6 1-2 1-4 1-5 2-3 2-5 2-6 3-5 4-6 5-6",
      "0-3 0-4 0-5 0-6 1-2 1-3 1-4 1-6 1-7 2-4 2-5 3-6 4-6 4-7 5-6 5-7 6-7",
      "0-1 0-4 0-5 0-6 0-7 1-3 1-4 1-6 2-3 2-4 2-6 3-5 3-6 3-7 4-6 4-7 5-6 5-7 6-7",
      "0-3 0-4 0-5 0-6 0-8 1-2 1-3 1-5 1-6 1-8 2-3 2-8 3-6 3-7 3-8 4-5 4-6 5-6 5-8 6-8 7-8",
      "0-1 0-4 0-5 0-6 0-7 1-2 1-3 1-5 1-7 1-8 2-4 2-7 2-8 3-4 3-6 3-7 3-8 4-5 4-6 4-7 4-8 5-6 5-7 5-8 6-7 6-8"
          + " 7-8",
      "0-3 0-4 0-5 0-6 0-8 0-9 1-2 1-4 1-5 1-7 1-8 2-6 2-9 3-4 3-5 3-6 3-7 4-5 4-7 4-9 5-6 5-8 6-7 6-8 6-9 7-9"
          + " 8-9",
      "0-1 0-4 0-5 0-6 0-7 0-9 1-2 1-4 1-6 1-7 1-9 2-5 2-6 2-7 2-9 3-4 3-5 3-6 3-7 3-8 3-9 4-5 4-6 4-7 4-8 4-9"
          + " 5-6 5-8 5-9 6-7 7-8 7-9"};

  /**
   * networkx grid_2d_graph(rows, cols) with nodes renumbered in its order: node (i, j) is
   * i * cols + j, edges to (i + 1, j) and (i, j + 1).
   */
  public static Graph grid(int rows, int cols) {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException("grid needs rows, cols >= 1, got " + rows + " x " + cols);
    }
    List<int[]> edges = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        int u = i * cols + j;
        if (i + 1 < rows) {
          edges.add(new int[] {u, u + cols});
        }
        if (j + 1 < cols) {
          edges.add(new int[] {u, u + 1});
        }
      }
    }
    return Graph.of(rows * cols, edges.toArray(new int[0][]));
  }

  /** GDSS's grid set: m and n uniform in 10..19. */
  public static List<Graph> grids(int count, long seed) {
    Rng rng = Rng.of(seed);
    List<Graph> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int m = 10 + rng.nextInt(10);
      out.add(grid(m, 10 + rng.nextInt(10)));
    }
    return out;
  }

  /** Connected components, each in increasing node order, ordered by smallest node (networkx order). */
  static List<List<Integer>> components(Graph g) {
    int n = g.nodeCount();
    boolean[] seen = new boolean[n];
    List<List<Integer>> out = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      if (seen[s]) {
        continue;
      }
      List<Integer> comp = new ArrayList<>();
      List<Integer> queue = new ArrayList<>();
      queue.add(s);
      seen[s] = true;
      for (int h = 0; h < queue.size(); h++) {
        int u = queue.get(h);
        comp.add(u);
        for (int v : g.neighboursView(u)) {
          if (!seen[v]) {
            seen[v] = true;
            queue.add(v);
          }
        }
      }
      comp.sort(null);
      out.add(comp);
    }
    return out;
  }
}
