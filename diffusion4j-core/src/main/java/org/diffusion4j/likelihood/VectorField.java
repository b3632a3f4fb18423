package org.diffusion4j.likelihood;

import org.diffusion4j.array.Batch;

/**
 * A time-dependent vector field F(x, t): R^d -> R^d evaluated on whole batches (one state per
 * row). Divergence estimators only see a field through this interface, so they work for a model's
 * raw prediction as well as for any other field.
 */
public interface VectorField {
  /** Dimension d of one state. */
  int dim();

  /** Writes F(x_i, t) for every row i of {@code x} into {@code out} (same shape; x is not modified). */
  void evaluate(Batch x, double t, Batch out);
}
