package org.diffusion4j.nn.objective;

import org.diffusion4j.path.GaussianPath;

/**
 * How a raw network output F becomes a prediction at time t, shared by training and sampling:
 * prediction = c_skip x + c_out F(c_in x, c_noise) (Karras et al. 2022, Eq. 7).
 *
 * <p>For every objective but EDM (and PFGM++, which uses EDM's): c_in = 1, c_skip = 0, c_out = 1 and c_noise is the
 * normalised time (t - tMin)/(tMax - tMin). For EDM, with sigma_e = sigma/alpha and the data
 * standard deviation sigma_d (Karras et al. 2022, Table 1, applied to x/alpha):
 * c_in = 1/(alpha sqrt(sigma_e^2 + sigma_d^2)), c_skip = sigma_d^2/((sigma_e^2 + sigma_d^2) alpha),
 * c_out = sigma_e sigma_d/sqrt(sigma_e^2 + sigma_d^2), c_noise = log(sigma_e)/4.
 */
public record Parameterisation(double cIn, double cSkip, double cOut, double cNoise) {

  /** The parameterisation of {@code objective} on {@code path} at time {@code t}. */
  public static Parameterisation of(Objective objective, GaussianPath path, double sigmaData, double t) {
    if (!objective.edmPreconditioned()) {
      return new Parameterisation(1, 0, 1, (t - path.tMin()) / (path.tMax() - path.tMin()));
    }
    double a = path.alpha(t);
    double se = path.sigma(t) / a;
    double sd2 = sigmaData * sigmaData;
    double r = Math.sqrt(se * se + sd2);
    return new Parameterisation(1 / (a * r), sd2 / ((se * se + sd2) * a), se * sigmaData / r, 0.25 * Math.log(se));
  }

  /**
   * c_K with |K_hat - K|^2 = c_K^2 |eps_hat - eps|^2 for the objective's target K at time t:
   * eps 1, x0 sigma/alpha, v (alpha^2 + sigma^2)/alpha, velocity sigma' - alpha' sigma/alpha,
   * score 1/sigma (all from x = alpha x0 + sigma eps with x fixed).
   */
  public static double epsScale(Objective objective, GaussianPath path, double t) {
    double a = path.alpha(t);
    double s = path.sigma(t);
    return switch (objective.prediction()) {
      case EPSILON -> 1;
      case X0 -> s / a;
      case V -> (a * a + s * s) / a;
      case VELOCITY -> path.sigmaDot(t) - path.alphaDot(t) * s / a;
      case SCORE -> 1 / s;
    };
  }

  /** The weight on the objective's own squared error at t. */
  public static double weight(Objective objective, Weighting weighting, GaussianPath path, double t) {
    if (weighting == Weighting.NONE) {
      return 1;
    }
    double a = path.alpha(t);
    double s = path.sigma(t);
    double snr = a * a / (s * s);
    double c = epsScale(objective, path, t);
    return switch (weighting) {
      case NONE -> 1;
      case SNR -> snr / (c * c);
      case MIN_SNR -> Math.min(snr, Weighting.MIN_SNR_GAMMA) / snr / (c * c);
      case SIGMA2 -> s * s;
    };
  }
}
