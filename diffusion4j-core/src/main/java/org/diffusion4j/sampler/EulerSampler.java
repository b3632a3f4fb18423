package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;

/**
 * Explicit Euler on the probability-flow ODE dx/dt = f(t) x - g(t)^2 score / 2 (Song et al. 2021,
 * Eq. 13), written through the velocity u = alpha' x0 + sigma' eps, which equals that right-hand
 * side: x_{i+1} = x_i + (t_{i+1} - t_i) u(x_i, t_i). First order; one evaluation per step.
 */
public final class EulerSampler extends BaseSampler {
  public EulerSampler() {
    super("euler");
  }

  @Override
  public Plan plan(int nfe) {
    return Plan.firstOrder(requirePositive(nfe), 1);
  }

  @Override
  public Plan planForSteps(int steps) {
    return Plan.firstOrder(steps, 1);
  }

  static int requirePositive(int nfe) {
    if (nfe < 1) {
      throw new IllegalArgumentException("need at least 1 model evaluation, got " + nfe);
    }
    return nfe;
  }

  @Override
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x0, long seed) {
    check(model, grid, plan, x0);
    Batch x = x0.copy();
    Batch u = x.zerosLike();
    for (int i = 0; i < grid.steps(); i++) {
      model.step(i);
      double t = grid.t(i);
      model.evaluate(x, t, Prediction.VELOCITY, u);
      x.addScaled(grid.t(i + 1) - t, u);
    }
    return x;
  }
}
