package org.diffusion4j.path;

/**
 * The path of Karras et al. 2022 ("Elucidating the Design Space...", EDM), Table 1:
 * alpha = 1, sigma(t) = t, on [sigma_min, sigma_max] (defaults 0.002, 80).
 * lambda = -log t, so t(lambda) = exp(-lambda).
 */
public record EdmPath(double sigmaMin, double sigmaMax) implements VarianceExplodingPath {
  public static final double DEFAULT_SIGMA_MIN = 0.002;
  public static final double DEFAULT_SIGMA_MAX = 80;

  public EdmPath {
    PathMath.checkSigmaRange("edm", sigmaMin, sigmaMax);
  }

  public EdmPath() {
    this(DEFAULT_SIGMA_MIN, DEFAULT_SIGMA_MAX);
  }

  @Override
  public String name() {
    return "edm";
  }

  @Override
  public double sigma(double t) {
    return t;
  }

  @Override
  public double sigmaDot(double t) {
    return 1;
  }

  @Override
  public double diffusionSquared(double t) {
    return 2 * t;
  }

  @Override
  public double tMin() {
    return sigmaMin;
  }

  @Override
  public double tMax() {
    return sigmaMax;
  }

  @Override
  public double tOfLambda(double lambda) {
    PathMath.checkLambda(this, lambda);
    return PathMath.clampTime(this, Math.exp(-lambda));
  }
}
