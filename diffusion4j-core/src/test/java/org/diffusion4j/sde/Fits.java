package org.diffusion4j.sde;

/** Least-squares helpers for convergence-order tests. */
final class Fits {
  private Fits() {}

  /** Slope of log(err) against log(h). */
  static double logLogSlope(double[] h, double[] err) {
    int n = h.length;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
      double x = Math.log(h[i]);
      double y = Math.log(err[i]);
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }
}
