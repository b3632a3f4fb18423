/**
 * Diffusion samplers: numerical solvers of the probability-flow ODE and of the reverse SDE family
 * of a {@link org.diffusion4j.path.GaussianPath}, for a {@link org.diffusion4j.model.Denoiser} of any
 * {@link org.diffusion4j.model.Prediction} kind.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link org.diffusion4j.sampler.ModelEvaluator}: the model as samplers see it. Returns any
 *   prediction kind (exact conversion through the path), counts NFE, times the model, applies
 *   dynamic thresholding, reports progress ({@code step=i/N t=... nfe=...}) and throws
 *   {@link org.diffusion4j.sampler.NonFiniteModelOutputException} naming step and time on NaN/Inf.</li>
 *   <li>{@link org.diffusion4j.sampler.TimeGrid}: decreasing times, uniform in t, lambda (logSNR),
 *   sqrt(t) (time-quadratic) or Karras' rho-spacing of sigma/alpha, or a user list.</li>
 *   <li>{@link org.diffusion4j.sampler.Plan}: per-step orders and the exact NFE they cost
 *   (multistep warm-up and lower-order final steps; DPM-Solver-fast's singlestep order mix).</li>
 *   <li>{@link org.diffusion4j.sampler.Sampler}: one algorithm, one class, immutable; plans for an
 *   NFE budget or a step count, then {@code sample(model, grid, plan, x, seed)}.</li>
 *   <li>{@link org.diffusion4j.sampler.MultistepSampler}: the shared multistep loop with history and
 *   the optional UniC corrector; subclasses implement one predictor step.</li>
 *   <li>{@link org.diffusion4j.sampler.Samplers}: the CLI-name registry;
 *   {@link org.diffusion4j.sampler.SamplerOptions}: all sampler options with defaults.</li>
 *   <li>{@link org.diffusion4j.sampler.Sampling}: one run (builder): grid from spacing and budget,
 *   denoise-to-zero, seed, listener; checks that the NFE used equals the budget.</li>
 *   <li>{@link org.diffusion4j.sampler.ProbabilityFlowReference} (Dormand-Prince 8(5,3) reference
 *   solution) and {@link org.diffusion4j.sampler.SamplerAccuracy} (error vs NFE tables).</li>
 * </ul>
 *
 * <h2>Adding a sampler</h2>
 * A multistep method (e.g. DPM-Solver-v3) extends {@link org.diffusion4j.sampler.MultistepSampler}
 * and implements {@code predict(path, history, order, x, t, out)} using {@code history.m(j)},
 * {@code history.t(j)}, {@code history.lambda(j)} (newest first) and
 * {@code firstOrder(path, s, t, h)}; anything else implements {@link org.diffusion4j.sampler.Sampler}
 * (extend the package's {@code BaseSampler} for argument checks, per-row noise and the fused,
 * parallel {@code combine}; a method that evaluates the model once per step, like Euler, DDIM or
 * Euler-ancestral, extends {@code OneEvaluationLoop} and writes only its update {@code step}).
 * Register the CLI name in {@link org.diffusion4j.sampler.Samplers},
 * declare its convergence order ({@link org.diffusion4j.sampler.Sampler#order()}, and
 * {@link org.diffusion4j.sampler.Sampler#weakOrder()} if it is stochastic), and the CLI, the order
 * tests (ConvergenceOrderTest, WeakOrderTest), the NFE test and the accuracy benchmark pick it up. Searched or optimised time schedules are user grids
 * ({@link org.diffusion4j.sampler.TimeGrid#of}).
 *
 * <h2>Conventions</h2>
 * Time runs from data (small t) to noise (large t); a grid runs from t-start (noisy) to t-end.
 * h = lambda_t - lambda_s &gt; 0 per step. Stochastic samplers draw step i's noise for row r from
 * {@code Rng.of(seed).stream(16 i + k).stream(r)}, so results do not depend on the thread count.
 * Exponential-integrator samplers need 0 &lt; alpha, sigma at both ends (finite lambda): for
 * cond-OT or trig paths start slightly below t = 1.
 */
package org.diffusion4j.sampler;
