package org.diffusion4j.inverse;

import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Rng;

/**
 * Observations y = A(x) + sigma_y n of a batch of images: the operator, the (n, m) measurements
 * and the noise level. The constructor is the boundary check every solver relies on.
 */
public record Measurement(ForwardOperator operator, Batch y, double sigmaY) {
  public Measurement {
    if (operator == null || y == null) {
      throw new IllegalArgumentException("a measurement needs an operator and observations");
    }
    if (!(sigmaY >= 0) || !Double.isFinite(sigmaY)) {
      throw new IllegalArgumentException("measurement noise sigma_y = " + sigmaY + " must be >= 0 and finite");
    }
    if (y.d() != operator.outputDim()) {
      throw new IllegalArgumentException("measurement rows have " + y.d() + " values but " + operator.name()
          + " measures " + operator.outputShape() + " = " + operator.outputDim());
    }
    int bad = y.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException("measurement value " + bad + " is not finite");
    }
  }

  /** y = A(x) + sigma_y n with n drawn per row from {@code Rng.of(seed).stream(row)}. */
  public static Measurement observe(ForwardOperator op, Batch clean, double sigmaY, long seed) {
    if (!(sigmaY >= 0) || !Double.isFinite(sigmaY)) {
      throw new IllegalArgumentException("measurement noise sigma_y = " + sigmaY + " must be >= 0 and finite");
    }
    Batch y = op.apply(clean);
    if (sigmaY > 0) {
      Rng root = Rng.of(seed);
      int m = op.outputDim();
      double[] a = y.data();
      for (int i = 0; i < y.n(); i++) {
        Rng r = root.stream(i);
        for (int j = 0; j < m; j++) {
          a[i * m + j] += sigmaY * r.nextGaussian();
        }
      }
    }
    return new Measurement(op, y, sigmaY);
  }

  /** Number of measured images. */
  public int n() {
    return y.n();
  }

  /** Measurement consistency ||A(x_i) - y_i||_2 of every row of {@code x}. */
  public double[] residualNorms(Batch x) {
    if (x.n() != y.n()) {
      throw new IllegalArgumentException(x.n() + " reconstructions for " + y.n() + " measurements");
    }
    Batch ax = operator.apply(x);
    double[] out = new double[x.n()];
    int m = operator.outputDim();
    for (int i = 0; i < out.length; i++) {
      double s = 0;
      for (int j = 0; j < m; j++) {
        double e = ax.data()[i * m + j] - y.data()[i * m + j];
        s += e * e;
      }
      out[i] = Math.sqrt(s);
    }
    return out;
  }

  /** The sub-measurement of rows [from, to). */
  public Measurement rows(int from, int to) {
    int m = y.d();
    double[] part = java.util.Arrays.copyOfRange(y.data(), from * m, to * m);
    return new Measurement(operator, new Batch(to - from, m, part), sigmaY);
  }
}
