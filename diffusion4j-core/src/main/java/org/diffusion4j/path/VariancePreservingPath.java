package org.diffusion4j.path;

/**
 * A variance-preserving Gaussian path, alpha(t)^2 + sigma(t)^2 = 1, defined by its
 * log alpha(t) and its drift f(t) = d log(alpha)/dt alone, as in DPM-Solver's
 * {@code NoiseScheduleVP} (Lu et al. 2022, Sec. 3 and Appendix D; Song et al. 2021, Eq. 11):
 * alpha = exp(log alpha), sigma = sqrt(1 - alpha^2) = sqrt(-expm1(2 log alpha)),
 * alpha' = f alpha, sigma' = -alpha^2 f / sigma, and g^2 = -2 f (because d(sigma^2)/dt = -2 f alpha^2).
 *
 * <p>Implementations override {@link #logAlpha} and {@link #drift}, and may override the
 * derived quantities where a direct form is more accurate.
 */
public interface VariancePreservingPath extends GaussianPath {
  /** log alpha(t), the quantity that defines the path. */
  @Override
  double logAlpha(double t);

  /** f(t) = d log(alpha)/dt, the drift of the forward SDE (beta(t) = -2 f). */
  @Override
  double drift(double t);

  /** alpha = exp(log alpha). */
  @Override
  default double alpha(double t) {
    return Math.exp(logAlpha(t));
  }

  /** sigma = sqrt(1 - alpha^2), written with expm1 to stay accurate as alpha -&gt; 1. */
  @Override
  default double sigma(double t) {
    return Math.sqrt(-Math.expm1(2 * logAlpha(t)));
  }

  /** log sigma = (1/2) log(1 - alpha^2). */
  @Override
  default double logSigma(double t) {
    return 0.5 * Math.log(-Math.expm1(2 * logAlpha(t)));
  }

  /** alpha' = f alpha. */
  @Override
  default double alphaDot(double t) {
    return drift(t) * alpha(t);
  }

  /** sigma' = -alpha^2 f / sigma (differentiate sigma^2 = 1 - alpha^2). */
  @Override
  default double sigmaDot(double t) {
    double a = alpha(t);
    return -a * a * drift(t) / sigma(t);
  }

  /** g^2 = d(sigma^2)/dt - 2 f sigma^2 = -2 f alpha^2 - 2 f sigma^2 = -2 f. */
  @Override
  default double diffusionSquared(double t) {
    return -2 * drift(t);
  }
}
