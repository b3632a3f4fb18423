package org.diffusion4j.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The forward SDE dx = f x dt + g dW (Song et al. 2021, Eq. 5) has marginals N(alpha x0, sigma^2):
 * its mean solves dm/dt = f m and its variance dV/dt = 2 f V + g^2 (Saerkkae &amp; Solin 2019,
 * Eq. 5.51). Integrating both by RK4 from the path's own initial values must reproduce alpha(t)
 * and sigma(t)^2; for VP paths alpha^2 + sigma^2 = 1.
 */
class PathMarginalTest {
  static Stream<GaussianPath> paths() {
    return PathCases.stream();
  }

  static Stream<GaussianPath> variancePreserving() {
    return PathCases.variancePreserving();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variancePreserving")
  void alphaSquaredPlusSigmaSquaredIsOne(GaussianPath p) {
    for (double t : PathInverseTest.denseGrid(p)) {
      double a = p.alpha(t);
      double s = p.sigma(t);
      assertEquals(1, a * a + s * s, 1e-14, () -> PathCases.label(p) + " at t=" + t);
    }
    assertEquals(1, p.alpha(p.tMin()), 1e-3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void sdeMomentsMatchPathMarginals(GaussianPath p) {
    double lo = p.tMin();
    // cond-ot and trig have f -> -inf at t = 1 (alpha -> 0): stop just before.
    double hi = Double.isFinite(p.drift(p.tMax())) ? p.tMax() : lo + 0.99 * (p.tMax() - lo);
    // Discrete: 4 steps per segment, aligned with the knots t_k = k / N.
    int steps = p instanceof DiscreteDdpmPath d ? 4 * (d.steps() - 1) : 20_000;
    double h = (hi - lo) / steps;
    double a0 = p.alpha(lo);
    double s0 = p.sigma(lo);
    double m = a0;
    double v = s0 * s0;
    double worstM = 0;
    double worstV = 0;
    for (int i = 0; i < steps; i++) {
      double t = lo + i * h;
      // Stage times are nudged inside [t, t+h] so a piecewise path (discrete) is evaluated on one segment.
      double tA = t + 1e-9 * h;
      double tM = t + 0.5 * h;
      double tB = t + h - 1e-9 * h;
      double fA = p.drift(tA);
      double fM = p.drift(tM);
      double fB = p.drift(tB);
      double gA = p.diffusionSquared(tA);
      double gM = p.diffusionSquared(tM);
      double gB = p.diffusionSquared(tB);
      double k1 = fA * m;
      double k2 = fM * (m + 0.5 * h * k1);
      double k3 = fM * (m + 0.5 * h * k2);
      double k4 = fB * (m + h * k3);
      m += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
      double l1 = 2 * fA * v + gA;
      double l2 = 2 * fM * (v + 0.5 * h * l1) + gM;
      double l3 = 2 * fM * (v + 0.5 * h * l2) + gM;
      double l4 = 2 * fB * (v + h * l3) + gB;
      v += h / 6 * (l1 + 2 * l2 + 2 * l3 + l4);
      double tn = lo + (i + 1) * h;
      double a = p.alpha(tn);
      double s = p.sigma(tn);
      worstM = Math.max(worstM, Math.abs(m - a) / Math.max(a, 1e-300));
      worstV = Math.max(worstV, Math.abs(v - s * s) / (s * s));
    }
    double wm = worstM;
    double wv = worstV;
    assertTrue(worstM <= 1e-8, () -> PathCases.label(p) + ": mean ODE vs alpha, worst relative error " + wm);
    assertTrue(worstV <= 1e-8, () -> PathCases.label(p) + ": variance ODE vs sigma^2, worst relative error " + wv);
  }

  @Test
  void subVpVarianceStaysBelowVp() {
    // Song et al. 2021, Sec. 3.4: the sub-VP marginal variance is bounded by the VP one.
    VpLinearPath vp = new VpLinearPath();
    SubVpPath sub = new SubVpPath();
    for (double t = 0.01; t <= 1; t += 0.01) {
      assertEquals(vp.alpha(t), sub.alpha(t), 1e-15);
      assertTrue(sub.sigma(t) <= vp.sigma(t) * vp.sigma(t) + 1e-15);
      assertTrue(sub.sigma(t) < vp.sigma(t));
    }
  }
}
