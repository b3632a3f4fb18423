/**
 * A general SDE engine, independent of the diffusion samplers, with diffrax's separation of
 * concerns:
 *
 * <ul>
 *   <li><b>terms</b> — {@link org.diffusion4j.sde.SdeTerm}: drift f(t, y) and diffusion g(t, y),
 *       batched over paths (one call per block of paths and step), with a
 *       {@link org.diffusion4j.sde.NoiseType} (diagonal, scalar, additive, general d x m) and a
 *       {@link org.diffusion4j.sde.Calculus} (Ito or Stratonovich); optional analytic (g . grad) g
 *       for Milstein, finite differences otherwise;</li>
 *   <li><b>Brownian sources</b> — {@link org.diffusion4j.sde.BrownianIncrements} (plain, fastest)
 *       and {@link org.diffusion4j.sde.BrownianTree} (reproducible on any interval in any order,
 *       with the time integral of W for order 1.5 schemes);</li>
 *   <li><b>solvers</b> — {@link org.diffusion4j.sde.Solver}: Euler-Maruyama, Milstein (Ito and
 *       Stratonovich), stochastic Heun, SRIW1, SRA1, reversible Heun (with its exact backward
 *       step), drift-implicit Euler; each declares its calculus, strong order per noise class,
 *       weak order and whether adaptive steps converge;</li>
 *   <li><b>step-size control</b> — fixed steps or {@link org.diffusion4j.sde.PidController}
 *       (step doubling on the Brownian tree, PI rule), refused for schemes whose steps it cannot
 *       control (Euler on multiplicative noise, non-commutative noise);</li>
 *   <li><b>saved outputs</b> — {@link org.diffusion4j.sde.SdeSolution} at the requested save times.</li>
 * </ul>
 *
 * {@link org.diffusion4j.sde.SdeSolve} runs the Monte Carlo on all cores (or on
 * {@code Parallel.withThreads(n, ...)}), bitwise deterministic for a seed at any thread count.
 * Measurements: docs/sde.md. Built-in models live in {@code sde.models}; fractional Brownian
 * motion (exact and Markov-approximate) in {@code sde.fbm}.
 */
package org.diffusion4j.sde;
