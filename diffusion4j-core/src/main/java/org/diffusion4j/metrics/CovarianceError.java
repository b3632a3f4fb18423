package org.diffusion4j.metrics;

import org.diffusion4j.array.Batch;

/** Frobenius norm of the difference of the unbiased sample covariances, |cov(a) - cov(b)|_F. */
public record CovarianceError() implements SampleDistance {
  @Override
  public String name() {
    return "cov-error";
  }

  @Override
  public double between(Batch a, Batch b) {
    Checks.requirePair(name(), a, b, 2);
    double[][] ca = Moments.covariance(a);
    double[][] cb = Moments.covariance(b);
    double s = 0;
    for (int j = 0; j < ca.length; j++) {
      for (int k = 0; k < ca.length; k++) {
        double r = ca[j][k] - cb[j][k];
        s += r * r;
      }
    }
    return Math.sqrt(s);
  }
}
