/**
 * Consistency models (Song et al. 2023): the boundary-condition parameterisation, the Karras
 * discretisation and consistency training's schedules, in plain Java. Training lives in
 * diffusion4j-nn ({@code org.diffusion4j.nn.consistency}); sampling is the {@code consistency}
 * solver of {@link org.diffusion4j.sampler.Samplers}.
 */
package org.diffusion4j.consistency;
