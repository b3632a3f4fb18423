package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.path.GaussianPath;

/**
 * DEIS with polynomial extrapolation in t, "tAB-DEIS" (Zhang &amp; Chen 2023, "Fast Sampling of
 * Diffusion Models with Exponential Integrator", Eq. 14-15). The exact solution of the
 * probability-flow ODE in noise-prediction form is
 * x_t = (alpha_t/alpha_s) x_s - alpha_t int_{lambda_s}^{lambda_t} e^{-lambda} eps(tau(lambda)) d lambda;
 * tAB replaces eps(tau) by the Lagrange polynomial through the last k outputs eps_j at times t_j,
 * giving x_t = (alpha_t/alpha_s) x_s + sum_j C_j eps_j with
 * C_j = -alpha_t int e^{-lambda} l_j(tau(lambda)) d lambda. The weights C_j are computed by
 * Gauss-Legendre quadrature in lambda (smooth integrand on any path).
 */
public final class DeisMultistep extends MultistepSampler {
  private static final int NODES = 16;
  private static final double[][] GAUSS = gaussLegendre(NODES);

  public DeisMultistep(String name, int order, boolean lowerOrderFinal, Bh uniC) {
    super(name, order, lowerOrderFinal, false, uniC);
  }

  @Override
  protected void predict(GaussianPath p, History hist, int k, Batch x, double t, Batch out) {
    double s = hist.t(0);
    double ls = hist.lambda(0);
    double lt = lambda(p, t);
    double h = lt - ls;
    double[] nodes = new double[k];
    for (int j = 0; j < k; j++) {
      nodes[j] = hist.t(j);
    }
    // C_j = -alpha_t e^{-lambda_s} int_0^h e^{-v} l_j(tau(lambda_s + v)) dv ; Gauss-Legendre on [0, h].
    double[] c = new double[k];
    for (int q = 0; q < NODES; q++) {
      double v = 0.5 * h * (GAUSS[0][q] + 1);
      double wq = 0.5 * h * GAUSS[1][q] * Math.exp(-v);
      double tau = p.tOfLambda(ls + v);
      for (int j = 0; j < k; j++) {
        c[j] += wq * lagrange(nodes, j, tau);
      }
    }
    double scale = -p.alpha(t) * Math.exp(-ls);
    Batch[] terms = new Batch[k + 1];
    double[] coef = new double[k + 1];
    terms[0] = x;
    coef[0] = p.alpha(t) / p.alpha(s);
    for (int j = 0; j < k; j++) {
      terms[j + 1] = hist.m(j);
      coef[j + 1] = scale * c[j];
    }
    combine(out, coef, terms);
  }

  /** The j-th Lagrange basis polynomial through {@code nodes}, at x. */
  static double lagrange(double[] nodes, int j, double x) {
    double v = 1;
    for (int m = 0; m < nodes.length; m++) {
      if (m != j) {
        v *= (x - nodes[m]) / (nodes[j] - nodes[m]);
      }
    }
    return v;
  }

  /** Nodes (row 0) and weights (row 1) of n-point Gauss-Legendre on [-1, 1], by Newton's method. */
  static double[][] gaussLegendre(int n) {
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
    return new double[][] {x, w};
  }
}
