package org.diffusion4j.sampler.dmcmc;

import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.path.GaussianPath;

/**
 * The exact product-space target of a diagonal {@link GaussianMixture} on a path: p_t(x) =
 * sum_k w_k prod_j N(x_j; alpha m_kj, s_kj) with s_kj = alpha^2 v_kj + sigma^2. Per component,
 * d/dx_j log N = -r / s and d/dt log N = sum_j [-s'/(2 s) + r alpha' m / s + r^2 s' / (2 s^2)],
 * r = x_j - alpha m_kj, s' = 2 alpha alpha' v + 2 sigma sigma'; the mixture mixes them with the
 * posterior responsibilities.
 */
public final class MixtureProductTarget implements ProductSpaceTarget {
  private final GaussianMixture mixture;
  private final GaussianPath path;
  private final double[] logW;
  private final double[][] means;
  private final double[][] vars;

  public MixtureProductTarget(GaussianMixture mixture, GaussianPath path) {
    this.mixture = mixture;
    this.path = path;
    int k = mixture.components();
    logW = new double[k];
    means = new double[k][];
    vars = new double[k][];
    for (int c = 0; c < k; c++) {
      logW[c] = Math.log(mixture.weight(c));
      means[c] = mixture.mean(c);
      vars[c] = mixture.var(c);
    }
  }

  @Override
  public int dim() {
    return mixture.dim();
  }

  @Override
  public GaussianPath path() {
    return path;
  }

  @Override
  public double scores(double[] x, int off, double t, double[] scoreX) {
    int d = dim();
    int k = logW.length;
    double a = path.alpha(t);
    double s = path.sigma(t);
    double ad = path.alphaDot(t);
    double sd = path.sigmaDot(t);
    double[] logit = new double[k];
    double[] dt = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      double l = logW[c];
      double g = 0;
      for (int j = 0; j < d; j++) {
        double v = vars[c][j];
        double st = a * a * v + s * s;
        double sp = 2 * a * ad * v + 2 * s * sd;
        double r = x[off + j] - a * means[c][j];
        l -= 0.5 * (Math.log(2 * Math.PI * st) + r * r / st);
        g += -0.5 * sp / st + r * ad * means[c][j] / st + 0.5 * r * r * sp / (st * st);
      }
      logit[c] = l;
      dt[c] = g;
      max = Math.max(max, l);
    }
    double z = 0;
    for (int c = 0; c < k; c++) {
      logit[c] = Math.exp(logit[c] - max);
      z += logit[c];
    }
    java.util.Arrays.fill(scoreX, off, off + d, 0);
    double scoreT = 0;
    for (int c = 0; c < k; c++) {
      double resp = logit[c] / z;
      scoreT += resp * dt[c];
      for (int j = 0; j < d; j++) {
        double st = a * a * vars[c][j] + s * s;
        scoreX[off + j] -= resp * (x[off + j] - a * means[c][j]) / st;
      }
    }
    return scoreT;
  }
}
