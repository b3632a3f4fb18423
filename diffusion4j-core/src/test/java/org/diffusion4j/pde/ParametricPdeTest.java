package org.diffusion4j.pde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** The parametric families: references satisfy their PDEs; bad parameters are rejected. */
class ParametricPdeTest {
  @Test
  void poissonReferenceSatisfiesThePde() {
    PoissonFamily p = PoissonFamily.defaults();
    double[] theta = p.sampleParameters(Rng.of(4));
    // -u'' + kappa u^3 - f by a second difference of the interpolated reference, at h = 4/512
    double h = 4.0 / 512;
    double[] x = {0.25, 0.5, 0.625};
    double worst = 0;
    double scale = 0;
    for (double xi : x) {
      double[] u = p.reference(theta, new double[] {xi - h, xi, xi + h}, null);
      double f = p.inputFunction(theta, new double[] {xi})[0];
      double r = -(u[0] - 2 * u[1] + u[2]) / (h * h) + p.kappa() * u[1] * u[1] * u[1] - f;
      worst = Math.max(worst, Math.abs(r));
      scale = Math.max(scale, Math.abs(f));
    }
    assertTrue(worst < 1e-2 * scale, "residual " + worst + " against source scale " + scale);
    double[] ends = p.reference(theta, new double[] {0, 1}, null);
    assertEquals(0, ends[0], 0.0);
    assertEquals(0, ends[1], 0.0);
  }

  @Test
  void burgersReferenceStartsAtTheInitialConditionAndDecays() {
    BurgersFamily b = BurgersFamily.defaults();
    double[] theta = {1, -0.5, 0.3};
    double[] x = {0.1, 0.4, 0.8};
    double[] u0 = b.reference(theta, x, new double[3]);
    double[] exact = b.inputFunction(theta, x);
    for (int i = 0; i < 3; i++) {
      assertEquals(exact[i], u0[i], 1e-4);
    }
    // energy decays under viscosity without forcing
    double[] grid = RandomGrid.cellCentres(64, 0, 1);
    double[] t0 = new double[64];
    double[] t1 = new double[64];
    java.util.Arrays.fill(t1, b.endTime());
    double e0 = 0;
    double e1 = 0;
    double[] a = b.reference(theta, grid, t0);
    double[] c = b.reference(theta, grid, t1);
    for (int i = 0; i < 64; i++) {
      e0 += a[i] * a[i];
      e1 += c[i] * c[i];
    }
    assertTrue(e1 < e0, "energy " + e0 + " -> " + e1);
  }

  @Test
  void badInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new PoissonFamily(-1, 4, 1, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new PoissonFamily(1, 0, 1, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new BurgersFamily(0, 1, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> PoissonFamily.defaults().inputFunction(new double[2], new double[1]));
    assertThrows(IllegalArgumentException.class, () -> BurgersFamily.defaults().reference(new double[3], new double[1], new double[] {9}));
  }
}
