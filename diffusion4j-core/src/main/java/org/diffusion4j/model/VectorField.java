package org.diffusion4j.model;

import org.diffusion4j.array.Batch;

/**
 * A time-dependent vector field F(x, t) on a batch of states (one state per row): the velocity
 * b(x, t) or score s(x, t) of an interpolant or flow, the drift of a probability-flow ODE, the
 * right-hand side of an ODE solve, or the field a divergence estimator differentiates. The one
 * argument order of the library is {@code (x, t, out)}, as in {@link Denoiser#predict}.
 *
 * <p>Implementations must not modify {@code x} nor keep references to {@code x} or {@code out}.
 */
@FunctionalInterface
public interface VectorField {
  /** Writes F(x_i, t) into row i of {@code out} (same shape as {@code x}). */
  void evaluate(Batch x, double t, Batch out);
}
