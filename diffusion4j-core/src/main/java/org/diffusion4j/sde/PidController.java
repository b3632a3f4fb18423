package org.diffusion4j.sde;

/**
 * Adaptive step-size control for SDEs by step doubling on a reproducible Brownian path: each
 * step of size h is compared with two steps of size h/2 on the same Brownian path (so the
 * difference is a local error estimate, Burrage &amp; Burrage 2002; Lamba 2003); a step is accepted
 * when the RMS of err_i / (atol + rtol max(|y_i|, |y'_i|)) is at most 1 and the next size is the
 * PI rule of Gustafsson (Hairer &amp; Wanner II, eq. IV.2.43):
 * h' = h * clamp(safety * err^(-alpha/k) * errPrev^(beta/k), factorMin, factorMax),
 * k = strong order + 1/2. A rejected step is retried on the same path, which needs a
 * {@link BrownianTree}. The accepted value is the two-half-step solution.
 */
public record PidController(double rtol, double atol, double alpha, double beta, double safety,
    double factorMin, double factorMax, double dtMin, double dtMax, double dt0) {

  public PidController {
    if (!(rtol >= 0) || !(atol >= 0) || rtol + atol == 0 || !Double.isFinite(rtol + atol)) {
      throw new IllegalArgumentException("need rtol >= 0, atol >= 0, not both 0, got rtol=" + rtol + ", atol=" + atol);
    }
    if (!(dtMin > 0) || !(dtMax >= dtMin) || !(dt0 > 0)) {
      throw new IllegalArgumentException("need 0 < dtMin <= dtMax and dt0 > 0, got dtMin=" + dtMin
          + ", dtMax=" + dtMax + ", dt0=" + dt0);
    }
    if (!(factorMin > 0 && factorMin < 1 && factorMax > 1 && safety > 0 && safety <= 1)) {
      throw new IllegalArgumentException("need 0 < factorMin < 1 < factorMax and 0 < safety <= 1");
    }
  }

  /** Defaults: PI coefficients 0.7 / 0.4, safety 0.9, factors [0.2, 5], dt0 = 0.01, dt in [1e-10, inf). */
  public static PidController of(double rtol, double atol) {
    return new PidController(rtol, atol, 0.7, 0.4, 0.9, 0.2, 5.0, 1e-10, Double.POSITIVE_INFINITY, 0.01);
  }

  /** The same controller with another initial step. */
  public PidController withDt0(double dt) {
    return new PidController(rtol, atol, alpha, beta, safety, factorMin, factorMax, dtMin, dtMax, dt);
  }

  /** The same controller with bounds on the step. */
  public PidController withBounds(double min, double max) {
    return new PidController(rtol, atol, alpha, beta, safety, factorMin, factorMax, min, max, dt0);
  }

  /** The factor for the next step after an error {@code err} (previous accepted {@code errPrev}). */
  double factor(double err, double errPrev, double order, boolean accepted) {
    double k = order + 0.5;
    if (!(err > 0)) {
      return factorMax;
    }
    double fac = safety * Math.pow(err, -alpha / k);
    if (accepted) {
      fac *= Math.pow(errPrev, beta / k);
    }
    return Math.min(factorMax, Math.max(factorMin, fac));
  }
}
