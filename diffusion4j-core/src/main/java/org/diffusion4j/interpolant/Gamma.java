package org.diffusion4j.interpolant;

/**
 * The latent coefficient gamma(t) of a stochastic interpolant x_t = I(t, x0, x1) + gamma(t) z
 * (Albergo, Boffi &amp; Vanden-Eijnden 2023, "Stochastic Interpolants", Def. 2.1, Eq. 2.1):
 * gamma(0) = gamma(1) = 0 and gamma &gt; 0 on (0, 1) (or gamma = 0 for a deterministic
 * interpolant), with gamma^2 in C^2.
 *
 * <p>Only gamma and gamma gamma' = (gamma^2)'/2 enter the exact velocity and score (Eq. 2.10,
 * 2.12); gamma' itself is infinite at the ends for gamma = sqrt(a t (1 - t)), so solvers use
 * {@link #gammaGammaDot} which stays finite.
 */
public interface Gamma {
  /** Short name, e.g. {@code sqrt(2t(1-t))}. */
  String name();

  /** gamma(t). */
  double gamma(double t);

  /** gamma'(t); may be infinite at t = 0 or 1. */
  double gammaDot(double t);

  /** gamma(t) gamma'(t) = (gamma^2)'(t) / 2, finite on [0, 1]. */
  double gammaGammaDot(double t);

  /** gamma = 0: a deterministic interpolant (paper Sec. 2.4, gamma = 0 case). */
  static Gamma zero() {
    return new Zero();
  }

  /**
   * gamma(t) = sqrt(a t (1 - t)), a &gt; 0 (paper Sec. 3.1 / Table of gamma choices; a = 2 is
   * the Brownian-bridge choice). gamma gamma' = a (1 - 2t) / 2.
   */
  static Gamma sqrtBridge(double a) {
    return new SqrtBridge(a);
  }

  /** gamma(t) = sin^2(pi t), the latent of the encoder-decoder interpolant (paper Sec. 3). */
  static Gamma sinSquared() {
    return new SinSquared();
  }

  /** gamma = 0. */
  record Zero() implements Gamma {
    @Override public String name() {
      return "zero";
    }

    @Override public double gamma(double t) {
      return 0;
    }

    @Override public double gammaDot(double t) {
      return 0;
    }

    @Override public double gammaGammaDot(double t) {
      return 0;
    }
  }

  /** gamma = sqrt(a t (1 - t)). */
  record SqrtBridge(double a) implements Gamma {
    public SqrtBridge {
      if (!(a > 0) || !Double.isFinite(a)) {
        throw new IllegalArgumentException("gamma sqrt(a t(1-t)) needs finite a > 0, got a=" + a);
      }
    }

    @Override public String name() {
      return "sqrt(" + a + "t(1-t))";
    }

    @Override public double gamma(double t) {
      return Math.sqrt(a * t * (1 - t));
    }

    @Override public double gammaDot(double t) {
      return a * (1 - 2 * t) / (2 * gamma(t));
    }

    @Override public double gammaGammaDot(double t) {
      return 0.5 * a * (1 - 2 * t);
    }
  }

  /** gamma = sin^2(pi t). */
  record SinSquared() implements Gamma {
    @Override public String name() {
      return "sin^2(pi t)";
    }

    @Override public double gamma(double t) {
      double s = Math.sin(Math.PI * t);
      return s * s;
    }

    @Override public double gammaDot(double t) {
      return Math.PI * Math.sin(2 * Math.PI * t);
    }

    @Override public double gammaGammaDot(double t) {
      return gamma(t) * gammaDot(t);
    }
  }
}
