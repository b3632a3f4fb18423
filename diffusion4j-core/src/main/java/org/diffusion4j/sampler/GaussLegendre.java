package org.diffusion4j.sampler;

/**
 * The n-point Gauss-Legendre rule on [-1, 1]: int_{-1}^{1} f(x) dx ~ sum_i w_i f(x_i), exact for
 * polynomials of degree up to 2n - 1 (Abramowitz &amp; Stegun 1964, Eq. 25.4.29). The nodes x_i are
 * the roots of the Legendre polynomial P_n, found by Newton's method from the asymptotic guess
 * cos(pi (i + 3/4) / (n + 1/2)), with P_n from the three-term recurrence
 * m P_m = (2m - 1) x P_{m-1} - (m - 1) P_{m-2} (A&amp;S Eq. 22.7.10) and its derivative from
 * (x^2 - 1) P_n' = n (x P_n - P_{n-1}) (A&amp;S Eq. 22.8.5); the weights are
 * w_i = 2 / ((1 - x_i^2) P_n'(x_i)^2).
 *
 * <p>Callers map the rule onto their own interval (x -> mid + half x, weight half w_i) in the
 * order their accuracy tests were written for; this class only owns the nodes and weights.
 */
public final class GaussLegendre {
  private final double[] nodes;
  private final double[] weights;

  private GaussLegendre(double[] nodes, double[] weights) {
    this.nodes = nodes;
    this.weights = weights;
  }

  /** The n-point rule, n >= 1. */
  public static GaussLegendre of(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Gauss-Legendre needs at least 1 node, got " + n);
    }
    double[] x = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double dp = 0;
      for (int it = 0; it < 100; it++) {
        double p0 = 1;
        double p1 = z;
        for (int m = 2; m <= n; m++) {
          double p2 = ((2 * m - 1) * z * p1 - (m - 1) * p0) / m;
          p0 = p1;
          p1 = p2;
        }
        dp = n * (z * p1 - p0) / (z * z - 1);
        double dz = p1 / dp;
        z -= dz;
        if (Math.abs(dz) < 1e-16) {
          break;
        }
      }
      x[i] = z;
      w[i] = 2 / ((1 - z * z) * dp * dp);
    }
    return new GaussLegendre(x, w);
  }

  /** Number of nodes n. */
  public int size() {
    return nodes.length;
  }

  /** The i-th node in (-1, 1), in decreasing order. */
  public double node(int i) {
    return nodes[i];
  }

  /** The weight of the i-th node on [-1, 1]. */
  public double weight(int i) {
    return weights[i];
  }
}
