package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;

/**
 * Sampling-time conversions of the velocity of a one-sided interpolant x_t = alpha(t) x0 +
 * beta(t) x1 with x0 ~ N(0, I) (a flow-matching model), used by inference-time scaling (Kim, Yoon
 * &amp; Sung 2025, "Inference-Time Scaling for Flow Models via Stochastic Generation and Rollover
 * Budget Forcing": the ODE-to-SDE conversion and the interpolant conversion, e.g. linear to VP).
 *
 * <p>Score from velocity: with eta0 = E[x0 | x_t = x], eta1 = E[x1 | x_t = x], the identities
 * x = alpha eta0 + beta eta1 and b = alpha' eta0 + beta' eta1 give
 * eta0 = (beta b - beta' x) / (beta alpha' - alpha beta'), and Tweedie's formula for the Gaussian
 * x0 gives s = -eta0 / alpha (Albergo et al. 2023, Sec. 3.3, one-sided interpolants). With this
 * score the forward SDE dX = (b + eps s) dt + sqrt(2 eps) dW has the ODE's marginals for any
 * eps(t) (paper Cor. 2.11); s is singular at t = 1 (alpha = 0), so eps must vanish there.
 *
 * <p>Interpolant conversion: two one-sided interpolants with the same angle
 * theta = atan2(beta, alpha) have proportional states, x^(2)_t = c(t) x^(1)_tau(t) in law, with
 * theta_1(tau) = theta_2(t) and c = R_2(t) / R_1(tau), R = sqrt(alpha^2 + beta^2); hence
 * b_2(t, x) = (c'/c) x + c tau' b_1(tau, x / c), with tau' = theta_2'(t) / theta_1'(tau) and
 * theta' = (alpha beta' - beta alpha') / R^2. All terms are finite on the closed interval [0, 1].
 */
public final class FlowConversions {
  private FlowConversions() {}

  /**
   * The score field of a one-sided interpolant computed from its velocity field.
   *
   * @throws IllegalArgumentException if the interpolant is not one-sided
   */
  public static VectorField scoreFromVelocity(Interpolant oneSided, VectorField velocity) {
    requireOneSided(oneSided);
    return (x, t, out) -> {
      velocity.evaluate(x, t, out);
      scoreFromVelocityValue(oneSided, x, t, out, out);
    };
  }

  /**
   * The score at (t, x) from an already computed velocity value {@code b} = b(t, x), so a sampler
   * that holds b need not evaluate the model again; {@code out} may alias {@code b}.
   */
  public static void scoreFromVelocityValue(Interpolant oneSided, Batch x, double t, Batch b, Batch out) {
    requireOneSided(oneSided);
    double a = oneSided.alpha(t);
    double be = oneSided.beta(t);
    double ad = oneSided.alphaDot(t);
    double bd = oneSided.betaDot(t);
    double det = be * ad - a * bd;
    if (!(a > 1e-12) || det == 0) {
      throw new IllegalArgumentException("the score of " + oneSided.name() + " is singular at t=" + t
          + " (alpha = " + a + "); stop the SDE before t = 1 or let eps vanish there");
    }
    // s = -(beta b - beta' x) / (alpha det)
    out.setLinear(-be / (a * det), b, bd / (a * det), x);
  }

  /**
   * The velocity of the one-sided interpolant {@code to} computed from the velocity of the
   * one-sided interpolant {@code from} (same data, same Gaussian source).
   */
  public static VectorField convertVelocity(Interpolant from, VectorField velocityFrom, Interpolant to) {
    requireOneSided(from);
    requireOneSided(to);
    return (x, t, out) -> {
      Interpolant.checkTime(t);
      double theta = angle(to, t);
      double tau = inverseAngle(from, theta);
      double r2 = radius(to, t);
      double r1 = radius(from, tau);
      double c = r2 / r1;
      double tauDot = angleDot(to, t) / angleDot(from, tau);
      double cDot = (radiusDot(to, t) * r1 - r2 * radiusDot(from, tau) * tauDot) / (r1 * r1);
      Batch scaled = new Batch(x.n(), x.d()).setScaled(1 / c, x);
      velocityFrom.evaluate(scaled, tau, out);
      out.setLinear(c * tauDot, out, cDot / c, x);
    };
  }

  /**
   * A model of any prediction kind on a Gaussian path (e.g. a trained network) as the velocity
   * field of the one-sided interpolant in interpolant time u in [0, 1] (noise at 0, data at 1):
   * path time t = tMax - u (tMax - tMin) and b(u, x) = -(tMax - tMin) v(x, t), v the model's
   * velocity alpha' x0 + sigma' eps ({@link Predictions#as}). For cond-OT this is exactly the
   * velocity of {@link Interpolant#oneSidedLinear()}, for trig of
   * {@link Interpolant#oneSidedTrigonometric()}, so the generator, straightness, SDE conversion
   * and rollover budget forcing apply to trained flow models.
   */
  public static VectorField velocityOf(Denoiser model, GaussianPath path) {
    Denoiser velocity = Predictions.as(model, path, Prediction.VELOCITY);
    double lo = path.tMin();
    double span = path.tMax() - lo;
    return (x, u, out) -> {
      Interpolant.checkTime(u);
      double t = Math.min(path.tMax(), Math.max(lo, path.tMax() - u * span));
      velocity.predict(x, t, out);
      out.scale(-span);
    };
  }

  static double angle(Interpolant it, double t) {
    return Math.atan2(it.beta(t), it.alpha(t));
  }

  static double radius(Interpolant it, double t) {
    return Math.hypot(it.alpha(t), it.beta(t));
  }

  static double radiusDot(Interpolant it, double t) {
    return (it.alpha(t) * it.alphaDot(t) + it.beta(t) * it.betaDot(t)) / radius(it, t);
  }

  static double angleDot(Interpolant it, double t) {
    double r = radius(it, t);
    return (it.alpha(t) * it.betaDot(t) - it.beta(t) * it.alphaDot(t)) / (r * r);
  }

  /** The tau in [0, 1] with angle(tau) = theta, by bisection (the angle increases from 0 to pi/2). */
  static double inverseAngle(Interpolant it, double theta) {
    double lo = 0;
    double hi = 1;
    if (theta <= 0) {
      return 0;
    }
    if (theta >= 0.5 * Math.PI) {
      return 1;
    }
    for (int i = 0; i < 100 && hi - lo > 1e-16; i++) {
      double mid = 0.5 * (lo + hi);
      if (angle(it, mid) < theta) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  private static void requireOneSided(Interpolant it) {
    if (!it.gaussianSource()) {
      throw new IllegalArgumentException("interpolant " + it.name()
          + " is not one-sided (Gaussian x0, gamma = 0); its score cannot be recovered from its velocity alone");
    }
  }
}
