/**
 * Mean-reverting (IR-SDE) image restoration: {@link org.diffusion4j.nn.restore.MeanRevertingRestoration}
 * trains a conditional U-Net from degraded to clean images and samples it with MRS or Euler-Maruyama;
 * {@link org.diffusion4j.nn.restore.RestorationBench} scores it.
 */
package org.diffusion4j.nn.restore;
