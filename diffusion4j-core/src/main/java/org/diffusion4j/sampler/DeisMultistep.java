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
  private static final GaussLegendre GAUSS = GaussLegendre.of(16);

  /** @param lowerOrderFinal when to lower the final orders ({@link LowerOrderFinal#AUTO}: below 15, as diffusers) */
  public DeisMultistep(String name, int order, LowerOrderFinal lowerOrderFinal, Bh uniC) {
    super(name, order, lowerOrderFinal, LowerOrderFinal.Reference.DIFFUSERS, false, uniC);
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
    for (int q = 0; q < GAUSS.size(); q++) {
      double v = 0.5 * h * (GAUSS.node(q) + 1);
      double wq = 0.5 * h * GAUSS.weight(q) * Math.exp(-v);
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
}
