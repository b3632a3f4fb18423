package org.diffusion4j.path;

/** Numerical helpers shared by the paths. */
public final class PathMath {
  private PathMath() {}

  /** log(1 + exp(x)) without overflow. */
  public static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
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
    double fLo = path.lambda(lo) - target;
    double fHi = path.lambda(hi) - target;
    if (fLo == 0) {
      return lo;
    }
    if (fHi == 0) {
      return hi;
    }
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
