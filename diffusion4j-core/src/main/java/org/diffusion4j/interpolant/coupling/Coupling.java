package org.diffusion4j.interpolant.coupling;

import org.diffusion4j.array.Batch;

/**
 * A coupling of x0 ~ rho0 and x1 ~ rho1 for a training minibatch: given n draws of each, it
 * returns n pairs (x0_i, x1_i) distributed according to the coupling (Albergo et al. 2023,
 * Sec. 2 allows any coupling nu(dx0, dx1) with the right marginals; Tong et al. 2024, Sec. 3,
 * for minibatch OT couplings). See {@link Couplings} for the implementations.
 */
@FunctionalInterface
public interface Coupling {
  /** Pairs the rows of {@code x0} and {@code x1}; randomness, if any, comes only from {@code seed}. */
  Pair couple(Batch x0, Batch x1, long seed);

  /** n coupled pairs: row i of x0 goes with row i of x1. */
  record Pair(Batch x0, Batch x1) {
    public Pair {
      x0.requireSameShape(x1);
    }
  }
}
