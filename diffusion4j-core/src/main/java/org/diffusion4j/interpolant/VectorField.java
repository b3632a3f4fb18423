package org.diffusion4j.interpolant;

import org.diffusion4j.array.Batch;

/**
 * A time-dependent vector field on a batch of states, e.g. the velocity b(t, x) or the score
 * s(t, x) of an interpolant; used as a drift term by {@link InterpolantGenerator}.
 */
@FunctionalInterface
public interface VectorField {
  /** Writes f(t, x_i) into row i of {@code out} (same shape as {@code x}). */
  void evaluate(double t, Batch x, Batch out);
}
