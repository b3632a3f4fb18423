package org.diffusion4j.interpolant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

class StraightnessTest {
  @Test
  void constantAndStraightNonConstantFieldsHaveZeroStraightness() {
    Batch x0 = Noise.standardNormal(1, 500, 3);
    Straightness.Result constant = Straightness.of((x, t, out) -> {
      for (int i = 0; i < out.size(); i++) {
        out.data()[i] = 1.5 - (i % 3);
      }
    }, x0, 0, 1, 10);
    assertEquals(0, constant.value(), 1e-12);
    // v = x / (1 + t): trajectories x0 (1 + t) are straight lines at constant speed x0.
    Straightness.Result scaling = Straightness.of((x, t, out) -> out.setScaled(1 / (1 + t), x), x0, 0, 1, 400);
    assertEquals(0, scaling.value(), 1e-6);
  }

  /**
   * v = k x: Z_t = Z_0 e^{kt}, Delta = Z_0 (e^k - 1), so S = E|Z_0|^2 int_0^1 (e^k - 1 - k e^{kt})^2 dt
   * = E|Z_0|^2 (k (e^{2k} - 1)/2 - (e^k - 1)^2). Checked against the sample's own E|Z_0|^2; the
   * error falls as h^2.
   */
  @Test
  void linearFieldMatchesClosedFormWithSecondOrderError() {
    double k = 1.3;
    Batch x0 = Noise.standardNormal(2, 400, 2);
    double m2 = 0;
    for (double v : x0.data()) {
      m2 += v * v;
    }
    m2 /= x0.n();
    double a = Math.expm1(k);
    double exact = m2 * (k * Math.expm1(2 * k) / 2 - a * a);
    double e1 = Math.abs(Straightness.of((x, t, out) -> out.setScaled(k, x), x0, 0, 1, 25).value() - exact);
    double e2 = Math.abs(Straightness.of((x, t, out) -> out.setScaled(k, x), x0, 0, 1, 100).value() - exact);
    assertTrue(e2 < 1e-3 * exact, "error " + e2 + " of " + exact);
    assertEquals(2, Math.log(e1 / e2) / Math.log(4), 0.2, "quadrature order");
  }

  /**
   * The exact one-sided linear field from N(0, 1) to N(0, 4) is curved: Z_t = Z_0 sqrt(V_t) with
   * V = (1 - t)^2 + 4 t^2, so S = E Z_0^2 int_0^1 (1 - V'/(2 sqrt V))^2 dt &gt; 0 (Simpson reference).
   */
  @Test
  void exactInterpolantFieldIsCurved() {
    GaussianMixture g0 = GaussianMixture.gaussian(new double[] {0}, new double[] {1});
    GaussianMixture g1 = GaussianMixture.gaussian(new double[] {0}, new double[] {4});
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.oneSidedLinear(), g0, g1);
    Batch x0 = g0.sample(3, 2000);
    double m2 = 0;
    for (double v : x0.data()) {
      m2 += v * v;
    }
    m2 /= x0.n();
    int m = 2000;
    double integral = 0;
    for (int i = 0; i <= m; i++) {
      double t = i / (double) m;
      double vt = (1 - t) * (1 - t) + 4 * t * t;
      double vdot = -2 * (1 - t) + 8 * t;
      double g = 1 - vdot / (2 * Math.sqrt(vt));
      integral += (i == 0 || i == m ? 1 : i % 2 == 1 ? 4 : 2) * g * g;
    }
    integral /= 3 * m;
    Straightness.Result s = Straightness.of(f.velocityField(), x0, 0, 1, 200);
    assertEquals(m2 * integral, s.value(), 1e-4 * m2 * integral);
    assertTrue(s.value() > 0.1, "curved field: S = " + s.value());
  }
}
