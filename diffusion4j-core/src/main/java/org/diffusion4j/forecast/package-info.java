/**
 * Probabilistic time-series forecasting on top of the samplers: reading series (CSV with a date
 * column and a filter column, or NPY), forecast metrics (CRPS, GluonTS weighted quantile loss,
 * MASE, interval coverage), in-tree baselines (seasonal naive, with bootstrapped residuals),
 * rolling-origin evaluation, and TSDiff's self-guidance (Kollovieh et al. 2023, "Predict, Refine,
 * Synthesize: Self-Guiding Diffusion Models for Probabilistic Time Series Forecasting") as a
 * {@link org.diffusion4j.model.Denoiser} decorator, so that any sampler runs guided.
 */
package org.diffusion4j.forecast;
