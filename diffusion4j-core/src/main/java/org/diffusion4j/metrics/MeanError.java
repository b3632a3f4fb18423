package org.diffusion4j.metrics;

import org.diffusion4j.array.Batch;

/** Euclidean norm of the difference of the sample means, |mean(a) - mean(b)|_2. */
public record MeanError() implements SampleDistance {
  @Override
  public String name() {
    return "mean-error";
  }

  @Override
  public double between(Batch a, Batch b) {
    Checks.requirePair(name(), a, b, 1);
    double[] ma = Moments.mean(a);
    double[] mb = Moments.mean(b);
    double s = 0;
    for (int j = 0; j < ma.length; j++) {
      double r = ma[j] - mb[j];
      s += r * r;
    }
    return Math.sqrt(s);
  }
}
