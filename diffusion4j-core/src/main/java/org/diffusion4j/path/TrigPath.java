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

  @Override
  public double alpha(double t) {
    return Math.cos(0.5 * Math.PI * t);
  }

  @Override
  public double sigma(double t) {
    return Math.sin(0.5 * Math.PI * t);
  }

  @Override
  public double alphaDot(double t) {
    return -0.5 * Math.PI * Math.sin(0.5 * Math.PI * t);
  }

  @Override
  public double sigmaDot(double t) {
    return 0.5 * Math.PI * Math.cos(0.5 * Math.PI * t);
  }

  @Override
  public double drift(double t) {
    return -0.5 * Math.PI * Math.tan(0.5 * Math.PI * t);
  }

  /** For a VP path g^2 = -2 f. */
  @Override
  public double diffusionSquared(double t) {
    return Math.PI * Math.tan(0.5 * Math.PI * t);
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
    if (Double.isNaN(lambda)) {
      throw new IllegalArgumentException("lambda is NaN");
    }
    return 2 / Math.PI * Math.atan(Math.exp(-lambda));
  }
}
