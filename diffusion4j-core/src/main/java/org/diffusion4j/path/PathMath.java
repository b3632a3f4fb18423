package org.diffusion4j.path;

/** Numerical helpers shared by the paths. */
public final class PathMath {
  private PathMath() {}

  /** log(1 + exp(x)) without overflow. */
  public static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  /**
   * Validates the noise-level range of an alpha = 1 path ({@link EdmPath}, {@link VePath}):
   * throws a one-line {@link IllegalArgumentException} naming {@code pathName} unless
   * 0 &lt; sigmaMin &lt; sigmaMax &lt; infinity.
   */
  public static void checkSigmaRange(String pathName, double sigmaMin, double sigmaMax) {
    if (!(sigmaMin > 0 && sigmaMax > sigmaMin && Double.isFinite(sigmaMax))) {
      throw new IllegalArgumentException(pathName + " needs 0 < sigma-min < sigma-max < inf, got sigma-min="
          + sigmaMin + ", sigma-max=" + sigmaMax);
    }
  }

  /**
   * Throws a clear {@link IllegalArgumentException} if {@code lambda} is NaN or outside
   * [lambda(tMax), lambda(tMin)] (with a relative slack of 1e-9 for round-off); closed-form
   * inverses call this first and then {@link #clampTime} their result.
   */
  public static void checkLambda(GaussianPath path, double lambda) {
    if (Double.isNaN(lambda)) {
      throw new IllegalArgumentException("lambda is NaN (path " + path.name() + ")");
    }
    double lo = path.lambda(path.tMax());
    double hi = path.lambda(path.tMin());
    double slack = 1e-9 * Math.max(1, Math.max(finiteAbs(lo), finiteAbs(hi)));
    if (!(lambda >= lo - slack && lambda <= hi + slack)) {
      throw new IllegalArgumentException(
          "lambda " + lambda + " is outside the range [" + lo + ", " + hi + "] of path " + path.name());
    }
  }

  private static double finiteAbs(double x) {
    return Double.isFinite(x) ? Math.abs(x) : 0;
  }

  /** {@code t} clamped into [tMin, tMax] (closed forms may step an ulp outside). */
  public static double clampTime(GaussianPath path, double t) {
    return Math.max(path.tMin(), Math.min(path.tMax(), t));
  }

  /**
   * Solves lambda(t) = target for t by safeguarded bisection/secant (Illinois regula falsi)
   * on [tMin, tMax], relying only on lambda being strictly decreasing.
   */
  public static double invertLambda(GaussianPath path, double target) {
    if (Double.isNaN(target)) {
      throw new IllegalArgumentException("lambda is NaN");
    }
    double lo = path.tMin();
    double hi = path.tMax();
    double lambdaLo = path.lambda(lo);
    double lambdaHi = path.lambda(hi);
    // Equality first: with an infinite end (lambda(0) = +inf) the difference would be NaN.
    if (lambdaLo == target) {
      return lo;
    }
    if (lambdaHi == target) {
      return hi;
    }
    double fLo = lambdaLo - target;
    double fHi = lambdaHi - target;
    if (fLo < 0 || fHi > 0) {
      throw new IllegalArgumentException("lambda " + target + " is outside the range [" + path.lambda(hi)
          + ", " + path.lambda(lo) + "] of path " + path.name());
    }
    // Infinite end values (lambda(0) = +inf for VP) cannot drive a secant: bisect until finite.
    int side = 0;
    for (int iter = 0; iter < 400; iter++) {
      double mid;
      if (Double.isFinite(fLo) && Double.isFinite(fHi)) {
        mid = (lo * fHi - hi * fLo) / (fHi - fLo);
        if (!(mid > lo && mid < hi)) {
          mid = 0.5 * (lo + hi);
        }
      } else {
        mid = 0.5 * (lo + hi);
      }
      double fMid = path.lambda(mid) - target;
      if (fMid == 0 || hi - lo <= 4 * Math.ulp(Math.max(Math.abs(lo), Math.abs(hi)))) {
        return mid;
      }
      if (fMid > 0) {
        lo = mid;
        fLo = fMid;
        if (side == -1) {
          fHi *= 0.5;
        }
        side = -1;
      } else {
        hi = mid;
        fHi = fMid;
        if (side == 1) {
          fLo *= 0.5;
        }
        side = 1;
      }
    }
    return 0.5 * (lo + hi);
  }
}
