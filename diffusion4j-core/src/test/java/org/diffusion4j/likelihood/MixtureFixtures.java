package org.diffusion4j.likelihood;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.path.GaussianPath;

/** Test fixture: the closed-form divergence of a mixture's score. */
final class MixtureFixtures {
  private MixtureFixtures() {}

  /**
   * div score of the mixture's marginal at t: with S_k = alpha^2 v_k + sigma^2, s_k = -(x - alpha mu_k)/S_k
   * and responsibilities r_k, div score = sum_k r_k (|s_k|^2 - tr S_k^-1) - |score|^2.
   */
  static double[] scoreDivergence(GaussianMixture g, GaussianPath path, double t, Batch x) {
    int d = g.dim();
    int k = g.components();
    double a = path.alpha(t);
    double s = path.sigma(t);
    double[] out = new double[x.n()];
    for (int i = 0; i < x.n(); i++) {
      double[] logit = new double[k];
      double[][] sk = new double[k][d];
      double[] tr = new double[k];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double[] mu = g.mean(c);
        double[] v = g.var(c);
        double l = Math.log(g.weight(c));
        for (int j = 0; j < d; j++) {
          double sv = a * a * v[j] + s * s;
          double res = x.get(i, j) - a * mu[j];
          sk[c][j] = -res / sv;
          tr[c] += 1 / sv;
          l += -0.5 * Math.log(2 * Math.PI * sv) - 0.5 * res * res / sv;
        }
        logit[c] = l;
        max = Math.max(max, l);
      }
      double z = 0;
      for (int c = 0; c < k; c++) {
        z += Math.exp(logit[c] - max);
      }
      double[] score = new double[d];
      double acc = 0;
      for (int c = 0; c < k; c++) {
        double r = Math.exp(logit[c] - max) / z;
        double sq = 0;
        for (int j = 0; j < d; j++) {
          sq += sk[c][j] * sk[c][j];
          score[j] += r * sk[c][j];
        }
        acc += r * (sq - tr[c]);
      }
      for (int j = 0; j < d; j++) {
        acc -= score[j] * score[j];
      }
      out[i] = acc;
    }
    return out;
  }
}
