package org.diffusion4j.sde.latent;

import org.diffusion4j.sde.grad.DifferentiableSdeTerm;

/**
 * A prior whose SDE is linear with state-independent noise, dz = (A z + c) dt + G dW (A: d x d,
 * c: d, G: d x m, all constant in time), so that its posterior given Gaussian observations is
 * Gaussian and known in closed form ({@link ExactPosteriorControl}). Matrices are row-major and
 * reflect the current parameters.
 */
public interface LinearPrior extends DifferentiableSdeTerm {
  /** A, d x d, row-major. */
  double[] driftMatrix();

  /** c, d values. */
  double[] driftOffset();

  /** G, d x m, row-major (m = {@link #noiseDim()}). */
  double[] noiseMatrix();
}
