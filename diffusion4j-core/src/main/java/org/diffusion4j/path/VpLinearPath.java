package org.diffusion4j.path;

/**
 * Variance-preserving path with linear beta(t) = beta_min + t (beta_max - beta_min) on [0, 1]
 * (Ho et al. 2020 in continuous time; Song et al. 2021, Eq. 11, 33):
 * log alpha(t) = -t^2 (beta_max - beta_min) / 4 - t beta_min / 2, sigma = sqrt(1 - alpha^2).
 * The inverse t(lambda) is the closed form of Lu et al. 2022 (DPM-Solver), Appendix D.
 */
public record VpLinearPath(double betaMin, double betaMax) implements VariancePreservingPath {
  public static final double DEFAULT_BETA_MIN = 0.1;
  public static final double DEFAULT_BETA_MAX = 20.0;

  public VpLinearPath {
    if (!(betaMin > 0 && betaMax >= betaMin && Double.isFinite(betaMax))) {
      throw new IllegalArgumentException(
          "vp-linear needs 0 < beta-min <= beta-max < inf, got beta-min=" + betaMin + ", beta-max=" + betaMax);
    }
  }

  /** beta_min = 0.1, beta_max = 20 (Song et al. 2021). */
  public VpLinearPath() {
    this(DEFAULT_BETA_MIN, DEFAULT_BETA_MAX);
  }

  @Override
  public String name() {
    return "vp-linear";
  }

  /** beta(t), the instantaneous noise rate. */
  public double beta(double t) {
    return betaOf(betaMin, betaMax, t);
  }

  /** beta(t) for the given endpoints; shared with {@link SubVpPath}. */
  static double betaOf(double betaMin, double betaMax, double t) {
    return betaMin + t * (betaMax - betaMin);
  }

  /** log alpha(t) = -t^2 (beta_max - beta_min) / 4 - t beta_min / 2; shared with {@link SubVpPath}. */
  static double logAlphaOf(double betaMin, double betaMax, double t) {
    return -0.25 * t * t * (betaMax - betaMin) - 0.5 * t * betaMin;
  }

  @Override
  public double logAlpha(double t) {
    return logAlphaOf(betaMin, betaMax, t);
  }

  @Override
  public double drift(double t) {
    return -0.5 * beta(t);
  }

  /**
   * sigma' = beta alpha^2 / (2 sigma), the interface's -alpha^2 f / sigma written in beta and kept
   * in this operation order so that results stay bitwise identical to earlier versions.
   */
  @Override
  public double sigmaDot(double t) {
    double a = alpha(t);
    return 0.5 * beta(t) * a * a / sigma(t);
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
    return PathMath.clampTime(this, tOfLogAlpha(-0.5 * PathMath.softplus(-2 * lambda)));
  }

  /** The t with log alpha(t) = {@code logAlpha} (the positive root of a quadratic). */
  double tOfLogAlpha(double logAlpha) {
    return -2 * logAlpha / (0.5 * betaMin + Math.sqrt(0.25 * betaMin * betaMin - (betaMax - betaMin) * logAlpha));
  }
}
