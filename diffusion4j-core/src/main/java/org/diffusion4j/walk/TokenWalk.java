package org.diffusion4j.walk;

/**
 * A token moving on the nodes of a graph: {@link #step()} moves it once and returns the new node.
 * Implementations are seeded and deterministic; they are mutable and not thread-safe.
 */
public interface TokenWalk {
  /** The node the token is on. */
  int position();

  /** Moves the token one step and returns its new node. */
  int step();

  /** Number of nodes. */
  int states();

  /** A copy of the distribution the walk's visits converge to. */
  double[] target();

  /** Visit frequencies of the next {@code steps} positions: counts / steps (the sampled empirical measure). */
  static double[] visitFrequencies(TokenWalk walk, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    double[] counts = new double[walk.states()];
    for (int s = 0; s < steps; s++) {
      counts[walk.step()] += 1;
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] /= steps;
    }
    return counts;
  }

  /** Total variation distance 1/2 sum_i |p_i - q_i|. */
  static double totalVariation(double[] p, double[] q) {
    if (p.length != q.length) {
      throw new IllegalArgumentException("distributions differ in length: " + p.length + " vs " + q.length);
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += Math.abs(p[i] - q[i]);
    }
    return 0.5 * sum;
  }
}
