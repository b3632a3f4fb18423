package org.diffusion4j.walk;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.diffusion4j.random.Rng;

/** Seeded generators of social-network-like graphs. Same arguments, same graph. */
public final class SocialGraphs {
  private SocialGraphs() {}

  /**
   * Barabasi-Albert preferential attachment (Barabasi &amp; Albert, Science 286, 1999): start from
   * the complete graph on m + 1 nodes; each further node joins m distinct existing nodes, each
   * drawn with probability proportional to its degree (drawn from the list of edge endpoints, as
   * networkx's {@code barabasi_albert_graph} does). Connected, with (m+1)m/2 + (n-m-1)m edges and a
   * power-law degree tail.
   *
   * @throws IllegalArgumentException unless 1 &lt;= m &lt; n
   */
  public static Adjacency barabasiAlbert(int n, int m, long seed) {
    if (m < 1 || m >= n) {
      throw new IllegalArgumentException("Barabasi-Albert needs 1 <= m < n, got m = " + m + ", n = " + n);
    }
    Rng rng = Rng.of(seed);
    List<int[]> edges = new ArrayList<>();
    List<Integer> endpoints = new ArrayList<>();
    for (int u = 0; u <= m; u++) {
      for (int v = u + 1; v <= m; v++) {
        edges.add(new int[] {u, v});
        endpoints.add(u);
        endpoints.add(v);
      }
    }
    for (int u = m + 1; u < n; u++) {
      Set<Integer> chosen = new HashSet<>();
      List<Integer> order = new ArrayList<>();
      while (chosen.size() < m) {
        int v = endpoints.get(rng.nextInt(endpoints.size()));
        if (chosen.add(v)) {
          order.add(v);
        }
      }
      for (int v : order) {
        edges.add(new int[] {v, u});
        endpoints.add(v);
        endpoints.add(u);
      }
    }
    return Adjacency.of(n, edges.toArray(new int[0][]));
  }

  /**
   * Watts-Strogatz small world (Watts &amp; Strogatz, Nature 393, 1998): the ring lattice where each
   * node links to its k/2 nearest neighbours on each side, then each lattice edge (u, u + j) is
   * rewired with probability {@code rewire} to (u, w), w uniform among nodes that are neither u
   * nor already linked to u (networkx's {@code watts_strogatz_graph} order: j = 1..k/2, then u).
   * The edge count stays n k / 2; the graph may be disconnected for large {@code rewire}.
   *
   * @throws IllegalArgumentException unless k is even, 2 &lt;= k &lt; n, and 0 &lt;= rewire &lt;= 1
   */
  public static Adjacency wattsStrogatz(int n, int k, double rewire, long seed) {
    if (k < 2 || k % 2 != 0 || k >= n) {
      throw new IllegalArgumentException("Watts-Strogatz needs an even k with 2 <= k < n, got k = " + k + ", n = " + n);
    }
    if (!(rewire >= 0 && rewire <= 1)) {
      throw new IllegalArgumentException("rewire probability must be in [0, 1], got " + rewire);
    }
    Rng rng = Rng.of(seed);
    List<Set<Integer>> adj = new ArrayList<>(n);
    for (int u = 0; u < n; u++) {
      adj.add(new HashSet<>());
    }
    for (int u = 0; u < n; u++) {
      for (int j = 1; j <= k / 2; j++) {
        int v = (u + j) % n;
        adj.get(u).add(v);
        adj.get(v).add(u);
      }
    }
    for (int j = 1; j <= k / 2; j++) {
      for (int u = 0; u < n; u++) {
        int v = (u + j) % n;
        if (rng.nextDouble() < rewire && adj.get(u).size() < n - 1 && adj.get(u).contains(v)) {
          int w;
          do {
            w = rng.nextInt(n);
          } while (w == u || adj.get(u).contains(w));
          adj.get(u).remove(v);
          adj.get(v).remove(u);
          adj.get(u).add(w);
          adj.get(w).add(u);
        }
      }
    }
    List<int[]> edges = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      for (int v : adj.get(u)) {
        if (u < v) {
          edges.add(new int[] {u, v});
        }
      }
    }
    return Adjacency.of(n, edges.toArray(new int[0][]));
  }
}
