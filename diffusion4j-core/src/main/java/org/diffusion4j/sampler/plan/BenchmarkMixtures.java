package org.diffusion4j.sampler.plan;

import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.random.Rng;

/**
 * The mixtures on which the fast samplers are measured: exact models, so the reference ODE
 * solution is known to any accuracy. Deterministic (fixed seeds); their JSON specs are
 * {@link GaussianMixture#toJson()}.
 */
public final class BenchmarkMixtures {
  private BenchmarkMixtures() {}

  /** 2-D: eight components of variance 0.03 on the circle of radius 2 (the "8 Gaussians" toy). */
  public static GaussianMixture ring2d() {
    int k = 8;
    double[] w = new double[k];
    double[][] m = new double[k][];
    double[][] v = new double[k][];
    for (int c = 0; c < k; c++) {
      w[c] = 1;
      double a = 2 * Math.PI * c / k;
      m[c] = new double[] {2 * Math.cos(a), 2 * Math.sin(a)};
      v[c] = new double[] {0.03, 0.03};
    }
    return new GaussianMixture(w, m, v);
  }

  /**
   * 64-D: ten components with N(0, 1) means, per-coordinate variances uniform in [0.05, 0.3] and
   * weights uniform in [0.5, 1.5] (seed 64).
   */
  public static GaussianMixture mixture64d() {
    int k = 10;
    int d = 64;
    Rng rng = Rng.of(64);
    double[] w = new double[k];
    double[][] m = new double[k][d];
    double[][] v = new double[k][d];
    for (int c = 0; c < k; c++) {
      w[c] = 0.5 + rng.nextDouble();
      for (int j = 0; j < d; j++) {
        m[c][j] = rng.nextGaussian();
        v[c][j] = 0.05 + 0.25 * rng.nextDouble();
      }
    }
    return new GaussianMixture(w, m, v);
  }
}
