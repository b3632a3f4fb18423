package org.diffusion4j.interpolant.kinetic;

import org.diffusion4j.path.GaussianPath;

/**
 * The kinetic-optimal Gaussian path of a dataset (Shaul, Chen, Nickel, Le &amp; Lipman 2023, "On
 * Kinetic Optimal Probability Paths for Generative Models", Sec. 3-4), tabulated and usable as a
 * {@link GaussianPath} by training and every sampler (time 0 = data, 1 = noise, as all paths).
 *
 * <p>With the data separation kappa ({@link DataSeparation}) the kinetic energy of the path
 * (alpha, sigma) is d int [r'^2 + kappa(phi) r^2 phi'^2] dt in the polar coordinates
 * a = c alpha = r sin(phi), sigma = r cos(phi). Introducing the angle psi by the 1-D ODE
 * <pre>  d psi / d phi = sqrt(kappa(phi)),  psi(0) = 0,</pre>
 * (our form of the paper's 1-D characterisation, observation (ii)) the metric becomes the flat
 * dr^2 + r^2 dpsi^2, whose geodesics are straight chords traversed at constant speed. The
 * kinetic-optimal path is therefore the chord from the noise point (r, psi) = (1, 0) to the data
 * point (c, Psi), Psi = psi(pi/2) &lt;= pi/2, mapped back through phi = Phi(psi); its energy is
 * d (1 + c^2 - 2 c cos Psi) &lt;= d (1 + c^2) = m2 + d, the cond-OT energy (equality iff kappa = 1).
 *
 * <p>The ODE is integrated by the trapezoid rule on the grid of {@link DataSeparation}; phi(psi)
 * is a monotone (Fritsch-Carlson limited) cubic Hermite interpolant with node slopes
 * 1/sqrt(kappa), so alpha and sigma are C^1 and their derivatives here are exact derivatives of
 * the interpolant. kappa is floored at {@code kappaFloor} (where kappa = 0 moving in phi is free
 * and the exact path jumps; the floor keeps it a regular path).
 */
public final class KineticOptimalPath implements GaussianPath {
  /** Default floor of kappa: bounds d phi / d psi by 1000. */
  public static final double DEFAULT_KAPPA_FLOOR = 1e-6;

  private final double c;
  private final int dim;
  private final double bigPsi;
  private final double[] psiNodes;
  private final double[] phiNodes;
  private final double[] slopes;
  private final double energy;

  private KineticOptimalPath(DataSeparation sep, double kappaFloor) {
    c = sep.scale();
    dim = sep.dim();
    int nodes = sep.nodes();
    phiNodes = new double[nodes + 1];
    psiNodes = new double[nodes + 1];
    double[] root = new double[nodes + 1];
    for (int k = 0; k <= nodes; k++) {
      phiNodes[k] = sep.phi(k);
      root[k] = Math.sqrt(Math.max(kappaFloor, sep.kappaAt(k)));
    }
    for (int k = 1; k <= nodes; k++) {
      psiNodes[k] = psiNodes[k - 1] + 0.5 * (root[k - 1] + root[k]) * (phiNodes[k] - phiNodes[k - 1]);
    }
    bigPsi = psiNodes[nodes];
    slopes = new double[nodes + 1];
    for (int k = 0; k <= nodes; k++) {
      slopes[k] = 1 / root[k];
    }
    // Fritsch-Carlson: slopes at most 3x the adjacent secants keep the Hermite cubic monotone.
    for (int k = 0; k < nodes; k++) {
      double secant = (phiNodes[k + 1] - phiNodes[k]) / (psiNodes[k + 1] - psiNodes[k]);
      slopes[k] = Math.min(slopes[k], 3 * secant);
      slopes[k + 1] = Math.min(slopes[k + 1], 3 * secant);
    }
    energy = dim * (1 + c * c - 2 * c * Math.cos(bigPsi));
  }

  /** The kinetic-optimal path of the data whose separation function is {@code sep}. */
  public static KineticOptimalPath of(DataSeparation sep) {
    return new KineticOptimalPath(sep, DEFAULT_KAPPA_FLOOR);
  }

  /** As {@link #of(DataSeparation)} with a chosen floor of kappa in (0, 1]. */
  public static KineticOptimalPath of(DataSeparation sep, double kappaFloor) {
    if (!(kappaFloor > 0 && kappaFloor <= 1)) {
      throw new IllegalArgumentException("kappa floor must be in (0, 1], got " + kappaFloor);
    }
    return new KineticOptimalPath(sep, kappaFloor);
  }

  /** Psi = psi(pi/2), the total angle in the flat coordinates (pi/2 for cond-OT). */
  public double totalAngle() {
    return bigPsi;
  }

  /** The path's kinetic energy in closed form, d (1 + c^2 - 2 c cos Psi) (squared chord length times d). */
  public double kineticEnergy() {
    return energy;
  }

  /** State (alpha, sigma, alpha', sigma') at time t. */
  private double[] state(double t) {
    double tau = 1 - t;
    double px = (1 - tau) + tau * c * Math.cos(bigPsi);
    double py = tau * c * Math.sin(bigPsi);
    double dx = c * Math.cos(bigPsi) - 1;
    double dy = c * Math.sin(bigPsi);
    double r = Math.hypot(px, py);
    double rDot = (px * dx + py * dy) / r;
    double psi = Math.min(bigPsi, Math.max(0, Math.atan2(py, px)));
    double psiDot = (px * dy - py * dx) / (r * r);
    double[] ph = phiOfPsi(psi);
    double phi = ph[0];
    double phiDot = ph[1] * psiDot;
    double sin = Math.sin(phi);
    double cos = Math.cos(phi);
    // d/dt = -d/dtau.
    double alpha = r * sin / c;
    double sigma = r * cos;
    double alphaDot = -(rDot * sin + r * cos * phiDot) / c;
    double sigmaDot = -(rDot * cos - r * sin * phiDot);
    return new double[] {alpha, sigma, alphaDot, sigmaDot};
  }

  /** phi(psi) and d phi / d psi from the Hermite table. */
  private double[] phiOfPsi(double psi) {
    int lo = 0;
    int hi = psiNodes.length - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (psiNodes[mid] <= psi) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double h = psiNodes[hi] - psiNodes[lo];
    double u = (psi - psiNodes[lo]) / h;
    double p0 = phiNodes[lo];
    double p1 = phiNodes[hi];
    double m0 = slopes[lo] * h;
    double m1 = slopes[hi] * h;
    double u2 = u * u;
    double u3 = u2 * u;
    double value = (2 * u3 - 3 * u2 + 1) * p0 + (u3 - 2 * u2 + u) * m0 + (-2 * u3 + 3 * u2) * p1 + (u3 - u2) * m1;
    double deriv = ((6 * u2 - 6 * u) * p0 + (3 * u2 - 4 * u + 1) * m0 + (-6 * u2 + 6 * u) * p1 + (3 * u2 - 2 * u) * m1) / h;
    return new double[] {value, deriv};
  }

  @Override
  public String name() {
    return "kinetic-optimal";
  }

  @Override
  public double alpha(double t) {
    return state(t)[0];
  }

  @Override
  public double sigma(double t) {
    return state(t)[1];
  }

  @Override
  public double alphaDot(double t) {
    return state(t)[2];
  }

  @Override
  public double sigmaDot(double t) {
    return state(t)[3];
  }

  @Override
  public double tMin() {
    return 0;
  }

  @Override
  public double tMax() {
    return 1;
  }
}
