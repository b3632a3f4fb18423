package org.diffusion4j.likelihood;

/**
 * An explicit Runge-Kutta tableau (c, A, b) with an optional embedded lower-order weight vector
 * bHat for error estimation (Hairer, Norsett &amp; Wanner, "Solving ODEs I", Sec. II.1, II.4).
 */
record ButcherTableau(String name, int order, double[] c, double[][] a, double[] b, double[] bHat, boolean fsal) {
  /** Classical fourth-order Runge-Kutta (Hairer et al., Table II.1.2, left). */
  static final ButcherTableau RK4 = new ButcherTableau("rk4", 4,
      new double[] {0, 0.5, 0.5, 1},
      new double[][] {{}, {0.5}, {0, 0.5}, {0, 0, 1}},
      new double[] {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6}, null, false);

  /**
   * Dormand &amp; Prince (1980) 5(4), "A family of embedded Runge-Kutta formulae", Table 2
   * (Hairer et al., Table II.5.2): 5th-order solution, 4th-order embedded estimate, FSAL.
   */
  static final ButcherTableau DOPRI5 = new ButcherTableau("dopri5", 5,
      new double[] {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1},
      new double[][] {
        {},
        {1.0 / 5},
        {3.0 / 40, 9.0 / 40},
        {44.0 / 45, -56.0 / 15, 32.0 / 9},
        {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
        {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
        {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}
      },
      new double[] {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0},
      new double[] {5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40},
      true);

  int stages() {
    return c.length;
  }
}
