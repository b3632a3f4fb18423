package org.diffusion4j.blend;

import org.diffusion4j.array.Batch;

/**
 * How strongly a forecast image shows a concept: the "spot price" of Black-Scholes blending.
 * The official code uses CLIP's image-text similarity (logit scale 100 times the cosine); a
 * class-conditional model uses, e.g., a classifier's probability of the class.
 */
public interface ConceptScore {
  /**
   * Writes the score in (0, 1] of concept {@code concept} (0 = a, 1 = b) for every row of the
   * data forecast {@code x0} into {@code out}.
   */
  void score(Batch x0, int concept, double[] out);
}
