/**
 * Inverse problems with a diffusion prior: forward operators y = A(x) + sigma_y n
 * ({@link org.diffusion4j.inverse.ForwardOperator}; linear ones add the adjoint and an exact
 * structured {@link org.diffusion4j.inverse.Svd}), observations
 * ({@link org.diffusion4j.inverse.Measurement}) and the bicubic baseline
 * ({@link org.diffusion4j.inverse.Bicubic}). See docs/restoration.md.
 */
package org.diffusion4j.inverse;
