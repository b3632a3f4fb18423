package org.diffusion4j.path;

/**
 * A Gaussian probability path ("noise schedule"): x_t = alpha(t) x0 + sigma(t) eps with
 * eps ~ N(0, I). Time runs from data (t near {@link #tMin()}) to noise ({@link #tMax()}).
 *
 * <p>Every sampler, likelihood and loss in diffusion4j sees a path only through this
 * interface, so a new schedule works with all of them (the design of DPM-Solver's
 * {@code NoiseScheduleVP}, Lu et al. 2022, Sec. 3). The half log-SNR is
 * lambda(t) = log(alpha(t) / sigma(t)), strictly decreasing in t; {@link #tOfLambda} inverts it.
 *
 * <p>SDE view (Song et al. 2021, "Score-Based Generative Modeling through SDEs", Eq. 5 and
 * Appendix B; Kingma et al. 2021, "Variational Diffusion Models", Eq. 17): the forward SDE
 * dx = f(t) x dt + g(t) dW has these marginals when f = d log(alpha)/dt and
 * g^2 = d(sigma^2)/dt - 2 f sigma^2.
 */
public interface GaussianPath {
  /** Short name, e.g. {@code vp-linear}. */
  String name();

  /** Signal coefficient alpha(t) &gt; 0 (it may reach 0 only at {@link #tMax()}). */
  double alpha(double t);

  /** Noise coefficient sigma(t) &gt; 0 (it may reach 0 only at {@link #tMin()}). */
  double sigma(double t);

  /** d alpha / dt. */
  double alphaDot(double t);

  /** d sigma / dt. */
  double sigmaDot(double t);

  /** Smallest valid time (data end). */
  double tMin();

  /** Largest valid time (noise end). */
  double tMax();

  /** log alpha(t); overridden where a direct form is more accurate. */
  default double logAlpha(double t) {
    return Math.log(alpha(t));
  }

  /** log sigma(t); overridden where a direct form is more accurate. */
  default double logSigma(double t) {
    return Math.log(sigma(t));
  }

  /** Half log-SNR lambda(t) = log(alpha / sigma). Decreasing in t. */
  default double lambda(double t) {
    return logAlpha(t) - logSigma(t);
  }

  /** d lambda / dt = alpha'/alpha - sigma'/sigma (negative). */
  default double lambdaDot(double t) {
    return alphaDot(t) / alpha(t) - sigmaDot(t) / sigma(t);
  }

  /**
   * Inverse of {@link #lambda}: the t in [tMin, tMax] with lambda(t) = {@code lambda}.
   * Closed form where one exists; otherwise a bracketed root finder ({@link PathMath#invertLambda}).
   *
   * @throws IllegalArgumentException if {@code lambda} is outside [lambda(tMax), lambda(tMin)]
   */
  default double tOfLambda(double lambda) {
    return PathMath.invertLambda(this, lambda);
  }

  /** Drift coefficient of the forward SDE: f(t) = d log(alpha) / dt. */
  default double drift(double t) {
    return alphaDot(t) / alpha(t);
  }

  /** Squared diffusion coefficient of the forward SDE: g^2 = 2 sigma sigma' - 2 f sigma^2. */
  default double diffusionSquared(double t) {
    double s = sigma(t);
    return 2 * s * sigmaDot(t) - 2 * drift(t) * s * s;
  }

  /**
   * Standard deviation of the prior p_T used at t = {@code t} when sampling or computing
   * likelihoods: the marginal of x_t for data with zero mean and negligible spread,
   * sqrt(sigma(t)^2), i.e. N(0, sigma(T)^2 I). Paths that end at pure noise have alpha(T) ~ 0.
   */
  default double priorStd(double t) {
    return sigma(t);
  }

  /** Throws a clear error if {@code t} is outside this path's range. */
  default void checkTime(double t) {
    if (!(t >= tMin() && t <= tMax())) {
      throw new IllegalArgumentException(
          "time " + t + " is outside the valid range [" + tMin() + ", " + tMax() + "] of path " + name());
    }
  }
}
