package org.diffusion4j.walk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusion4j.graph.Graph;

/**
 * An undirected simple graph on nodes {@code 0..n-1} in compressed-row form: the neighbours of
 * node i are {@code neighbour(i, 0) .. neighbour(i, degree(i) - 1)}, sorted ascending. Immutable.
 * Self-loops and repeated edges are dropped on construction, so the graph is simple.
 */
public final class Adjacency {
  private final int[] offsets;
  private final int[] targets;

  private Adjacency(int[] offsets, int[] targets) {
    this.offsets = offsets;
    this.targets = targets;
  }

  /** The same undirected graph as a {@link Graph} (for example one read by {@link org.diffusion4j.graph.EdgeLists}). */
  public static Adjacency of(Graph graph) {
    return of(graph.nodeCount(), graph.edges());
  }

  /**
   * The graph with {@code nodes} nodes and the undirected edges {@code edges[k] = {u, v}}.
   *
   * @throws IllegalArgumentException if {@code nodes < 1} or an endpoint is outside [0, nodes)
   */
  public static Adjacency of(int nodes, int[][] edges) {
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be >= 1, got " + nodes);
    }
    List<int[]> lists = new ArrayList<>(nodes);
    int[] counts = new int[nodes];
    for (int k = 0; k < edges.length; k++) {
      int[] e = edges[k];
      if (e.length != 2 || e[0] < 0 || e[0] >= nodes || e[1] < 0 || e[1] >= nodes) {
        throw new IllegalArgumentException("edge " + k + " = " + Arrays.toString(e)
            + " must be two node ids in [0, " + nodes + ")");
      }
      if (e[0] != e[1]) {
        counts[e[0]]++;
        counts[e[1]]++;
      }
    }
    for (int i = 0; i < nodes; i++) {
      lists.add(new int[counts[i]]);
    }
    int[] fill = new int[nodes];
    for (int[] e : edges) {
      if (e[0] != e[1]) {
        lists.get(e[0])[fill[e[0]]++] = e[1];
        lists.get(e[1])[fill[e[1]]++] = e[0];
      }
    }
    int[] offsets = new int[nodes + 1];
    int[][] unique = new int[nodes][];
    for (int i = 0; i < nodes; i++) {
      unique[i] = Arrays.stream(lists.get(i)).sorted().distinct().toArray();
      offsets[i + 1] = offsets[i] + unique[i].length;
    }
    int[] targets = new int[offsets[nodes]];
    for (int i = 0; i < nodes; i++) {
      System.arraycopy(unique[i], 0, targets, offsets[i], unique[i].length);
    }
    return new Adjacency(offsets, targets);
  }

  public int nodes() {
    return offsets.length - 1;
  }

  /** Number of undirected edges. */
  public int edges() {
    return targets.length / 2;
  }

  public int degree(int node) {
    return offsets[node + 1] - offsets[node];
  }

  /** The k-th neighbour of {@code node} in ascending order, {@code 0 <= k < degree(node)}. */
  public int neighbour(int node, int k) {
    return targets[offsets[node] + k];
  }

  /** Whether {u, v} is an edge (binary search in u's sorted row). */
  public boolean hasEdge(int u, int v) {
    return Arrays.binarySearch(targets, offsets[u], offsets[u + 1], v) >= 0;
  }

  /** Whether every node can reach every other node (breadth-first search from node 0). */
  public boolean isConnected() {
    int n = nodes();
    boolean[] seen = new boolean[n];
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    queue[tail++] = 0;
    seen[0] = true;
    while (head < tail) {
      int u = queue[head++];
      for (int k = offsets[u]; k < offsets[u + 1]; k++) {
        if (!seen[targets[k]]) {
          seen[targets[k]] = true;
          queue[tail++] = targets[k];
        }
      }
    }
    return tail == n;
  }

  /** The edge list {u, v} with u &lt; v, each edge once, in row order. */
  public int[][] edgeList() {
    int[][] out = new int[edges()][];
    int m = 0;
    for (int u = 0; u < nodes(); u++) {
      for (int k = offsets[u]; k < offsets[u + 1]; k++) {
        if (u < targets[k]) {
          out[m++] = new int[] {u, targets[k]};
        }
      }
    }
    return out;
  }

  /** The largest connected component, nodes renumbered in increasing order of their old ids. */
  public Adjacency largestComponent() {
    int n = nodes();
    int[] component = new int[n];
    Arrays.fill(component, -1);
    int best = -1;
    int bestSize = 0;
    int[] queue = new int[n];
    for (int s = 0, c = 0; s < n; s++) {
      if (component[s] >= 0) {
        continue;
      }
      int head = 0;
      int tail = 0;
      queue[tail++] = s;
      component[s] = c;
      while (head < tail) {
        int u = queue[head++];
        for (int k = offsets[u]; k < offsets[u + 1]; k++) {
          if (component[targets[k]] < 0) {
            component[targets[k]] = c;
            queue[tail++] = targets[k];
          }
        }
      }
      if (tail > bestSize) {
        bestSize = tail;
        best = c;
      }
      c++;
    }
    int[] newId = new int[n];
    int m = 0;
    for (int u = 0; u < n; u++) {
      newId[u] = component[u] == best ? m++ : -1;
    }
    List<int[]> kept = new ArrayList<>();
    for (int[] e : edgeList()) {
      if (newId[e[0]] >= 0) {
        kept.add(new int[] {newId[e[0]], newId[e[1]]});
      }
    }
    return of(m, kept.toArray(new int[0][]));
  }
}
