package org.diffusion4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GdssSdeTest {

  /**
   * The moments of dx = f x dt + g dw solve m' = f m, v' = 2 f v + g^2 (m(0) = 1, v(0) = 0);
   * integrated with RK4 they must equal the closed-form marginal: VP m(t), std(t)^2 = 1 - m^2; VE
   * m = 1, v = sigma(t)^2 - sigma_min^2 (GDSS's VE std is sigma(t), which adds the sigma_min^2 of
   * the t = 0 end).
   */
  @Test
  void forwardMarginalsMatchTheirClosedForms() {
    for (GdssSde sde : new GdssSde[] {GdssSde.vp(0.1, 1.0, 1000), GdssSde.vp(0.2, 0.8, 1000),
        GdssSde.vp(0.1, 20, 1000), GdssSde.ve(0.2, 1.0, 1000), GdssSde.ve(0.01, 50, 1000)}) {
      int steps = 20000;
      double h = 1.0 / steps;
      double m = 1;
      double v = 0;
      for (int i = 0; i < steps; i++) {
        double t = i * h;
        double[] k1 = rhs(sde, t, m, v);
        double[] k2 = rhs(sde, t + h / 2, m + h / 2 * k1[0], v + h / 2 * k1[1]);
        double[] k3 = rhs(sde, t + h / 2, m + h / 2 * k2[0], v + h / 2 * k2[1]);
        double[] k4 = rhs(sde, t + h, m + h * k3[0], v + h * k3[1]);
        m += h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
        v += h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
        double tn = (i + 1) * h;
        if ((i + 1) % 4000 == 0) {
          assertEquals(sde.meanCoefficient(tn), m, 1e-10, sde + " mean at " + tn);
          double closed = sde.type() == GdssSde.Type.VP ? sq(sde.std(tn)) : sq(sde.std(tn)) - sq(sde.min());
          assertEquals(closed, v, 1e-9 * Math.max(1, closed), sde + " variance at " + tn);
        }
      }
    }
  }

  /** S4's transition over [t + dt, t] is the forward kernel from t + dt to t run backwards. */
  @Test
  void transitionIsTheForwardKernelBetweenTheTwoTimes() {
    for (GdssSde sde : new GdssSde[] {GdssSde.vp(0.1, 1.0, 1000), GdssSde.ve(0.2, 1.0, 1000)}) {
      double t = 0.63;
      double dt = -0.0137;
      assertEquals(sde.meanCoefficient(t + dt) / sde.meanCoefficient(t), sde.transitionMean(t, dt), 1e-14);
      // Var[x_t | x_{t+dt}] from the closed forms: VP 1 - (m(t)/m(t+dt))^2, VE sigma(t)^2 - sigma(t+dt)^2.
      double want = sde.type() == GdssSde.Type.VP
          ? 1 - sq(sde.meanCoefficient(t) / sde.meanCoefficient(t + dt))
          : sq(sde.std(t)) - sq(sde.std(t + dt));
      assertEquals(want, sq(sde.transitionStd(t, dt)), 1e-14);
    }
  }

  @Test
  void discreteQuantitiesFollowSdePy() {
    GdssSde vp = GdssSde.vp(0.1, 1.0, 1000);
    // t = 1: timestep 999, beta = 1.0 / 1000
    assertEquals(999, vp.timestep(1.0));
    assertEquals(1 - 1e-3, vp.langevinAlpha(1.0), 1e-15);
    assertEquals(Math.sqrt(1e-3), vp.discretize(1.0)[1], 1e-15);
    assertEquals(Math.sqrt(1 - 1e-4) - 1, vp.discretize(0.0)[0], 1e-15);
    GdssSde ve = GdssSde.ve(0.2, 1.0, 1000);
    assertEquals(0.2, ve.discretize(0.0)[1], 1e-15); // first NCSN step: sqrt(sigma_0^2 - 0)
    assertEquals(1.0, ve.langevinAlpha(0.5), 0);
  }

  private static double[] rhs(GdssSde sde, double t, double m, double v) {
    double f = sde.driftCoefficient(t);
    double g = sde.diffusion(t);
    return new double[] {f * m, 2 * f * v + g * g};
  }

  private static double sq(double x) {
    return x * x;
  }
}
