package org.diffusion4j.path;

/**
 * Cosine variance-preserving path (Nichol &amp; Dhariwal 2021, "Improved DDPM", Eq. 17):
 * alpha(t) = cos(pi/2 (t + s)/(1 + s)) / cos(pi/2 s/(1 + s)), sigma = sqrt(1 - alpha^2),
 * on [0, 0.9946] as in DPM-Solver (which clips T so that lambda stays finite).
 */
public record VpCosinePath(double s) implements VariancePreservingPath {
  public static final double DEFAULT_S = 0.008;
  public static final double T_MAX = 0.9946;

  public VpCosinePath {
    if (!(s >= 0 && s < 1)) {
      throw new IllegalArgumentException("vp-cosine needs 0 <= s < 1, got s=" + s);
    }
  }

  public VpCosinePath() {
    this(DEFAULT_S);
  }

  @Override
  public String name() {
    return "vp-cosine";
  }

  private double angle(double t) {
    return (t + s) / (1 + s) * Math.PI / 2;
  }

  /**
   * log alpha = log1p((cos(a) - cos(a0)) / cos(a0)) with cos(a) - cos(a0) = -2 sin((a + a0)/2) sin((a - a0)/2),
   * a = angle(t), a0 = angle(0): keeps full relative precision as t -> 0, where the difference of
   * two logarithms of numbers near 1 would not.
   */
  @Override
  public double logAlpha(double t) {
    double a0 = angle(0);
    double a = angle(t);
    return Math.log1p(-2 * Math.sin(0.5 * (a + a0)) * Math.sin(0.5 * delta(t)) / Math.cos(a0));
  }

  /** a - a0 = (pi/2) t / (1 + s), computed without cancellation. */
  private double delta(double t) {
    return t / (1 + s) * Math.PI / 2;
  }

  @Override
  public double alpha(double t) {
    return Math.cos(angle(t)) / Math.cos(angle(0));
  }

  /**
   * sigma^2 = 1 - alpha^2 = (cos^2 a0 - cos^2 a) / cos^2 a0 = sin(a - a0) sin(a + a0) / cos^2 a0,
   * accurate for small t where 1 - alpha^2 would cancel.
   */
  @Override
  public double sigma(double t) {
    double a0 = angle(0);
    return Math.sqrt(Math.sin(delta(t)) * Math.sin(angle(t) + a0)) / Math.cos(a0);
  }

  @Override
  public double logSigma(double t) {
    double a0 = angle(0);
    return 0.5 * (Math.log(Math.sin(delta(t))) + Math.log(Math.sin(angle(t) + a0))) - Math.log(Math.cos(a0));
  }

  @Override
  public double drift(double t) {
    return -Math.tan(angle(t)) * Math.PI / (2 * (1 + s));
  }

  @Override
  public double tMin() {
    return 0;
  }

  @Override
  public double tMax() {
    return T_MAX;
  }

  @Override
  public double tOfLambda(double lambda) {
    PathMath.checkLambda(this, lambda);
    // cos(angle) = alpha cos(angle(0)) =: c; angle = atan2(sqrt(1 - c^2), c), which stays accurate
    // near angle 0 where acos(c) would lose half the digits.
    double logC = -0.5 * PathMath.softplus(-2 * lambda) + Math.log(Math.cos(angle(0)));
    double angle = Math.atan2(Math.sqrt(-Math.expm1(2 * logC)), Math.exp(logC));
    return PathMath.clampTime(this, 2 * (1 + s) / Math.PI * angle - s);
  }
}
