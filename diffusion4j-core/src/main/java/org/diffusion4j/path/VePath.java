package org.diffusion4j.path;

/**
 * Variance-exploding path (Song &amp; Ermon 2019; Song et al. 2021, Eq. 9, 30):
 * alpha = 1, sigma(t) = sigma_min (sigma_max / sigma_min)^t on [0, 1];
 * g^2 = 2 sigma^2 log(sigma_max / sigma_min). Prior N(0, sigma_max^2 I).
 */
public record VePath(double sigmaMin, double sigmaMax) implements VarianceExplodingPath {
  public static final double DEFAULT_SIGMA_MIN = 0.01;
  public static final double DEFAULT_SIGMA_MAX = 50;

  public VePath {
    PathMath.checkSigmaRange("ve", sigmaMin, sigmaMax);
  }

  public VePath() {
    this(DEFAULT_SIGMA_MIN, DEFAULT_SIGMA_MAX);
  }

  private double logRatio() {
    return Math.log(sigmaMax / sigmaMin);
  }

  @Override
  public String name() {
    return "ve";
  }

  @Override
  public double sigma(double t) {
    return Math.exp(logSigma(t));
  }

  @Override
  public double logSigma(double t) {
    return Math.log(sigmaMin) + t * logRatio();
  }

  @Override
  public double sigmaDot(double t) {
    return sigma(t) * logRatio();
  }

  @Override
  public double diffusionSquared(double t) {
    double s = sigma(t);
    return 2 * s * s * logRatio();
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
  public double tOfLambda(double lambda) {
    PathMath.checkLambda(this, lambda);
    return PathMath.clampTime(this, (-lambda - Math.log(sigmaMin)) / logRatio());
  }

}
