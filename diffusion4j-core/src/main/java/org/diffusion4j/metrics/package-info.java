/**
 * Sample-quality distances between two sample sets (rows of a {@link org.diffusion4j.array.Batch}):
 * sliced Wasserstein-1/-2 ({@link org.diffusion4j.metrics.SlicedWasserstein}, Bonneel et al. 2015),
 * unbiased RBF MMD^2 ({@link org.diffusion4j.metrics.Mmd}, Gretton et al. 2012), energy distance
 * ({@link org.diffusion4j.metrics.EnergyDistance}, Szekely &amp; Rizzo 2013), mean and covariance
 * errors, and the Fréchet distance of fitted Gaussians ({@link org.diffusion4j.metrics.FrechetDistance},
 * Heusel et al. 2017). All are {@link org.diffusion4j.metrics.SampleDistance}s: deterministic for a
 * seed, independent of thread count and of row order. Pairwise metrics (MMD, energy) cost
 * O((n + m)^2 d); about 2 s for n = m = 5000, d = 2 on two cores.
 */
package org.diffusion4j.metrics;
