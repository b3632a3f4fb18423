package org.diffusion4j.walk;

import java.util.Arrays;

/**
 * A finite Markov chain on a graph's nodes, stored by rows: from state i the chain may move to
 * {@code to(i, k)} with probability {@code probability(i, k)}, k &lt; {@code rowLength(i)} (the
 * graph's neighbours, plus i itself when the row has a holding probability). It carries the
 * stationary distribution {@code target()} that it is built to sample, and is time-reversible with
 * respect to it (mu_i P(i,j) = mu_j P(j,i)), which the self-repellent walk's theory needs (Doshi et
 * al., ICML 2023, assumption of Section 3).
 */
public final class MarkovChain {
  private final Adjacency graph;
  private final int[] offsets;
  private final int[] to;
  private final double[] probability;
  private final double[] target;
  private final String name;

  private MarkovChain(Adjacency graph, int[] offsets, int[] to, double[] probability, double[] target, String name) {
    this.graph = graph;
    this.offsets = offsets;
    this.to = to;
    this.probability = probability;
    this.target = target;
    this.name = name;
  }

  /**
   * The simple random walk P(i, j) = 1/d_i on the neighbours; target mu_i = d_i / (2|E|).
   *
   * @throws IllegalArgumentException if the graph is not connected or has a single node
   */
  public static MarkovChain simpleRandomWalk(Adjacency graph) {
    requireConnected(graph);
    int n = graph.nodes();
    int[] offsets = new int[n + 1];
    for (int i = 0; i < n; i++) {
      offsets[i + 1] = offsets[i] + graph.degree(i);
    }
    int[] to = new int[offsets[n]];
    double[] p = new double[offsets[n]];
    double[] mu = new double[n];
    for (int i = 0; i < n; i++) {
      int d = graph.degree(i);
      for (int k = 0; k < d; k++) {
        to[offsets[i] + k] = graph.neighbour(i, k);
        p[offsets[i] + k] = 1.0 / d;
      }
      mu[i] = d / (2.0 * graph.edges());
    }
    return new MarkovChain(graph, offsets, to, p, mu, "simple random walk");
  }

  /**
   * The Metropolis-Hastings walk to {@code target} with the simple random walk as proposal
   * (Metropolis et al. 1953, Hastings 1970): from i propose a uniform neighbour j, accept with
   * probability min(1, mu_j d_i / (mu_i d_j)), else stay: P(i, j) = min(1/d_i, mu_j / (mu_i d_j)),
   * P(i, i) = 1 - sum_j P(i, j). Reversible with respect to {@code target} (normalised here).
   *
   * @throws IllegalArgumentException if the graph is not connected, or target has the wrong
   *     length or a non-positive or non-finite entry
   */
  public static MarkovChain metropolisHastings(Adjacency graph, double[] target) {
    requireConnected(graph);
    int n = graph.nodes();
    double[] mu = normalisedTarget(target, n);
    int[] offsets = new int[n + 1];
    for (int i = 0; i < n; i++) {
      offsets[i + 1] = offsets[i] + graph.degree(i) + 1;
    }
    int[] to = new int[offsets[n]];
    double[] p = new double[offsets[n]];
    for (int i = 0; i < n; i++) {
      int d = graph.degree(i);
      double moving = 0;
      for (int k = 0; k < d; k++) {
        int j = graph.neighbour(i, k);
        double pij = Math.min(1.0 / d, mu[j] / (mu[i] * graph.degree(j)));
        to[offsets[i] + k] = j;
        p[offsets[i] + k] = pij;
        moving += pij;
      }
      to[offsets[i] + d] = i;
      p[offsets[i] + d] = Math.max(0.0, 1.0 - moving);
    }
    return new MarkovChain(graph, offsets, to, p, mu, "Metropolis-Hastings walk");
  }

  static double[] normalisedTarget(double[] target, int n) {
    if (target.length != n) {
      throw new IllegalArgumentException("target has length " + target.length + ", the graph has " + n + " nodes");
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (!(target[i] > 0) || !Double.isFinite(target[i])) {
        throw new IllegalArgumentException("target[" + i + "] = " + target[i] + " must be positive and finite");
      }
      sum += target[i];
    }
    double[] mu = new double[n];
    for (int i = 0; i < n; i++) {
      mu[i] = target[i] / sum;
    }
    return mu;
  }

  /** Refuses a start node outside [0, states). */
  static void requireStart(int states, int start) {
    if (start < 0 || start >= states) {
      throw new IllegalArgumentException("start node " + start + " must be in [0, " + states + ")");
    }
  }

  static void requireConnected(Adjacency graph) {
    if (graph.nodes() < 2 || !graph.isConnected()) {
      throw new IllegalArgumentException("a random walk needs a connected graph with >= 2 nodes, got "
          + graph.nodes() + " nodes" + (graph.nodes() >= 2 ? ", not connected" : ""));
    }
  }

  public Adjacency graph() {
    return graph;
  }

  public int states() {
    return offsets.length - 1;
  }

  public int rowLength(int i) {
    return offsets[i + 1] - offsets[i];
  }

  public int to(int i, int k) {
    return to[offsets[i] + k];
  }

  public double probability(int i, int k) {
    return probability[offsets[i] + k];
  }

  /** A copy of the stationary distribution mu. */
  public double[] target() {
    return target.clone();
  }

  double targetAt(int i) {
    return target[i];
  }

  int rowStart(int i) {
    return offsets[i];
  }

  int[] columns() {
    return to;
  }

  double[] probabilities() {
    return probability;
  }

  public String name() {
    return name;
  }

  /** The dense transition matrix P (for small chains: theory and tests). */
  public double[][] dense() {
    int n = states();
    double[][] p = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = offsets[i]; k < offsets[i + 1]; k++) {
        p[i][to[k]] += probability[k];
      }
    }
    return p;
  }

  /**
   * Draws the next state from a row given a uniform u in [0, 1): the column of the first k with
   * u * total &lt; w_0 + ... + w_k (inverse CDF). Weights need not be normalised; the base chain and
   * the self-repellent walk share this code so that at alpha = 0 they make bit-identical choices.
   * Rounding can leave u * total above the last partial sum: then the last positive weight wins.
   */
  static int pick(int[] columns, int columnFrom, double[] weights, int weightFrom, int length, double total, double u) {
    double threshold = u * total;
    double cumulative = 0;
    int lastPositive = 0;
    for (int k = 0; k < length; k++) {
      double w = weights[weightFrom + k];
      cumulative += w;
      if (w > 0) {
        lastPositive = k;
        if (threshold < cumulative) {
          return columns[columnFrom + k];
        }
      }
    }
    return columns[columnFrom + lastPositive];
  }

  @Override
  public String toString() {
    return name + " on " + states() + " nodes, target " + Arrays.toString(Arrays.copyOf(target, Math.min(4, target.length)))
        + (target.length > 4 ? "..." : "");
  }
}
