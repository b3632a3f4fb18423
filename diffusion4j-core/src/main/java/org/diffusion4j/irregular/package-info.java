/**
 * Irregularly sampled series and the continuous control paths built from them, as torchcde
 * builds them for neural CDEs and stable neural SDEs: a batch of series on shared observation
 * times with NaN marking a missing value ({@link org.diffusion4j.irregular.IrregularBatch}),
 * seeded dropping of a fraction of the observations, and interpolants X(t) with exact
 * derivatives: cubic Hermite splines with backward differences
 * ({@link org.diffusion4j.irregular.HermiteCubicPath}, torchcde's
 * {@code hermite_cubic_coefficients_with_backward_differences}), linear
 * ({@link org.diffusion4j.irregular.LinearPath}) and rectilinear
 * ({@link org.diffusion4j.irregular.RectilinearPath}) interpolation.
 */
package org.diffusion4j.irregular;
