package org.diffusion4j.walk;

import org.diffusion4j.array.SmallMatrices;

/**
 * The local losses F_i(theta) of the agents (graph nodes) of a distributed problem whose objective
 * is their average f(theta) = (1/N) sum_i F_i(theta).
 */
public interface AgentLosses {
  /** Number of agents N. */
  int agents();

  /** Dimension of theta. */
  int dimension();

  /** F_i(theta). */
  double loss(int agent, double[] theta);

  /** Writes grad F_i(theta) into {@code out} (length {@link #dimension()}). */
  void gradient(int agent, double[] theta, double[] out);

  /** The Hessian of F_i at theta (d x d). */
  double[][] hessian(int agent, double[] theta);

  /** f(theta) = (1/N) sum_i F_i(theta). */
  default double objective(double[] theta) {
    double sum = 0;
    for (int i = 0; i < agents(); i++) {
      sum += loss(i, theta);
    }
    return sum / agents();
  }

  /**
   * The minimiser of f by Newton's method with backtracking (Nocedal &amp; Wright, Alg. 3.1), from
   * 0, until the Newton decrement's square is below {@code 1e-24} or 100 iterations.
   */
  default double[] minimiser() {
    int d = dimension();
    double[] theta = new double[d];
    double[] g = new double[d];
    double[] gi = new double[d];
    for (int iteration = 0; iteration < 100; iteration++) {
      java.util.Arrays.fill(g, 0);
      double[][] h = new double[d][d];
      for (int i = 0; i < agents(); i++) {
        gradient(i, theta, gi);
        double[][] hi = hessian(i, theta);
        for (int a = 0; a < d; a++) {
          g[a] += gi[a] / agents();
          for (int b = 0; b < d; b++) {
            h[a][b] += hi[a][b] / agents();
          }
        }
      }
      double[][] inv = SmallMatrices.invert(h);
      double[] step = new double[d];
      double decrement = 0;
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          step[a] -= inv[a][b] * g[b];
        }
        decrement -= step[a] * g[a];
      }
      if (decrement < 1e-24) {
        break;
      }
      double f0 = objective(theta);
      double t = 1;
      double[] trial = new double[d];
      while (true) {
        for (int a = 0; a < d; a++) {
          trial[a] = theta[a] + t * step[a];
        }
        if (objective(trial) <= f0 - 0.25 * t * decrement || t < 1e-10) {
          break;
        }
        t *= 0.5;
      }
      theta = trial;
    }
    return theta;
  }

  /** The Hessian of f at theta: (1/N) sum_i Hess F_i. */
  default double[][] objectiveHessian(double[] theta) {
    int d = dimension();
    double[][] h = new double[d][d];
    for (int i = 0; i < agents(); i++) {
      double[][] hi = hessian(i, theta);
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          h[a][b] += hi[a][b] / agents();
        }
      }
    }
    return h;
  }
}
