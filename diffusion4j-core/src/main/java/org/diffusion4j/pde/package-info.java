/**
 * 1-D PDE tools for issue 21's random-grid neural processes: second-order finite-difference
 * reference solvers (nonlinear Poisson, viscous Burgers), parametric problem families built on them
 * ({@link org.diffusion4j.pde.ParametricPde}), random collocation grids with order-invariant
 * quadrature ({@link org.diffusion4j.pde.RandomGrid}), spectral bases with exact derivatives, and a
 * Laplace posterior for inverse problems. The neural process itself is in {@code org.diffusion4j.nn.pde}.
 */
package org.diffusion4j.pde;
