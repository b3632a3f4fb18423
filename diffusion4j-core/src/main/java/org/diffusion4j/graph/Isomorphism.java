package org.diffusion4j.graph;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Exact graph isomorphism for the small graphs of the benchmarks: colour refinement
 * (1-dimensional Weisfeiler-Leman) gives an invariant {@link #hash} and candidate classes; a
 * backtracking search over nodes of equal colour, checking adjacency with every mapped node,
 * decides. Exponential in the worst case (highly regular graphs), fast on grids, communities and
 * ego networks, where refinement plus one or two choices pins the map.
 */
public final class Isomorphism {
  private Isomorphism() {}

  /** An isomorphism invariant: equal for isomorphic graphs. */
  public static long hash(Graph g) {
    int[] colours = refine(g);
    long[] sorted = new long[colours.length];
    for (int i = 0; i < colours.length; i++) {
      sorted[i] = colours[i];
    }
    Arrays.sort(sorted);
    return 31L * Arrays.hashCode(sorted) + 1_000_003L * g.edgeCount() + g.nodeCount();
  }

  /** Whether a and b are isomorphic. */
  public static boolean isomorphic(Graph a, Graph b) {
    if (a.nodeCount() != b.nodeCount() || a.edgeCount() != b.edgeCount()) {
      return false;
    }
    int n = a.nodeCount();
    // Refine both graphs jointly so that colour ids are comparable.
    int[][] colours = refineJointly(a, b);
    int[] ca = colours[0];
    int[] cb = colours[1];
    int[] sa = ca.clone();
    int[] sb = cb.clone();
    Arrays.sort(sa);
    Arrays.sort(sb);
    if (!Arrays.equals(sa, sb)) {
      return false;
    }
    // Map nodes of a in an order that keeps the mapped part connected where possible.
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(a.degree(y), a.degree(x)));
    int[] bfs = connectedOrder(a, order);
    int[] map = new int[n];
    Arrays.fill(map, -1);
    boolean[] used = new boolean[n];
    return search(a, b, ca, cb, bfs, 0, map, used);
  }

  private static boolean search(Graph a, Graph b, int[] ca, int[] cb, int[] order, int k, int[] map, boolean[] used) {
    if (k == order.length) {
      return true;
    }
    int u = order[k];
    for (int v = 0; v < b.nodeCount(); v++) {
      if (used[v] || cb[v] != ca[u]) {
        continue;
      }
      boolean ok = true;
      for (int j = 0; j < k && ok; j++) {
        int w = order[j];
        ok = a.hasEdge(u, w) == b.hasEdge(v, map[w]);
      }
      if (!ok) {
        continue;
      }
      map[u] = v;
      used[v] = true;
      if (search(a, b, ca, cb, order, k + 1, map, used)) {
        return true;
      }
      map[u] = -1;
      used[v] = false;
    }
    return false;
  }

  private static int[] connectedOrder(Graph g, Integer[] byDegree) {
    int n = g.nodeCount();
    int[] out = new int[n];
    boolean[] seen = new boolean[n];
    int size = 0;
    int head = 0;
    for (int start : byDegree) {
      if (seen[start]) {
        continue;
      }
      seen[start] = true;
      out[size++] = start;
      while (head < size) {
        int u = out[head++];
        for (int v : g.neighboursView(u)) {
          if (!seen[v]) {
            seen[v] = true;
            out[size++] = v;
          }
        }
      }
    }
    return out;
  }

  private static int[] refine(Graph g) {
    return refineJointly(g, Graph.of(0, new int[0][]))[0];
  }

  /** Colour refinement run on the disjoint union, so both graphs share colour ids. */
  private static int[][] refineJointly(Graph a, Graph b) {
    int na = a.nodeCount();
    int nb = b.nodeCount();
    Graph[] gs = {a, b};
    int[] colour = new int[na + nb];
    for (int i = 0; i < na; i++) {
      colour[i] = a.degree(i);
    }
    for (int i = 0; i < nb; i++) {
      colour[na + i] = b.degree(i);
    }
    int classes = -1;
    for (int round = 0; round <= na + nb; round++) {
      Map<String, Integer> ids = new HashMap<>();
      // Canonical ids: sort signatures so that ids do not depend on node order.
      String[] sig = new String[na + nb];
      for (int gi = 0; gi < 2; gi++) {
        int off = gi == 0 ? 0 : na;
        for (int u = 0; u < gs[gi].nodeCount(); u++) {
          int[] nbr = gs[gi].neighboursView(u);
          int[] cs = new int[nbr.length];
          for (int k = 0; k < nbr.length; k++) {
            cs[k] = colour[off + nbr[k]];
          }
          Arrays.sort(cs);
          sig[off + u] = colour[off + u] + ":" + Arrays.toString(cs);
        }
      }
      String[] distinct = Arrays.stream(sig).distinct().sorted().toArray(String[]::new);
      for (int i = 0; i < distinct.length; i++) {
        ids.put(distinct[i], i);
      }
      int[] next = new int[na + nb];
      for (int i = 0; i < na + nb; i++) {
        next[i] = ids.get(sig[i]);
      }
      colour = next;
      if (distinct.length == classes) {
        break;
      }
      classes = distinct.length;
    }
    return new int[][] {Arrays.copyOfRange(colour, 0, na), Arrays.copyOfRange(colour, na, na + nb)};
  }
}
