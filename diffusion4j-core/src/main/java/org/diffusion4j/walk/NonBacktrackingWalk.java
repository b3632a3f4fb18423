package org.diffusion4j.walk;

import org.diffusion4j.random.Rng;

/**
 * The non-backtracking random walk (Alon, Benjamini, Lubetzky &amp; Sodin 2007; as a sampler: Lee,
 * Xu &amp; Eun, SIGMETRICS 2012): from node i, reached from node p, move to a uniform neighbour of i
 * other than p; at a node of degree one, go back. A second-order chain whose node marginal is
 * still mu_i = d_i / (2|E|), the simple random walk's, with no larger asymptotic variance. The
 * first step, having no previous node, is a simple-random-walk step.
 */
public final class NonBacktrackingWalk implements TokenWalk {
  private final Adjacency graph;
  private final Rng rng;
  private int previous = -1;
  private int position;

  /**
   * @throws IllegalArgumentException if the graph is not connected or start is not a node
   */
  public NonBacktrackingWalk(Adjacency graph, int start, long seed) {
    MarkovChain.requireConnected(graph);
    MarkovChain.requireStart(graph.nodes(), start);
    this.graph = graph;
    this.rng = Rng.of(seed);
    this.position = start;
  }

  @Override
  public int position() {
    return position;
  }

  @Override
  public int step() {
    int d = graph.degree(position);
    int next;
    if (previous < 0) {
      next = graph.neighbour(position, rng.nextInt(d));
    } else if (d == 1) {
      next = previous;
    } else {
      next = graph.neighbour(position, rng.nextInt(d - 1));
      if (next == previous) {
        next = graph.neighbour(position, d - 1);
      }
    }
    previous = position;
    position = next;
    return next;
  }

  @Override
  public int states() {
    return graph.nodes();
  }

  @Override
  public double[] target() {
    double[] mu = new double[graph.nodes()];
    for (int i = 0; i < mu.length; i++) {
      mu[i] = graph.degree(i) / (2.0 * graph.edges());
    }
    return mu;
  }
}
