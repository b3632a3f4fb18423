package org.diffusion4j.blend;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;

/**
 * How {@link ConceptBlend} mixes two conditional models at each evaluation: a weight w in [0, 1]
 * per row, the blended prediction being (1 - w) D_a + w D_b. Rules that look at the sample as it
 * forms (Black-Scholes) see every blended prediction through {@link #observe}.
 */
public interface BlendRule {
  /** Writes the weight of concept b for every row of {@code x} at time {@code t} into {@code w}. */
  void weights(Batch x, double t, double[] w);

  /** Called after every evaluation with the blended prediction of kind {@code kind} at (x, t). */
  default void observe(Batch x, double t, Prediction kind, Batch prediction) {}

  /** A short name for tables and file names, e.g. {@code linear-0.5}. */
  String name();
}
