package org.diffusion4j.consistency;

import org.diffusion4j.path.GaussianPath;

/**
 * The noise levels and scalings of consistency models (Song, Dhariwal, Chen &amp; Sutskever 2023,
 * "Consistency Models", ICML; official code openai/consistency_models, {@code cm/karras_diffusion.py}
 * and {@code cm/script_util.py}, followed here), in EDM's noise level sigma of the scale-free
 * variable x~ = x/alpha (sigma = sigma(t)/alpha(t)), so that any Gaussian path can carry a
 * consistency model:
 * <ul>
 *   <li>boundary-condition scalings ({@code get_scalings_for_boundary_condition}):
 *       c_skip(sigma) = sigma_d^2/((sigma - eps)^2 + sigma_d^2),
 *       c_out(sigma) = sigma_d (sigma - eps)/sqrt(sigma_d^2 + sigma^2), so c_skip(eps) = 1 and c_out(eps) = 0
 *       exactly;</li>
 *   <li>Karras et al. (2022) discretisation ({@code consistency_losses}): sigma_i =
 *       (sigma_max^(1/rho) + i/(N-1) (eps^(1/rho) - sigma_max^(1/rho)))^rho, i = 0..N-1 (descending);</li>
 *   <li>consistency training's schedule ({@code create_ema_and_scales_fn}, "adaptive"/"progressive"):
 *       N(k) = max(ceil(sqrt(k/K ((s1 + 1)^2 - s0^2) + s0^2) - 1), 1) + 1 and target EMA
 *       mu(k) = exp(s0 log(mu0) / (N(k) - 1)).</li>
 * </ul>
 * Defaults (official): eps = 0.002, sigma_max = 80, sigma_d = 0.5, rho = 7.
 *
 * @param eps the smallest noise level (the boundary), &gt; 0
 * @param sigmaMax the largest noise level, &gt; eps
 * @param sigmaData the data standard deviation sigma_d, &gt; 0
 * @param rho the Karras schedule exponent, &gt; 0
 */
public record ConsistencySchedule(double eps, double sigmaMax, double sigmaData, double rho) {

  public ConsistencySchedule {
    if (!(eps > 0) || !(sigmaMax > eps) || Double.isInfinite(sigmaMax)) {
      throw new IllegalArgumentException("need 0 < eps < sigma-max < Inf, got eps=" + eps + ", sigma-max=" + sigmaMax);
    }
    if (!(sigmaData > 0) || Double.isInfinite(sigmaData) || !(rho > 0) || Double.isInfinite(rho)) {
      throw new IllegalArgumentException("sigma-data and rho must be positive and finite, got sigma-data=" + sigmaData
          + ", rho=" + rho);
    }
  }

  /** The official defaults: eps 0.002, sigma_max 80, sigma_d 0.5, rho 7. */
  public static ConsistencySchedule defaults() {
    return new ConsistencySchedule(0.002, 80, 0.5, 7);
  }

  public ConsistencySchedule withSigmaData(double s) {
    return new ConsistencySchedule(eps, sigmaMax, s, rho);
  }

  /** c_skip(sigma) relative to a boundary noise level {@code boundary} (normally {@link #eps}). */
  public double cSkip(double sigma, double boundary) {
    double u = sigma - boundary;
    double sd2 = sigmaData * sigmaData;
    return sd2 / (u * u + sd2);
  }

  /** c_out(sigma) relative to a boundary noise level {@code boundary} (normally {@link #eps}). */
  public double cOut(double sigma, double boundary) {
    return sigmaData * (sigma - boundary) / Math.sqrt(sigmaData * sigmaData + sigma * sigma);
  }

  /** EDM's (diffusion) c_skip = sigma_d^2/(sigma^2 + sigma_d^2) (Karras et al. 2022, Table 1). */
  public double edmCSkip(double sigma) {
    double sd2 = sigmaData * sigmaData;
    return sd2 / (sigma * sigma + sd2);
  }

  /** Noise level i of the N-level Karras grid, i = 0 (sigma_max) .. N-1 (eps). */
  public double karras(int i, int levels) {
    if (levels < 2 || i < 0 || i >= levels) {
      throw new IllegalArgumentException("Karras level i must be in [0, N-1] with N >= 2, got i=" + i + ", N=" + levels);
    }
    if (i == levels - 1) {
      return eps;
    }
    double a = Math.pow(sigmaMax, 1 / rho);
    double b = Math.pow(eps, 1 / rho);
    return Math.pow(a + (double) i / (levels - 1) * (b - a), rho);
  }

  /** Consistency training's number of levels N(k) at step k of K, from s0 to s1 levels. */
  public static int trainingLevels(long k, long total, int s0, int s1) {
    if (total < 1 || k < 0 || s0 < 1 || s1 < s0) {
      throw new IllegalArgumentException("need total >= 1, k >= 0 and 1 <= s0 <= s1, got k=" + k + ", total=" + total
          + ", s0=" + s0 + ", s1=" + s1);
    }
    double r = Math.min(1.0, (double) k / total);
    int scales = (int) Math.ceil(Math.sqrt(r * ((s1 + 1.0) * (s1 + 1.0) - (double) s0 * s0) + (double) s0 * s0) - 1);
    return Math.max(scales, 1) + 1;
  }

  /** Consistency training's target EMA decay for N levels: exp(s0 log(mu0) / (N - 1)). */
  public static double trainingTargetEma(double mu0, int s0, int levels) {
    return Math.exp(s0 * Math.log(mu0) / (levels - 1));
  }

  /** The noise level sigma(t)/alpha(t) of path time t. */
  public static double sigmaOf(GaussianPath path, double t) {
    return path.sigma(t) / path.alpha(t);
  }

  /** The path time whose noise level sigma(t)/alpha(t) is {@code sigma}: t(lambda = -log sigma). */
  public static double timeOf(GaussianPath path, double sigma) {
    return path.tOfLambda(-Math.log(sigma));
  }
}
