package org.diffusion4j.path;

/**
 * A variance-exploding Gaussian path, x_t = x0 + sigma(t) eps: alpha = 1, so log alpha = 0,
 * alpha' = 0 and the forward SDE has no drift, dx = sqrt(d sigma^2 / dt) dW (Song et al. 2021,
 * Eq. 9; Karras et al. 2022, Table 1). Implementations state only sigma(t), its derivative and
 * their range.
 */
public interface VarianceExplodingPath extends GaussianPath {
  /** alpha = 1. */
  @Override
  default double alpha(double t) {
    return 1;
  }

  /** log alpha = 0. */
  @Override
  default double logAlpha(double t) {
    return 0;
  }

  /** alpha' = 0. */
  @Override
  default double alphaDot(double t) {
    return 0;
  }

  /** f = d log(alpha)/dt = 0. */
  @Override
  default double drift(double t) {
    return 0;
  }
}
