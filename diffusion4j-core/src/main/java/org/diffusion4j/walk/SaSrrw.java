package org.diffusion4j.walk;

/**
 * Token-based distributed stochastic approximation (Hu, Doshi &amp; Eun, "Accelerating Distributed
 * Stochastic Optimization via Self-Repellent Random Walks", ICLR 2024, Algorithm 1, eq. (4)): a
 * token walks over the agents; at each step the agent it reaches contributes its local gradient,
 * importance-weighted so that the mean field is the average objective's:
 *
 * <pre>
 *   X_{n+1} = walk.step()                       (SRRW: also x_{n+1} = x_n + gamma_{n+1}(delta - x_n))
 *   theta_{n+1} = theta_n + beta_{n+1} H(theta_n, X_{n+1}),   H(theta, i) = -grad F_i(theta) / (N mu_i)
 * </pre>
 *
 * with mu the walk's target, so E_mu H(theta, X) = -grad f(theta), f = (1/N) sum_i F_i. Driving it
 * with a {@link SelfRepellentWalk} gives SA-SRRW; with a {@link ChainWalk} or a
 * {@link NonBacktrackingWalk} the linear-token baselines. Step sizes
 * beta_n = scale (n + offset)^(-b); the SRRW's gamma_n is the walk's own.
 */
public final class SaSrrw {
  /** beta_n = scale (n + offset)^(-exponent), exponent in (1/2, 1], scale &gt; 0, offset &gt;= 1. */
  public record StepSize(double scale, double offset, double exponent) {
    public StepSize {
      if (!(scale > 0) || !Double.isFinite(scale)) {
        throw new IllegalArgumentException("step scale must be positive and finite, got " + scale);
      }
      if (!(offset >= 1) || !Double.isFinite(offset)) {
        throw new IllegalArgumentException("step offset must be finite and >= 1, got " + offset);
      }
      if (!(exponent > 0.5 && exponent <= 1)) {
        throw new IllegalArgumentException("step exponent must be in (0.5, 1], got " + exponent);
      }
    }

    public double at(long n) {
      return scale * Math.pow(n + offset, -exponent);
    }
  }

  private SaSrrw() {}

  /** The per-node increments H(theta, i) = -grad F_i(theta) / (N mu_i), one row per node. */
  public static double[][] increments(AgentLosses losses, double[] mu, double[] theta) {
    int n = losses.agents();
    double[][] h = new double[n][losses.dimension()];
    for (int i = 0; i < n; i++) {
      losses.gradient(i, theta, h[i]);
      double w = -1.0 / (n * mu[i]);
      for (int a = 0; a < h[i].length; a++) {
        h[i][a] *= w;
      }
    }
    return h;
  }

  /**
   * Runs {@code steps} iterations from {@code theta0} and returns theta_steps (theta0 is not
   * modified). The walk advances {@code steps} times.
   *
   * @throws IllegalArgumentException if the walk's node count differs from the agent count, theta0
   *     has the wrong length, or steps is negative
   */
  public static double[] run(TokenWalk walk, AgentLosses losses, double[] theta0, StepSize beta, long steps) {
    int n = losses.agents();
    if (walk.states() != n) {
      throw new IllegalArgumentException("the walk has " + walk.states() + " nodes but there are " + n + " agents");
    }
    if (theta0.length != losses.dimension()) {
      throw new IllegalArgumentException("theta0 has length " + theta0.length + ", expected " + losses.dimension());
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    double[] mu = walk.target();
    double[] weight = new double[n];
    for (int i = 0; i < n; i++) {
      weight[i] = 1.0 / (n * mu[i]);
    }
    double[] theta = theta0.clone();
    double[] g = new double[theta.length];
    for (long s = 0; s < steps; s++) {
      int agent = walk.step();
      losses.gradient(agent, theta, g);
      double c = beta.at(s + 1) * weight[agent];
      for (int a = 0; a < theta.length; a++) {
        theta[a] -= c * g[a];
      }
    }
    return theta;
  }
}
