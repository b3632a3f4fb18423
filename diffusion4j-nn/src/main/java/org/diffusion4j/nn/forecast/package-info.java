/**
 * TSDiff (Kollovieh et al. 2023, official code amazon-science/unconditional-time-series-diffusion):
 * an unconditional diffusion model over windows of context + horizon on the {@code SequenceNet}
 * S4 backbone, trained with the generic trainer, forecasting by self-guidance
 * ({@link org.diffusion4j.forecast.SelfGuidance}) under any sampler, refining a base forecaster,
 * and synthesising series.
 */
package org.diffusion4j.nn.forecast;
