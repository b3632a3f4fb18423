package org.diffusion4j.interpolant.kinetic;

import org.diffusion4j.path.GaussianPath;

/**
 * Kinetic energy int E_{x ~ p_t} |u_t(x)|^2 dt of the marginal velocity field of a Gaussian path
 * on a dataset (Shaul et al. 2023, Sec. 3): evaluated through the data separation function as
 * d int [r'^2 + kappa(phi) r^2 phi'^2] dt (see {@link DataSeparation}), with composite 4-point
 * Gauss-Legendre quadrature. The energy is invariant under reversing time, so it is the same in
 * this library's data-to-noise time as in flow matching's noise-to-data time.
 */
public final class KineticEnergy {
  private static final double[] GL_X = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
  private static final double[] GL_W = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};

  private KineticEnergy() {}

  /** The kinetic energy of {@code path} over [tLo, tHi] for the data of {@code sep}, with {@code panels} panels. */
  public static double of(GaussianPath path, DataSeparation sep, double tLo, double tHi, int panels) {
    if (!(tLo >= path.tMin() && tHi <= path.tMax() && tLo < tHi)) {
      throw new IllegalArgumentException("energy interval [" + tLo + ", " + tHi + "] must lie in the path range ["
          + path.tMin() + ", " + path.tMax() + "] and be non-empty");
    }
    if (panels < 1) {
      throw new IllegalArgumentException("panels must be >= 1, got " + panels);
    }
    double c = sep.scale();
    double h = (tHi - tLo) / panels;
    double total = 0;
    for (int p = 0; p < panels; p++) {
      double mid = tLo + (p + 0.5) * h;
      for (int q = 0; q < GL_X.length; q++) {
        double t = mid + 0.5 * h * GL_X[q];
        total += 0.5 * h * GL_W[q] * integrand(path, sep, c, t);
      }
    }
    return sep.dim() * total;
  }

  /** Over the whole range of the path, 4000 panels. */
  public static double of(GaussianPath path, DataSeparation sep) {
    return of(path, sep, path.tMin(), path.tMax(), 4000);
  }

  /** E|u_t|^2 / d at time t. */
  static double integrand(GaussianPath path, DataSeparation sep, double c, double t) {
    double a = c * path.alpha(t);
    double aDot = c * path.alphaDot(t);
    double s = path.sigma(t);
    double sDot = path.sigmaDot(t);
    double r2 = a * a + s * s;
    double r = Math.sqrt(r2);
    double rDot = (a * aDot + s * sDot) / r;
    double phiDot = (s * aDot - a * sDot) / r2;
    double phi = Math.atan2(a, s);
    return rDot * rDot + sep.kappa(Math.min(0.5 * Math.PI, Math.max(0, phi))) * r2 * phiDot * phiDot;
  }
}
