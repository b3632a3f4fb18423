/**
 * Consistency models on trained networks (Song et al. 2023): distillation from a teacher run or
 * training from scratch ({@link org.diffusion4j.nn.consistency.ConsistencyTrainer}), distilled runs
 * ({@link org.diffusion4j.nn.consistency.ConsistencyRun}), and the one-step denoise-then-classify
 * base classifier of rRCM certification
 * ({@link org.diffusion4j.nn.consistency.DenoisedClassifier}).
 */
package org.diffusion4j.nn.consistency;
