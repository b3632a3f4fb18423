package org.diffusion4j.likelihood;

import org.diffusion4j.array.Batch;

/** A log-density evaluated row by row: log p(x_i) for every row of a batch. */
@FunctionalInterface
public interface LogDensity {
  double[] logDensity(Batch x);

  /**
   * The isotropic Gaussian N(0, std^2 I): log p(x) = -d/2 log(2 pi std^2) - |x|^2 / (2 std^2).
   * The prior of a Gaussian path at T is {@code gaussian(path.priorStd(T))}.
   */
  static LogDensity gaussian(double std) {
    if (!(std > 0) || !Double.isFinite(std)) {
      throw new IllegalArgumentException("Gaussian prior std must be positive and finite, got " + std);
    }
    return x -> {
      int d = x.d();
      double[] a = x.data();
      double[] out = new double[x.n()];
      double norm = -0.5 * d * Math.log(2 * Math.PI * std * std);
      for (int i = 0; i < out.length; i++) {
        double q = 0;
        for (int j = i * d, end = j + d; j < end; j++) {
          q += a[j] * a[j];
        }
        out[i] = norm - 0.5 * q / (std * std);
      }
      return out;
    };
  }
}
