package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.path.GaussianPath;

/**
 * One sampling algorithm: integrates the probability-flow ODE or a reverse SDE of a path from
 * the first to the last time of a {@link TimeGrid}, using a {@link ModelEvaluator} for every model
 * call. Implementations are immutable (their options are fixed at construction) and
 * thread-safe; all state of a run lives in the {@code sample} call.
 *
 * <p>NFE budgets: {@link #plan(int)} returns the steps and orders that use exactly that many
 * evaluations, or throws if that is impossible; {@link #planForSteps(int)} does the same for a
 * given grid. {@link Sampling} ties these together.
 */
public interface Sampler {
  /** The registry name, e.g. {@code dpm-solver++-2m}. */
  String name();

  /** The plan that uses exactly {@code nfe} model evaluations. */
  Plan plan(int nfe);

  /** The plan for a grid of {@code steps} steps. */
  Plan planForSteps(int steps);

  /**
   * {@link #plan(int)} for sampling on {@code path}: rules that depend on the path (a multistep
   * solver's {@link LowerOrderFinal#AUTO}, whose reference code differs between diffusion and flow
   * paths) are resolved for it. {@link #plan(int)} alone resolves them as on a diffusion path.
   * {@link Sampling} calls this form.
   */
  default Plan plan(int nfe, GaussianPath path) {
    return plan(nfe);
  }

  /** {@link #planForSteps(int)} for sampling on {@code path} (see {@link #plan(int, GaussianPath)}). */
  default Plan planForSteps(int steps, GaussianPath path) {
    return planForSteps(steps);
  }

  /**
   * The declared global order of accuracy p: error O(h^p) in the step size h on the
   * probability-flow ODE (e.g. euler 1, heun 2, dpm-solver++-3m 3, unipc-bh2-2 3). A stochastic
   * sampler declares the order of its noise-free limit (eta = 0, S_churn = 0, which is where
   * ConvergenceOrderTest measures it); 0 means it has none (predictor-corrector, whose predictor
   * is the reverse SDE itself). A multistep solver's warm-up steps of lower order are not counted
   * (they cap the global order only on grids that do not refine their first step).
   */
  int order();

  /**
   * For a stochastic sampler, the declared weak order q on the reverse diffusion SDE: error
   * O(h^q) in the moments of the samples (the SDE's noise is additive, g depends on t only, so
   * the noise-type distinctions of {@link org.diffusion4j.sde.Solver} do not arise); NaN for a
   * deterministic sampler.
   */
  default double weakOrder() {
    return Double.NaN;
  }

  /** Whether the sampler draws random numbers (then {@code seed} matters). */
  default boolean stochastic() {
    return false;
  }

  /**
   * The grid of {@code plan} with the given spacing from {@code start} to {@code end}:
   * {@code plan.steps()} steps by default. Singlestep DPM-Solver places its steps as the official
   * code does ({@link DpmSolverSinglestep#grid}).
   */
  default TimeGrid grid(TimeGrid.Spacing spacing, double rho, GaussianPath path, double start, double end, Plan plan) {
    return TimeGrid.create(spacing, rho, path, start, end, plan.steps());
  }

  /** Whether the sampler picks its own steps (then only the grid's end points are used). */
  default boolean adaptive() {
    return false;
  }

  /**
   * Integrates from {@code x} at {@code grid.start()} to {@code grid.end()} following {@code plan}
   * ({@code plan.steps() == grid.steps()}), and returns the state at the end (a new batch;
   * {@code x} is not modified). Noise, if any, is drawn per (seed, step, row) so the result does not
   * depend on the thread count.
   */
  Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x, long seed);
}
