package org.diffusion4j.path;

/**
 * Sub-variance-preserving path (Song et al. 2021, Eq. 12 and 29): the same alpha as
 * {@link VpLinearPath} and sigma(t) = 1 - alpha(t)^2, whose SDE has
 * g^2(t) = beta(t) (1 - alpha(t)^4) and stays below the VP variance.
 */
public record SubVpPath(double betaMin, double betaMax) implements GaussianPath {
  public SubVpPath {
    new VpLinearPath(betaMin, betaMax); // same validation
  }

  public SubVpPath() {
    this(VpLinearPath.DEFAULT_BETA_MIN, VpLinearPath.DEFAULT_BETA_MAX);
  }

  private VpLinearPath vp() {
    return new VpLinearPath(betaMin, betaMax);
  }

  @Override
  public String name() {
    return "sub-vp";
  }

  /** beta(t) of the underlying {@link VpLinearPath}. */
  private double beta(double t) {
    return VpLinearPath.betaOf(betaMin, betaMax, t);
  }

  @Override
  public double logAlpha(double t) {
    return VpLinearPath.logAlphaOf(betaMin, betaMax, t);
  }

  @Override
  public double alpha(double t) {
    return Math.exp(logAlpha(t));
  }

  @Override
  public double sigma(double t) {
    return -Math.expm1(2 * logAlpha(t));
  }

  @Override
  public double logSigma(double t) {
    return Math.log(-Math.expm1(2 * logAlpha(t)));
  }

  @Override
  public double alphaDot(double t) {
    return -0.5 * beta(t) * alpha(t);
  }

  @Override
  public double sigmaDot(double t) {
    double a = alpha(t);
    return beta(t) * a * a;
  }

  @Override
  public double drift(double t) {
    return -0.5 * beta(t);
  }

  @Override
  public double diffusionSquared(double t) {
    double a2 = Math.exp(2 * logAlpha(t));
    return beta(t) * (1 - a2 * a2);
  }

  @Override
  public double tMin() {
    return 0;
  }

  @Override
  public double tMax() {
    return 1;
  }

  /** alpha / (1 - alpha^2) = e^lambda is a quadratic in alpha; take its positive root. */
  @Override
  public double tOfLambda(double lambda) {
    PathMath.checkLambda(this, lambda);
    double logAlpha;
    if (lambda <= 0) {
      double e = Math.exp(lambda);
      logAlpha = Math.log(2) + lambda - Math.log1p(Math.sqrt(1 + 4 * e * e));
    } else {
      // alpha = 2 / (e + sqrt(e^2 + 4)) with e = exp(-lambda) -> 0 near t = 0; written as
      // -log1p(...) so that log alpha keeps its relative precision when it is tiny.
      double e = Math.exp(-lambda);
      logAlpha = -Math.log1p(0.5 * (e + e * e / (Math.sqrt(e * e + 4) + 2)));
    }
    return PathMath.clampTime(this, vp().tOfLogAlpha(logAlpha));
  }
}
