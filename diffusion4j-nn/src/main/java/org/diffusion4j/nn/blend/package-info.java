/**
 * Concept blending on trained class-conditional networks: {@link org.diffusion4j.nn.blend.ClassBlending}
 * wires the core {@link org.diffusion4j.blend.ConceptBlend} rules to a network and the evaluation classifier.
 */
package org.diffusion4j.nn.blend;
