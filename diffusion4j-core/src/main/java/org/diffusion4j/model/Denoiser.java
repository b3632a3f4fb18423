package org.diffusion4j.model;

import org.diffusion4j.array.Batch;

/**
 * What a trained network is to a sampler: a function (x_t batch, t) -> prediction of a declared
 * {@link Prediction} kind. The path the model was trained on is supplied separately to the
 * sampler; {@link Predictions#as} converts between kinds given that path.
 *
 * <p>Implementations must be safe to call from one thread at a time; they may parallelise
 * internally over rows. They must not keep references to {@code x} or {@code out}.
 */
public interface Denoiser {
  /** Dimension d of one state. */
  int dim();

  /** The kind of quantity {@link #predict} writes. */
  Prediction prediction();

  /**
   * Writes the prediction for every row of {@code x} at time {@code t} into {@code out}
   * (same shape as {@code x}, which must not be modified).
   */
  void predict(Batch x, double t, Batch out);
}
