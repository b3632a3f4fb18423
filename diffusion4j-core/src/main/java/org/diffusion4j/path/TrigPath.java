package org.diffusion4j.path;

/**
 * Trigonometric path (Albergo &amp; Vanden-Eijnden 2023; Nichol &amp; Dhariwal's cosine without
 * offset): alpha = cos(pi t / 2), sigma = sin(pi t / 2) on [0, 1]; variance preserving.
 * lambda = -log tan(pi t / 2), so t(lambda) = (2/pi) atan(e^-lambda).
 */
public record TrigPath() implements GaussianPath {
  @Override
  public String name() {
    return "trig";
  }

  /**
   * cos(pi t / 2), evaluated as sin(pi (1 - t) / 2) on the noise half so that alpha(1) = 0 exactly
   * (cos(pi/2) is 6e-17 in floating point) and alpha keeps its relative precision near t = 1.
   */
  @Override
  public double alpha(double t) {
    return t <= 0.5 ? Math.cos(0.5 * Math.PI * t) : Math.sin(0.5 * Math.PI * (1 - t));
  }

  @Override
  public double sigma(double t) {
    return Math.sin(0.5 * Math.PI * t);
  }

  @Override
  public double alphaDot(double t) {
    return -0.5 * Math.PI * sigma(t);
  }

  @Override
  public double sigmaDot(double t) {
    return 0.5 * Math.PI * alpha(t);
  }

  /** f = d log(alpha)/dt = -(pi/2) tan(pi t / 2). */
  @Override
  public double drift(double t) {
    return -0.5 * Math.PI * sigma(t) / alpha(t);
  }

  /** For a VP path g^2 = -2 f. */
  @Override
  public double diffusionSquared(double t) {
    return -2 * drift(t);
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
    return PathMath.clampTime(this, 2 / Math.PI * Math.atan(Math.exp(-lambda)));
  }
}
