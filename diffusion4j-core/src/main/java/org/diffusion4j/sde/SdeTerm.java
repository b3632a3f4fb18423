package org.diffusion4j.sde;

/**
 * The right-hand side of dy = f(t, y) dt + g(t, y) dW (or {@code o dW} for Stratonovich), batched
 * over paths: every method works on {@code n} paths stored row-major ({@code y[r*d + i]}), so a
 * model runs one tight loop per call and the solver makes one virtual call per block and step.
 *
 * <p>Rows must be independent (row r of the output depends only on row r of the input): this is
 * what makes a Monte Carlo run bitwise identical at any thread count and block size.
 *
 * <p>The diffusion layout depends on {@link #noiseType()}: d values per path (DIAGONAL, SCALAR,
 * ADDITIVE) or a d x m matrix per path, row-major (GENERAL).
 */
public interface SdeTerm {
  /** State dimension d. */
  int dim();

  /** How the noise enters; fixes the diffusion layout and {@link #noiseDim()}. */
  NoiseType noiseType();

  /** Number m of independent Brownian components. GENERAL terms must override this. */
  default int noiseDim() {
    switch (noiseType()) {
      case SCALAR:
        return 1;
      case GENERAL:
        throw new UnsupportedOperationException("a GENERAL-noise term must override noiseDim()");
      default:
        return dim();
    }
  }

  /**
   * Whether the noise is commutative, L^j g_k = L^k g_j with L^j = sum_l g_lj d/dy_l (Kloeden &amp;
   * Platen 1992, eq. 10.3.13): then Milstein needs no Levy areas. Always true for diagonal,
   * scalar and additive noise; a GENERAL term may declare it (e.g. g(t, y) = G(t) y-independent
   * columns, or linear noise g_ij = s_ij y_i).
   */
  default boolean commutativeNoise() {
    return noiseType() != NoiseType.GENERAL;
  }

  /** The calculus the SDE is written in. */
  Calculus calculus();

  /** Writes f(t, y_r) for rows r in [0, n) of {@code y} into {@code out} (same layout). */
  void drift(double t, double[] y, double[] out, int n);

  /** Writes g(t, y_r) for rows r in [0, n) into {@code out} in the layout of {@link #noiseType()}. */
  void diffusion(double t, double[] y, double[] out, int n);

  /**
   * Optional analytic derivative for Milstein: writes the directional derivative (g . grad) g
   * at (t, y_r), i.e. {@code sum_j g_j dg_i/dy_j} (for DIAGONAL noise {@code g_i dg_i/dy_i}),
   * given {@code g} = g(t, y) already evaluated. Returns false (the default) when not supplied;
   * solvers then use a central finite difference along g, which costs two diffusion calls.
   */
  default boolean diffusionDerivative(double t, double[] y, double[] g, double[] out, int n) {
    return false;
  }
}
