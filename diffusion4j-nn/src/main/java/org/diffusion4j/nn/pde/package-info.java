/**
 * Random-grid neural processes for parametric PDEs (issue 21): {@link org.diffusion4j.nn.pde.RandomGridNp},
 * a physics- and data-informed latent neural process whose collocation grid is drawn afresh every
 * training step, with a grid-invariant kernel-convolution encoder, a spectral decoder, forward and
 * inverse (Laplace) predictions with bands, and the fixed-grid baseline. Reference solutions and
 * grids come from core {@code org.diffusion4j.pde}.
 */
package org.diffusion4j.nn.pde;
