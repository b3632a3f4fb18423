/**
 * Plain-math pieces of model compression: the uniform affine quantiser of post-training
 * quantisation (PTQ4DM / QDrop), the calibration time steps of PTQ4DM, and the nuclear norm with its
 * gradient used by SaRA's low-rank constraint. The networks that use them live in
 * {@code org.diffusion4j.nn.compress}.
 */
package org.diffusion4j.compress;
