package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * Multistep consistency sampling (Song et al. 2023, "Consistency Models", Algorithm 1; official
 * code openai/consistency_models {@code stochastic_iterative_sampler}): on the grid
 * t_0 &gt; t_1 &gt; ... &gt; t_N = t_end, x0 = f(x, t_0); then for each later grid time
 * x = alpha(t_i) (x0 + sqrt(s_i^2 - s_end^2) z), s = sigma/alpha, and x0 = f(x, t_i); the result is
 * alpha(t_end) x0, the state at t_end. One step is the one-step consistency sample f(x_T, T).
 *
 * <p>The model's data prediction is taken as f, so this is meant for consistency models
 * ({@link org.diffusion4j.consistency.ConsistencyFunction}, {@code d4j distill} runs); on an ordinary
 * diffusion model it re-noises the posterior mean, which is no ODE or SDE discretisation: it has no
 * convergence order ({@link #order()} 0) and is stochastic from two steps on.
 */
public final class ConsistencySampler extends BaseSampler {

  public ConsistencySampler(String name) {
    super(name);
  }

  /** No order: consistency sampling is not a discretisation of the probability-flow ODE or the SDE. */
  @Override
  public int order() {
    return 0;
  }

  @Override
  public boolean stochastic() {
    return true;
  }

  @Override
  public Plan plan(int nfe) {
    return Plan.firstOrder(EulerSampler.requirePositive(nfe), 1);
  }

  @Override
  public Plan planForSteps(int steps) {
    return Plan.firstOrder(steps, 1);
  }

  @Override
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch start, long seed) {
    check(model, grid, plan, start);
    GaussianPath p = model.path();
    double end = grid.t(grid.steps());
    double sEnd = p.sigma(end) / p.alpha(end);
    Batch x = start.copy();
    Batch x0 = x.zerosLike();
    Batch z = x.zerosLike();
    for (int i = 0; i < grid.steps(); i++) {
      model.step(i);
      model.evaluate(x, grid.t(i), Prediction.X0, x0);
      double tn = grid.t(i + 1);
      double an = p.alpha(tn);
      if (i + 1 < grid.steps()) {
        double sn = p.sigma(tn) / an;
        gaussian(seed, stream(i, 0), z);
        x.setLinear(an, x0, an * Math.sqrt(Math.max(0, sn * sn - sEnd * sEnd)), z);
      } else {
        x.setScaled(an, x0);
      }
    }
    return x;
  }
}
