/**
 * Fractional Brownian motion: exact sampling by circulant embedding
 * ({@link org.diffusion4j.sde.fbm.FractionalBrownian}, Davies-Harte, with a Cholesky sampler for
 * checks) and the Markov approximation by a weighted sum of Ornstein-Uhlenbeck processes
 * ({@link org.diffusion4j.sde.fbm.MarkovFbm}, Daems et al. 2023), which can drive an SDE.
 */
package org.diffusion4j.sde.fbm;
