package org.diffusion4j.interpolant;

import org.diffusion4j.array.Batch;
import org.diffusion4j.path.FunctionPath;
import org.diffusion4j.path.GaussianPath;

/**
 * A spatially linear stochastic interpolant x_t = alpha(t) x0 + beta(t) x1 + gamma(t) z between
 * x0 ~ rho0 and x1 ~ rho1, z ~ N(0, I) independent of (x0, x1) (Albergo, Boffi &amp;
 * Vanden-Eijnden 2023, "Stochastic Interpolants", Def. 2.1, Eq. 2.1 with I(t, x0, x1) =
 * alpha(t) x0 + beta(t) x1 as in Sec. 3, Eq. 3.1 / 4.1). The target of the velocity b is
 * dI/dt + gamma' z = alpha' x0 + beta' x1 + gamma' z (Eq. 2.10).
 *
 * <p>Families (paper Sec. 3, table of interpolants): {@link #linear}, {@link #trigonometric},
 * {@link #encoderDecoder}, the one-sided interpolants ({@link #oneSidedLinear},
 * {@link #oneSidedTrigonometric}: rho0 = N(0, I) and gamma = 0, because the Gaussian x0 already is
 * the latent, Sec. 3.3) and the {@link #mirror} interpolant x_t = x1 + gamma z (rho0 = rho1 with
 * x0 = x1, Sec. 3.4; written here as alpha = 0, beta = 1).
 *
 * @param name short name
 * @param kind which family, for the boundary conditions and the pairing of x0 with x1
 * @param gamma the latent coefficient
 */
public record Interpolant(String name, Kind kind, Gamma gamma) {
  /** The families; each fixes alpha and beta. */
  public enum Kind {
    /** alpha = 1 - t, beta = t. */
    LINEAR,
    /** alpha = cos(pi t / 2), beta = sin(pi t / 2). */
    TRIGONOMETRIC,
    /** alpha = cos^2(pi t) 1[t &lt; 1/2], beta = cos^2(pi t) 1[t &gt; 1/2], gamma = sin^2(pi t). */
    ENCODER_DECODER,
    /** Linear alpha, beta with Gaussian x0 and gamma = 0. */
    ONE_SIDED_LINEAR,
    /** Trigonometric alpha, beta with Gaussian x0 and gamma = 0. */
    ONE_SIDED_TRIGONOMETRIC,
    /** alpha = 0, beta = 1 and x0 = x1: x_t = x1 + gamma z. */
    MIRROR
  }

  public Interpolant {
    if (name == null || kind == null || gamma == null) {
      throw new IllegalArgumentException("interpolant needs a name, a kind and a gamma");
    }
    boolean zero = gamma instanceof Gamma.Zero;
    if ((kind == Kind.ONE_SIDED_LINEAR || kind == Kind.ONE_SIDED_TRIGONOMETRIC) && !zero) {
      throw new IllegalArgumentException("one-sided interpolant " + name + " needs gamma = 0 (x0 is the latent)");
    }
    if ((kind == Kind.MIRROR || kind == Kind.ENCODER_DECODER) && zero) {
      throw new IllegalArgumentException(kind + " interpolant " + name + " needs gamma > 0 on (0, 1)");
    }
  }

  /** alpha = 1 - t, beta = t (paper Sec. 3, "linear"). */
  public static Interpolant linear(Gamma gamma) {
    return new Interpolant("linear", Kind.LINEAR, gamma);
  }

  /** alpha = cos(pi t/2), beta = sin(pi t/2) ("trigonometric"). */
  public static Interpolant trigonometric(Gamma gamma) {
    return new Interpolant("trig", Kind.TRIGONOMETRIC, gamma);
  }

  /**
   * Encoder-decoder: x_t = cos^2(pi t)(1[t &lt; 1/2] x0 + 1[t &gt; 1/2] x1) + sin^2(pi t) z; rho0
   * is encoded to pure noise at t = 1/2 and decoded into rho1 (paper Sec. 3, "encoder-decoder").
   */
  public static Interpolant encoderDecoder() {
    return new Interpolant("encoder-decoder", Kind.ENCODER_DECODER, Gamma.sinSquared());
  }

  /** One-sided linear: x0 ~ N(0, I), x_t = (1 - t) x0 + t x1 (flow matching / rectified flow). */
  public static Interpolant oneSidedLinear() {
    return new Interpolant("one-sided-linear", Kind.ONE_SIDED_LINEAR, Gamma.zero());
  }

  /** One-sided trigonometric: x0 ~ N(0, I), x_t = cos(pi t/2) x0 + sin(pi t/2) x1. */
  public static Interpolant oneSidedTrigonometric() {
    return new Interpolant("one-sided-trig", Kind.ONE_SIDED_TRIGONOMETRIC, Gamma.zero());
  }

  /** Mirror: x_t = x1 + gamma(t) z, bridging rho1 to itself (x0 = x1). */
  public static Interpolant mirror(Gamma gamma) {
    return new Interpolant("mirror", Kind.MIRROR, gamma);
  }

  /** Whether x0 must be standard normal (one-sided interpolants). */
  public boolean gaussianSource() {
    return kind == Kind.ONE_SIDED_LINEAR || kind == Kind.ONE_SIDED_TRIGONOMETRIC;
  }

  /** Throws a clear error if {@code t} is outside [0, 1]. */
  public static void checkTime(double t) {
    if (!(t >= 0 && t <= 1)) {
      throw new IllegalArgumentException("interpolant time " + t + " is outside [0, 1]");
    }
  }

  /** alpha(t), the coefficient of x0. */
  public double alpha(double t) {
    return switch (kind) {
      case LINEAR, ONE_SIDED_LINEAR -> 1 - t;
      case TRIGONOMETRIC, ONE_SIDED_TRIGONOMETRIC -> Math.cos(0.5 * Math.PI * t);
      case ENCODER_DECODER -> t < 0.5 ? cos2(t) : 0;
      case MIRROR -> 0;
    };
  }

  /** beta(t), the coefficient of x1. */
  public double beta(double t) {
    return switch (kind) {
      case LINEAR, ONE_SIDED_LINEAR -> t;
      case TRIGONOMETRIC, ONE_SIDED_TRIGONOMETRIC -> Math.sin(0.5 * Math.PI * t);
      case ENCODER_DECODER -> t > 0.5 ? cos2(t) : 0;
      case MIRROR -> 1;
    };
  }

  /** alpha'(t). */
  public double alphaDot(double t) {
    return switch (kind) {
      case LINEAR, ONE_SIDED_LINEAR -> -1;
      case TRIGONOMETRIC, ONE_SIDED_TRIGONOMETRIC -> -0.5 * Math.PI * Math.sin(0.5 * Math.PI * t);
      case ENCODER_DECODER -> t < 0.5 ? cos2Dot(t) : 0;
      case MIRROR -> 0;
    };
  }

  /** beta'(t). */
  public double betaDot(double t) {
    return switch (kind) {
      case LINEAR, ONE_SIDED_LINEAR -> 1;
      case TRIGONOMETRIC, ONE_SIDED_TRIGONOMETRIC -> 0.5 * Math.PI * Math.cos(0.5 * Math.PI * t);
      case ENCODER_DECODER -> t > 0.5 ? cos2Dot(t) : 0;
      case MIRROR -> 0;
    };
  }

  /** gamma(t). */
  public double gamma(double t) {
    return gamma.gamma(t);
  }

  /** gamma(t) gamma'(t), finite at the ends. */
  public double gammaGammaDot(double t) {
    return gamma.gammaGammaDot(t);
  }

  private static double cos2(double t) {
    double c = Math.cos(Math.PI * t);
    return c * c;
  }

  /** d/dt cos^2(pi t) = -pi sin(2 pi t); continuous (zero) at t = 1/2. */
  private static double cos2Dot(double t) {
    return -Math.PI * Math.sin(2 * Math.PI * t);
  }

  /**
   * Fills {@code xt} = alpha x0 + beta x1 + gamma z and, if {@code target} is not null, the
   * velocity regression target alpha' x0 + beta' x1 + gamma' z (Eq. 2.10; needs 0 &lt; t &lt; 1
   * when gamma' is infinite at the ends).
   */
  public void sample(double t, Batch x0, Batch x1, Batch z, Batch xt, Batch target) {
    checkTime(t);
    xt.setLinear(alpha(t), x0, beta(t), x1, gamma(t), z);
    if (target != null) {
      target.setLinear(alphaDot(t), x0, betaDot(t), x1, gamma.gammaDot(t), z);
    }
  }

  /**
   * A one-sided interpolant as the equivalent {@link GaussianPath} in this library's time
   * (t' = 1 - t: data at 0, noise at 1): alpha_path(t') = beta(1 - t'), sigma_path(t') =
   * alpha(1 - t') (paper Sec. 3.3: one-sided interpolants are the Gaussian paths of score-based
   * diffusion and flow matching). One-sided linear is cond-OT, one-sided trigonometric is trig;
   * every sampler then runs on it.
   *
   * @throws IllegalStateException if this interpolant is not one-sided
   */
  public GaussianPath toGaussianPath() {
    if (!gaussianSource()) {
      throw new IllegalStateException("interpolant " + name + " is not one-sided; only those are Gaussian paths");
    }
    return FunctionPath.of(name, u -> beta(1 - u), u -> alpha(1 - u), u -> -betaDot(1 - u), u -> -alphaDot(1 - u), 0, 1);
  }
}
