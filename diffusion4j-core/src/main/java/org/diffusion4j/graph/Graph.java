package org.diffusion4j.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable simple undirected graph on nodes 0..n-1: no self-loops, no multi-edges. Isolated
 * nodes are kept (they count in degree histograms, as in networkx).
 */
public final class Graph {
  private final int n;
  private final boolean[] adjacent; // n*n, symmetric, false diagonal
  private final int[][] neighbours; // sorted
  private final int edges;

  private Graph(int n, boolean[] adjacent) {
    this.n = n;
    this.adjacent = adjacent;
    this.neighbours = new int[n][];
    int count = 0;
    for (int u = 0; u < n; u++) {
      int d = 0;
      for (int v = 0; v < n; v++) {
        if (adjacent[u * n + v]) {
          d++;
        }
      }
      int[] nb = new int[d];
      int k = 0;
      for (int v = 0; v < n; v++) {
        if (adjacent[u * n + v]) {
          nb[k++] = v;
        }
      }
      neighbours[u] = nb;
      count += d;
    }
    this.edges = count / 2;
  }

  /**
   * The graph on {@code nodes} nodes with the given edges, each an (u, v) pair with u != v.
   *
   * @throws IllegalArgumentException on a negative node count, an id outside [0, nodes), a
   *     self-loop or a repeated edge
   */
  public static Graph of(int nodes, int[][] edgeList) {
    if (nodes < 0) {
      throw new IllegalArgumentException("graph node count must be >= 0, got " + nodes);
    }
    boolean[] a = new boolean[nodes * nodes];
    for (int[] e : edgeList) {
      if (e.length != 2) {
        throw new IllegalArgumentException("an edge has two endpoints, got " + Arrays.toString(e));
      }
      int u = e[0];
      int v = e[1];
      if (u < 0 || u >= nodes || v < 0 || v >= nodes) {
        throw new IllegalArgumentException("edge (" + u + ", " + v + "): node ids must be in [0, " + nodes + ")");
      }
      if (u == v) {
        throw new IllegalArgumentException("edge (" + u + ", " + v + ") is a self-loop; graphs are simple");
      }
      if (a[u * nodes + v]) {
        throw new IllegalArgumentException("edge (" + u + ", " + v + ") appears twice");
      }
      a[u * nodes + v] = true;
      a[v * nodes + u] = true;
    }
    return new Graph(nodes, a);
  }

  /**
   * The graph of a dense n x n adjacency (row-major, from {@code offset}): edge (i, j), i &lt; j,
   * when the mean of a[i][j] and a[j][i] is at least {@code threshold} (GDSS's quantize uses 0.5 on
   * its symmetric samples); the diagonal is ignored.
   */
  public static Graph fromAdjacency(double[] a, int offset, int n, double threshold) {
    if (n < 0 || offset < 0 || offset + (long) n * n > a.length) {
      throw new IllegalArgumentException("adjacency of " + n + " x " + n + " at offset " + offset
          + " does not fit an array of length " + a.length);
    }
    boolean[] adj = new boolean[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double v = 0.5 * (a[offset + i * n + j] + a[offset + j * n + i]);
        if (v >= threshold) {
          adj[i * n + j] = true;
          adj[j * n + i] = true;
        }
      }
    }
    return new Graph(n, adj);
  }

  public int nodeCount() {
    return n;
  }

  public int edgeCount() {
    return edges;
  }

  public boolean hasEdge(int u, int v) {
    return adjacent[u * n + v];
  }

  public int degree(int u) {
    return neighbours[u].length;
  }

  /** Sorted neighbour ids of u (a copy). */
  public int[] neighbours(int u) {
    return neighbours[u].clone();
  }

  int[] neighboursView(int u) {
    return neighbours[u];
  }

  /** Edges (u, v) with u &lt; v in lexicographic order. */
  public int[][] edges() {
    int[][] out = new int[edges][];
    int k = 0;
    for (int u = 0; u < n; u++) {
      for (int v : neighbours[u]) {
        if (u < v) {
          out[k++] = new int[] {u, v};
        }
      }
    }
    return out;
  }

  /** The dense adjacency, row-major n x n, zero padded to {@code size} x {@code size}. */
  public double[] adjacency(int size) {
    if (size < n) {
      throw new IllegalArgumentException("cannot pad a graph of " + n + " nodes to " + size);
    }
    double[] out = new double[size * size];
    for (int u = 0; u < n; u++) {
      for (int v : neighbours[u]) {
        out[u * size + v] = 1;
      }
    }
    return out;
  }

  /** This graph with edge (u, v) toggled. */
  public Graph flipEdge(int u, int v) {
    if (u == v || u < 0 || v < 0 || u >= n || v >= n) {
      throw new IllegalArgumentException("cannot flip (" + u + ", " + v + ") in a graph of " + n + " nodes");
    }
    boolean[] a = adjacent.clone();
    a[u * n + v] = !a[u * n + v];
    a[v * n + u] = !a[v * n + u];
    return new Graph(n, a);
  }

  /** The graph with node i renamed perm[i] (perm a permutation of 0..n-1). */
  public Graph permute(int[] perm) {
    if (perm.length != n) {
      throw new IllegalArgumentException("permutation of length " + perm.length + " for " + n + " nodes");
    }
    boolean[] a = new boolean[n * n];
    for (int u = 0; u < n; u++) {
      for (int v : neighbours[u]) {
        a[perm[u] * n + perm[v]] = true;
      }
    }
    return new Graph(n, a);
  }

  /**
   * The graph without isolated nodes, the rest renumbered in order; a graph with no edges becomes
   * one node, as GDSS's adjs_to_graphs does to generated graphs (utils/graph_utils.py).
   */
  public Graph withoutIsolatedNodes() {
    List<Integer> keep = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      if (neighbours[u].length > 0) {
        keep.add(u);
      }
    }
    if (keep.isEmpty()) {
      return new Graph(1, new boolean[1]);
    }
    if (keep.size() == n) {
      return this;
    }
    int m = keep.size();
    boolean[] a = new boolean[m * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        a[i * m + j] = adjacent[keep.get(i) * n + keep.get(j)];
      }
    }
    return new Graph(m, a);
  }

  /** Number of connected components (an empty graph has 0). */
  public int componentCount() {
    int[] seen = new int[n];
    Arrays.fill(seen, -1);
    int components = 0;
    int[] stack = new int[n];
    for (int s = 0; s < n; s++) {
      if (seen[s] >= 0) {
        continue;
      }
      int top = 0;
      stack[top++] = s;
      seen[s] = components;
      while (top > 0) {
        int u = stack[--top];
        for (int v : neighbours[u]) {
          if (seen[v] < 0) {
            seen[v] = components;
            stack[top++] = v;
          }
        }
      }
      components++;
    }
    return components;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Graph g && g.n == n && Arrays.equals(g.adjacent, adjacent);
  }

  @Override
  public int hashCode() {
    return 31 * n + Arrays.hashCode(adjacent);
  }

  @Override
  public String toString() {
    return "Graph(" + n + " nodes, " + edges + " edges)";
  }
}
