package org.diffusion4j.nn.graph;

/**
 * One of GDSS's forward SDEs (official code harryjo97/GDSS, sde.py), used for the node features X
 * and for the adjacency A separately; all coefficients are scalars of t in [0, 1].
 *
 * <ul>
 *   <li>VP: dx = -beta(t)/2 x dt + sqrt(beta(t)) dw, beta(t) = min + t (max - min) (min =
 *       beta_min, max = beta_max); marginal x_t = m(t) x_0 + std(t) z with
 *       log m(t) = -t^2 (max - min)/4 - t min/2 and std(t) = sqrt(1 - m(t)^2);</li>
 *   <li>VE: dx = sigma(t) sqrt(2 ln(max/min)) dw, sigma(t) = min (max/min)^t (min = sigma_min,
 *       max = sigma_max, as GDSS's loader passes beta_min/beta_max to VESDE); x_t = x_0 +
 *       sigma(t) z.</li>
 * </ul>
 * The discrete quantities (DDPM betas linspace(min/N, max/N, N), NCSN sigmas
 * exp(linspace(ln min, ln max, N)), timestep index (long) (t (N - 1))) are sde.py's, used by its
 * reverse-diffusion predictor and Langevin step size; {@link #transitionMean}/{@link #transitionStd}
 * are sde.py's {@code transition}, the exact linear part used by the S4 solver.
 *
 * @param type VP or VE
 * @param min beta_min (VP) or sigma_min (VE)
 * @param max beta_max (VP) or sigma_max (VE)
 * @param scales N, the number of discretisation steps ({@code num_scales})
 */
public record GdssSde(Type type, double min, double max, int scales) {

  /** The SDE kinds of GDSS's configs. */
  public enum Type {
    VP,
    VE
  }

  public GdssSde {
    if (type == null) {
      throw new IllegalArgumentException("GDSS SDE type must be vp or ve");
    }
    if (!(min > 0) || !(max > min) || !Double.isFinite(max)) {
      throw new IllegalArgumentException("GDSS " + type + " SDE needs 0 < min < max, got min=" + min + ", max=" + max);
    }
    if (scales < 1) {
      throw new IllegalArgumentException("GDSS SDE num_scales must be >= 1, got " + scales);
    }
  }

  /** VP with GDSS's beta range. */
  public static GdssSde vp(double betaMin, double betaMax, int scales) {
    return new GdssSde(Type.VP, betaMin, betaMax, scales);
  }

  /** VE with GDSS's sigma range. */
  public static GdssSde ve(double sigmaMin, double sigmaMax, int scales) {
    return new GdssSde(Type.VE, sigmaMin, sigmaMax, scales);
  }

  private double beta(double t) {
    return min + t * (max - min);
  }

  private double sigma(double t) {
    return min * Math.pow(max / min, t);
  }

  /** m(t): the marginal mean is m(t) x_0. */
  public double meanCoefficient(double t) {
    return type == Type.VP ? Math.exp(-0.25 * t * t * (max - min) - 0.5 * t * min) : 1.0;
  }

  /** std(t) of the marginal (marginal_prob). */
  public double std(double t) {
    if (type == Type.VP) {
      double m = meanCoefficient(t);
      return Math.sqrt(1 - m * m);
    }
    return sigma(t);
  }

  /** f(t) with drift f(t) x. */
  public double driftCoefficient(double t) {
    return type == Type.VP ? -0.5 * beta(t) : 0.0;
  }

  /** g(t), the diffusion coefficient. */
  public double diffusion(double t) {
    return type == Type.VP ? Math.sqrt(beta(t)) : sigma(t) * Math.sqrt(2 * (Math.log(max) - Math.log(min)));
  }

  /** sde.py's discrete timestep index (long) (t (N - 1)) (T = 1). */
  public int timestep(double t) {
    return (int) (long) (t * (scales - 1));
  }

  /** The Langevin step factor alpha: DDPM alpha_k = 1 - beta_k for VP, 1 for VE (solver.py). */
  public double langevinAlpha(double t) {
    return langevinAlphaAtStep(timestep(t));
  }

  /** alpha at discrete timestep k (S4 indexes both SDEs with X's timestep). */
  public double langevinAlphaAtStep(int k) {
    return type == Type.VP ? 1 - discreteBeta(k) : 1.0;
  }

  private double discreteBeta(int k) {
    // torch.linspace(min / N, max / N, N)[k]
    double lo = min / scales;
    double hi = max / scales;
    return scales == 1 ? lo : lo + (hi - lo) * k / (scales - 1);
  }

  private double discreteSigma(int k) {
    double lo = Math.log(min);
    double hi = Math.log(max);
    return Math.exp(scales == 1 ? lo : lo + (hi - lo) * k / (scales - 1));
  }

  /**
   * sde.py {@code discretize} (DDPM for VP, NCSN for VE): returns {a, G} with f = a x the
   * discrete drift and G the discrete noise scale at t.
   */
  public double[] discretize(double t) {
    int k = timestep(t);
    if (type == Type.VP) {
      double beta = discreteBeta(k);
      return new double[] {Math.sqrt(1 - beta) - 1, Math.sqrt(beta)};
    }
    double s = discreteSigma(k);
    double prev = k == 0 ? 0 : discreteSigma(k - 1);
    return new double[] {0, Math.sqrt(s * s - prev * prev)};
  }

  /**
   * sde.py {@code transition(x, t, dt)} with dt &lt; 0: mean factor m(t + dt) / m(t) (VP; 1 for
   * VE).
   */
  public double transitionMean(double t, double dt) {
    if (type == Type.VE) {
      return 1.0;
    }
    return Math.exp(-0.25 * dt * (2 * min + (2 * t + dt) * (max - min)));
  }

  /**
   * sde.py {@code transition} std: sqrt(1 - (m(t)/m(t + dt))^2) for VP, sqrt(sigma(t)^2 -
   * sigma(t + dt)^2) for VE.
   */
  public double transitionStd(double t, double dt) {
    if (type == Type.VP) {
      double logMean = 0.25 * dt * (2 * min + (2 * t + dt) * (max - min));
      return Math.sqrt(1 - Math.exp(2 * logMean));
    }
    double a = sigma(t);
    double b = sigma(t + dt);
    return Math.sqrt(a * a - b * b);
  }
}
