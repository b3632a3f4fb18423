package org.diffusion4j.sde.models;

/** Parameter checks and shared closed forms for the built-in models. */
final class Models {
  private Models() {}

  static void finite(String name, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("model parameter " + name + " must be finite, got " + v);
    }
  }

  /** A noise scale: finite and &gt;= 0 (a negative one is the same law as its absolute value; refused as a likely slip). */
  static void nonNegative(String name, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException("model parameter " + name + " must be >= 0, got " + v);
    }
  }

  static void positive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException("model parameter " + name + " must be > 0, got " + v);
    }
  }

  static void positiveDim(int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("model dimension must be >= 1, got " + dim);
    }
  }

  static SdeModel.Marginal normal(double mean, double var) {
    return new SdeModel.Marginal() {
      @Override
      public double mean() {
        return mean;
      }

      @Override
      public double variance() {
        return var;
      }

      @Override
      public double density(double x) {
        if (var <= 0) {
          return Double.NaN;
        }
        double z = x - mean;
        return Math.exp(-z * z / (2 * var)) / Math.sqrt(2 * Math.PI * var);
      }
    };
  }
}
