/**
 * Random walks on graphs and token-based distributed optimisation: simple, non-backtracking and
 * Metropolis-Hastings walks, the self-repellent random walk over any reversible base chain
 * (Doshi, Hu &amp; Eun, ICML 2023), SA-SRRW (Hu, Doshi &amp; Eun, ICLR 2024) with logistic-regression
 * agents, closed-form asymptotic covariances ({@link org.diffusion4j.walk.SrrwTheory}), and
 * social-network-like graph generators. Measured results: docs/srrw.md.
 */
package org.diffusion4j.walk;
