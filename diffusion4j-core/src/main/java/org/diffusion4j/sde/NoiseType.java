package org.diffusion4j.sde;

/**
 * How the diffusion g(t, y) acts on the Brownian motion W (m components), following diffrax's
 * and torchsde's noise types. The layout of the array a term writes for g is given per type.
 */
public enum NoiseType {
  /** m = d, g is diagonal: dy_i = ... + g_i(t, y) dW_i; g_i is assumed to depend on y only through y_i. Layout: d per row. */
  DIAGONAL,
  /** m = 1, one Brownian motion drives every component: dy_i = ... + g_i(t, y) dW. Layout: d per row. */
  SCALAR,
  /** m = d, diagonal and independent of y: dy_i = ... + g_i(t) dW_i (Ito = Stratonovich). Layout: d per row. */
  ADDITIVE,
  /** General d x m matrix: dy_i = ... + sum_j g_ij(t, y) dW_j. Layout: d*m per row, row-major (i, j). */
  GENERAL;

  /** Number of doubles per path in the diffusion array for a state of dimension d and noise dimension m. */
  public int diffusionSize(int d, int m) {
    return this == GENERAL ? d * m : d;
  }
}
