package org.diffusion4j.pde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Manufactured solution u = exp(-t) sin(pi x): second order with dt proportional to h. */
class ViscousBurgers1dTest {
  private static final double NU = 0.05;

  private static double exact(double x, double t) {
    return Math.exp(-t) * Math.sin(Math.PI * x);
  }

  /** s = u_t + u u_x - nu u_xx for the exact u. */
  private static double source(double x, double t) {
    double u = exact(x, t);
    double ux = Math.exp(-t) * Math.PI * Math.cos(Math.PI * x);
    return -u + u * ux + NU * Math.PI * Math.PI * u;
  }

  private static double maxError(int n, int steps) {
    double[] u = ViscousBurgers1d.solve(x -> exact(x, 0), ViscousBurgers1dTest::source, NU, 1.0, n, steps);
    double err = 0;
    for (int i = 0; i < u.length; i++) {
      err = Math.max(err, Math.abs(u[i] - exact(i / (n + 1.0), 1.0)));
    }
    return err;
  }

  @Test
  void convergesAtSecondOrderInSpaceAndTime() {
    double previous = Double.NaN;
    for (int level = 0; level < 4; level++) {
      int n = 16 * (1 << level) - 1;
      int steps = 10 * (1 << level);
      double err = maxError(n, steps);
      if (!Double.isNaN(previous)) {
        double order = Math.log(previous / err) / Math.log(2);
        assertEquals(2.0, order, 0.1, "level " + level + ": observed order " + order);
      }
      previous = err;
    }
    assertTrue(previous < 1e-4, "error at the finest level: " + previous);
  }

  @Test
  void unforcedSolutionDecaysAndStaysOdd() {
    // u0 = sin(2 pi x) is odd about x = 1/2; w(x, t) = -u(1 - x, t) solves Burgers too, and the
    // central scheme keeps the symmetry; the maximum principle bounds |u| by max |u0| = 1
    double[] u = ViscousBurgers1d.solve(x -> Math.sin(2 * Math.PI * x), (x, t) -> 0, 0.02, 0.5, 63, 200);
    double max = 0;
    for (int i = 0; i < u.length; i++) {
      assertEquals(-u[u.length - 1 - i], u[i], 1e-11);
      max = Math.max(max, Math.abs(u[i]));
    }
    assertTrue(max < 1 && max > 0.05, "max |u| = " + max);
    assertThrows(IllegalArgumentException.class, () -> ViscousBurgers1d.solve(x -> 0, (x, t) -> 0, 0, 1, 5, 5));
  }
}
