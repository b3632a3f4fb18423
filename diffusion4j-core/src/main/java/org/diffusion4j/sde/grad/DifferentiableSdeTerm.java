package org.diffusion4j.sde.grad;

import org.diffusion4j.sde.SdeTerm;

/**
 * An {@link SdeTerm} with learnable parameters theta and vector-Jacobian products of its drift
 * and diffusion, which is all the three gradient routes of {@link SdeGradient} need (torchsde's
 * adjoint asks the same of a module: {@code f}, {@code g} and autograd VJPs of both).
 *
 * <p>Only diffusions with one value per state component are supported (DIAGONAL, ADDITIVE,
 * SCALAR noise: layout d per row), the noise types of torchsde's latent SDE and of diffrax's
 * diagonal terms. Rows are independent, as for every {@link SdeTerm}.
 */
public interface DifferentiableSdeTerm extends SdeTerm {
  /** Number of learnable parameters P. */
  int paramCount();

  /** A copy of the current parameters (P values). */
  double[] params();

  /** Replaces the parameters (P values). */
  void setParams(double[] theta);

  /**
   * Vector-Jacobian products at (t, y_r) for rows r in [0, n):
   * <pre>
   *   yBar[r] = driftCot[r] . df/dy (t, y_r) + diffusionCot[r] . dg/dy (t, y_r)      (overwritten, n x d)
   *   paramBar += sum_r driftCot[r] . df/dtheta (t, y_r) + diffusionCot[r] . dg/dtheta (t, y_r)   (accumulated, P)
   * </pre>
   * {@code diffusionCot} has the diffusion's layout (d per row) and may be null (no diffusion
   * part); {@code paramBar} may be null (state gradient only). One call per step of a backward
   * pass, so an autograd implementation runs one forward and one backward per call.
   */
  void vjp(double t, double[] y, double[] driftCot, double[] diffusionCot, double[] yBar, double[] paramBar, int n);

  /** Called before the first {@link #vjp} of a backward pass (an autograd term may reset its gradient buffers here). */
  default void beginBackward() {}

  /**
   * Called after the last {@link #vjp} of a backward pass: a term that accumulates its parameter
   * gradients elsewhere (e.g. in autograd buffers, read once per pass instead of once per step)
   * adds them to {@code paramBar} here.
   */
  default void endBackward(double[] paramBar) {}
}
