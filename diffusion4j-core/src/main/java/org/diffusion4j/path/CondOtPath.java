package org.diffusion4j.path;

/**
 * Conditional optimal-transport / rectified-flow path (Lipman et al. 2023, "Flow Matching",
 * Eq. 20 with sigma_min = 0; Liu et al. 2023, "Rectified Flow"): alpha = 1 - t, sigma = t on
 * [0, 1]. lambda = log((1 - t)/t), so t(lambda) = 1 / (1 + e^lambda).
 */
public record CondOtPath() implements GaussianPath {
  @Override
  public String name() {
    return "cond-ot";
  }

  @Override
  public double alpha(double t) {
    return 1 - t;
  }

  @Override
  public double logAlpha(double t) {
    return Math.log1p(-t);
  }

  @Override
  public double sigma(double t) {
    return t;
  }

  @Override
  public double alphaDot(double t) {
    return -1;
  }

  @Override
  public double sigmaDot(double t) {
    return 1;
  }

  @Override
  public double tMin() {
    return 0;
  }

  @Override
  public double tMax() {
    return 1;
  }

  @Override
  public double drift(double t) {
    return -1 / (1 - t);
  }

  /** g^2 = 2 t + 2 t^2 / (1 - t) = 2 t / (1 - t). */
  @Override
  public double diffusionSquared(double t) {
    return 2 * t / (1 - t);
  }

  @Override
  public double tOfLambda(double lambda) {
    PathMath.checkLambda(this, lambda);
    return lambda >= 0 ? Math.exp(-lambda) / (1 + Math.exp(-lambda)) : 1 / (1 + Math.exp(lambda));
  }
}
