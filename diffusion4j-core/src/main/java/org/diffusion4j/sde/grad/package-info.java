/**
 * Gradients through SDE solves: {@link org.diffusion4j.sde.grad.DifferentiableSdeTerm} (drift and
 * diffusion with vector-Jacobian products) and {@link org.diffusion4j.sde.grad.SdeGradient}, which
 * differentiates a loss of the saved states by backprop through Euler-Maruyama, the continuous
 * adjoint (backsolve on a Brownian tree) or reversible Heun's exact backward pass
 * ({@link org.diffusion4j.sde.grad.GradientRoute}). Measurements: docs/neural-sde.md.
 */
package org.diffusion4j.sde.grad;
