package org.diffusion4j.pde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Manufactured solutions: the finite-difference solver converges at order 2. */
class NonlinearPoisson1dTest {
  private static double maxError(int n, double kappa) {
    // u = sin(pi x) + x (boundary values 0 and 1): f = pi^2 sin(pi x) + kappa u^3
    NonlinearPoisson1d.Solution s = NonlinearPoisson1d.solve(
        x -> Math.PI * Math.PI * Math.sin(Math.PI * x) + kappa * Math.pow(Math.sin(Math.PI * x) + x, 3), kappa, 0, 1, 0, 1, n);
    double err = 0;
    for (int i = 0; i < s.x().length; i++) {
      err = Math.max(err, Math.abs(s.u()[i] - (Math.sin(Math.PI * s.x()[i]) + s.x()[i])));
    }
    return err;
  }

  @Test
  void convergesAtSecondOrder() {
    for (double kappa : new double[] {0, 10}) {
      double previous = Double.NaN;
      for (int n : new int[] {15, 31, 63, 127, 255}) {
        double err = maxError(n, kappa);
        if (!Double.isNaN(previous)) {
          double order = Math.log(previous / err) / Math.log(2); // h halves: (n + 1) doubles
          assertEquals(2.0, order, 0.05, "kappa " + kappa + ", n " + n + ": observed order " + order);
        }
        previous = err;
      }
      assertTrue(previous < 2e-5, "error at n = 255: " + previous);
    }
  }

  @Test
  void linearCaseIsExactForQuadratics() {
    // -u'' = 2 has u = x (1 - x) + 0.5 x: central differences are exact for quadratics
    NonlinearPoisson1d.Solution s = NonlinearPoisson1d.solve(x -> 2, 0, 0, 1, 0, 0.5, 9);
    for (int i = 0; i < s.x().length; i++) {
      double x = s.x()[i];
      assertEquals(x * (1 - x) + 0.5 * x, s.u()[i], 1e-13);
    }
    assertThrows(IllegalArgumentException.class, () -> NonlinearPoisson1d.solve(x -> 0, -1, 0, 1, 0, 0, 5));
    assertThrows(IllegalArgumentException.class, () -> NonlinearPoisson1d.solve(x -> 0, 1, 1, 0, 0, 0, 5));
  }
}
