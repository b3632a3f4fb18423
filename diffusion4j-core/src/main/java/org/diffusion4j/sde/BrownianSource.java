package org.diffusion4j.sde;

/**
 * A family of independent Brownian paths addressed by path index: {@code path(i)} depends only on
 * (seed, i), never on the thread or order in which paths are made.
 */
public interface BrownianSource {
  /** Components per path. */
  int dim();

  /** A fresh sample path number {@code index}. */
  BrownianPath path(long index);

  /**
   * True when the same interval always returns the same values, whatever was queried before
   * (a Brownian tree): required by adaptive stepping, which rejects and retries steps.
   */
  boolean reproducible();
}
