package org.diffusion4j.certify;

import org.diffusion4j.array.Batch;

/**
 * The base classifier f that randomised smoothing wraps: a label in [0, classes) for every row of a
 * batch of (noisy) inputs. For the denoise-then-classify pipeline of rRCM it is "denoise, then
 * classify". Called from one thread at a time.
 */
public interface BaseClassifier {
  /** Number of classes. */
  int classes();

  /** Input dimension d. */
  int dim();

  /** The label of every row of {@code x}, each in [0, classes). */
  int[] classify(Batch x);
}
