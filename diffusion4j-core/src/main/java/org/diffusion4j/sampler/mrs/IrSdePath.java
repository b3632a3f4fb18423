package org.diffusion4j.sampler.mrs;

import org.diffusion4j.path.GaussianPath;

/**
 * The base path of IR-SDE (Luo et al. 2023, "Image Restoration with Mean-Reverting Stochastic
 * Differential Equations", Eq. 2-4; official code {@code Algolzw/image-restoration-sde},
 * {@code codes/utils/sde_utils.py}, class {@code IRSDE}): the mean-reverting SDE
 * dx = theta_t (mu - x) dt + sigma_t dW with sigma_t^2 / theta_t = 2 lambda^2 has marginals
 * x_t = mu + (x0 - mu) e^(-theta_bar(t)) + lambda sqrt(1 - e^(-2 theta_bar(t))) eps, i.e.
 * alpha(t) = e^(-theta_bar(t)) and sigma(t) = lambda sqrt(1 - alpha(t)^2) around mu (use with
 * {@link MeanRevertingPath}). The stationary law is N(mu, lambda^2).
 *
 * <p>Schedule, continuous in t on [0, 1]: theta(u) = 1 - abar(u) with the cosine
 * abar(u) = cos^2(k (u + s)) / cos^2(k s), k = pi / (2 (1 + s)), s = 0.008 (the official
 * {@code cosine_theta_schedule}, which takes its betas as thetas), and
 * theta_bar(t) = c integral_0^t theta, with c chosen so that alpha(1) = {@code eps} (the official
 * normalisation {@code dt = -log(eps) / thetas_cumsum[-1]}, eps = 0.005). The official code
 * discretises the same schedule on T = 100 steps.
 *
 * @param lambda stationary standard deviation (official {@code max_sigma} / 255 in [0, 1] pixel
 *     units; double that for pixels in [-1, 1])
 * @param eps alpha at t = 1, in (0, 1)
 */
public record IrSdePath(double lambda, double eps) implements GaussianPath {
  private static final double S = 0.008;
  private static final double K = Math.PI / (2 * (1 + S));

  public IrSdePath {
    if (!(lambda > 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("IR-SDE lambda must be finite and > 0, got " + lambda);
    }
    if (!(eps > 0 && eps < 1)) {
      throw new IllegalArgumentException("IR-SDE eps (alpha at t = 1) must be in (0, 1), got " + eps);
    }
  }

  /** The official defaults: lambda = 10/255 in [0, 1] pixel units, i.e. 20/255 for pixels in [-1, 1]; eps = 0.005. */
  public static IrSdePath officialDefaults() {
    return new IrSdePath(20.0 / 255, 0.005);
  }

  private static double theta(double u) {
    double c = Math.cos(K * (u + S));
    double c0 = Math.cos(K * S);
    return 1 - c * c / (c0 * c0);
  }

  /** integral_0^u theta. */
  private static double integral(double u) {
    double c0 = Math.cos(K * S);
    double cosSquared = u / 2 + (Math.sin(2 * K * (u + S)) - Math.sin(2 * K * S)) / (4 * K);
    return u - cosSquared / (c0 * c0);
  }

  private double scale() {
    return -Math.log(eps) / integral(1);
  }

  /** theta_bar(t) = c integral_0^t theta. */
  public double thetaBar(double t) {
    return scale() * integral(t);
  }

  @Override
  public String name() {
    return "ir-sde";
  }

  @Override
  public double alpha(double t) {
    return Math.exp(-thetaBar(t));
  }

  @Override
  public double sigma(double t) {
    return lambda * Math.sqrt(-Math.expm1(-2 * thetaBar(t)));
  }

  @Override
  public double logAlpha(double t) {
    return -thetaBar(t);
  }

  @Override
  public double alphaDot(double t) {
    return -scale() * theta(t) * alpha(t);
  }

  @Override
  public double sigmaDot(double t) {
    double tb = thetaBar(t);
    double oneMinus = -Math.expm1(-2 * tb);
    if (oneMinus == 0) {
      return 0;
    }
    return lambda * scale() * theta(t) * Math.exp(-2 * tb) / Math.sqrt(oneMinus);
  }

  @Override
  public double tMin() {
    return 0;
  }

  @Override
  public double tMax() {
    return 1;
  }
}
