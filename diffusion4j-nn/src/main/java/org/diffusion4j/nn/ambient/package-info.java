/**
 * Diffusion trained through a forward model: {@link org.diffusion4j.nn.ambient.AmbientDiffusion}
 * learns clean MNIST digits from randomly masked observations only (Ambient Diffusion, Daras et
 * al. 2023; the setting of Tewari et al. 2023, "Diffusion with Forward Models").
 */
package org.diffusion4j.nn.ambient;
