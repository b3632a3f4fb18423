/**
 * Concept blending of two conditionals of one trained model: {@link org.diffusion4j.blend.ConceptBlend}
 * is a {@link org.diffusion4j.model.Denoiser} combinator driven by a
 * {@link org.diffusion4j.blend.BlendRule}: linear score interpolation, step-wise prompt switching,
 * or the Black-Scholes rule of Kothandaraman, Lin &amp; Manocha 2024.
 */
package org.diffusion4j.blend;
