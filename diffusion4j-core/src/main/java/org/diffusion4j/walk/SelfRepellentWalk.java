package org.diffusion4j.walk;

import org.diffusion4j.random.Rng;

/**
 * The self-repellent random walk (SRRW) over a base chain P with target mu (Doshi, Hu &amp; Eun,
 * "Self-Repellent Random Walks on General Graphs", ICML 2023, eq. (4)); with general step sizes as
 * in Hu, Doshi &amp; Eun, "Accelerating Distributed Stochastic Optimization via Self-Repellent Random
 * Walks", ICLR 2024, Algorithm 1 (the x-update of SA-SRRW):
 *
 * <pre>
 *   X_{n+1} ~ K[x_n](X_n, .),   K[x](i, j) = P(i, j) (x_j / mu_j)^(-alpha) / sum_k P(i, k) (x_k / mu_k)^(-alpha)
 *   x_{n+1} = x_n + gamma_{n+1} (delta_{X_{n+1}} - x_n),   gamma_n = (n + 1)^(-a),  a in (1/2, 1]
 * </pre>
 *
 * x_0 is the uniform distribution (any interior point is allowed by the papers). With a = 1,
 * gamma_{n+1} = 1/(n+2) and x_n is the empirical measure of (x_0, X_1..X_n) as in Doshi et al.
 * The visits converge to mu for every alpha &gt;= 0 when P is reversible with respect to mu; at
 * alpha = 0 the walk is the base chain, draw for draw (the same uniform per step and the same
 * inverse-CDF choice, {@link MarkovChain#pick}). For a = 1, the empirical measure's asymptotic
 * covariance falls like 1/alpha ({@link SrrwTheory#samplingCovariance}).
 *
 * <p>Cost: one {@code pow} per step plus a pass over the current row. x is stored as s * z with a
 * scalar s, because the shrink (1 - gamma) of every coordinate cancels in K[x]; only the visited
 * coordinate's repulsion factor changes per step.
 */
public final class SelfRepellentWalk implements TokenWalk {
  /** Renormalise z when s falls below this, so z_i / mu_i stays within a range where pow(., -alpha) is finite. */
  private static final double RESCALE_BELOW = 1e-4;

  private final MarkovChain base;
  private final double alpha;
  private final double gammaExponent;
  private final Rng rng;
  private final double[] z;
  private final double[] repulsion;
  private final double[] weights;
  private double scale;
  private long steps;
  private int position;

  /** SRRW with the empirical-measure step gamma_n = 1/(n+1) (Doshi et al.). */
  public SelfRepellentWalk(MarkovChain base, double alpha, int start, long seed) {
    this(base, alpha, 1.0, start, seed);
  }

  /**
   * @param gammaExponent a in gamma_n = (n+1)^(-a), in (0.5, 1]
   * @throws IllegalArgumentException if alpha is negative or not finite, a is outside (0.5, 1],
   *     or start is not a node
   */
  public SelfRepellentWalk(MarkovChain base, double alpha, double gammaExponent, int start, long seed) {
    if (!(alpha >= 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
    if (!(gammaExponent > 0.5 && gammaExponent <= 1)) {
      throw new IllegalArgumentException("gamma exponent a must be in (0.5, 1], got " + gammaExponent);
    }
    MarkovChain.requireStart(base.states(), start);
    this.base = base;
    this.alpha = alpha;
    this.gammaExponent = gammaExponent;
    this.rng = Rng.of(seed);
    int n = base.states();
    this.z = new double[n];
    this.repulsion = new double[n];
    int widest = 0;
    for (int i = 0; i < n; i++) {
      widest = Math.max(widest, base.rowLength(i));
    }
    this.weights = new double[widest];
    this.scale = 1.0;
    for (int i = 0; i < n; i++) {
      z[i] = 1.0 / n;
      repulsion[i] = repulsion(i);
    }
    this.position = start;
  }

  private double repulsion(int i) {
    return alpha == 0 ? 1.0 : Math.pow(z[i] / base.targetAt(i), -alpha);
  }

  @Override
  public int position() {
    return position;
  }

  @Override
  public int step() {
    int from = base.rowStart(position);
    int length = base.rowLength(position);
    int[] columns = base.columns();
    double[] p = base.probabilities();
    double total = 0;
    for (int k = 0; k < length; k++) {
      double w = p[from + k] * repulsion[columns[from + k]];
      weights[k] = w;
      total += w;
    }
    position = MarkovChain.pick(columns, from, weights, 0, length, total, rng.nextDouble());
    steps++;
    double gamma = gammaExponent == 1.0 ? 1.0 / (steps + 1) : Math.pow(steps + 1, -gammaExponent);
    // x_{n+1} = (1 - gamma) x_n + gamma delta  <=>  s' = (1 - gamma) s,  z'_X = z_X + gamma / s'
    scale *= 1 - gamma;
    z[position] += gamma / scale;
    repulsion[position] = repulsion(position);
    if (scale < RESCALE_BELOW) {
      for (int i = 0; i < z.length; i++) {
        z[i] *= scale;
        repulsion[i] = repulsion(i);
      }
      scale = 1.0;
    }
    return position;
  }

  /** The current x_n (a probability vector). */
  public double[] measure() {
    double[] x = new double[z.length];
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      x[i] = z[i] * scale;
      sum += x[i];
    }
    for (int i = 0; i < x.length; i++) {
      x[i] /= sum;
    }
    return x;
  }

  public double alpha() {
    return alpha;
  }

  @Override
  public int states() {
    return base.states();
  }

  @Override
  public double[] target() {
    return base.target();
  }
}
