/**
 * Certified robustness by randomised smoothing (Cohen et al. 2019): Monte Carlo CERTIFY and
 * PREDICT around any {@link org.diffusion4j.certify.BaseClassifier}, the Clopper-Pearson bound and
 * the normal quantile they need. Plain Java; the denoise-then-classify pipeline of rRCM plugs a
 * one-step consistency denoiser and a digit classifier in as the base classifier (diffusion4j-nn).
 */
package org.diffusion4j.certify;
