package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * Deterministic DDIM (Song, Meng &amp; Ermon 2021, "Denoising Diffusion Implicit Models", Eq. 12
 * with sigma_t = 0): x0 = (x_s - sigma_s eps) / alpha_s, x_t = alpha_t x0 + sigma_t eps. It is
 * the first-order exponential integrator, i.e. DPM-Solver-1 (Lu et al. 2022, Eq. 3.7), written in
 * DDIM's own form. One evaluation per step.
 */
public final class DdimSampler extends BaseSampler {
  public DdimSampler() {
    super("ddim");
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
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x0, long seed) {
    check(model, grid, plan, x0);
    GaussianPath p = model.path();
    Batch x = x0.copy();
    Batch eps = x.zerosLike();
    for (int i = 0; i < grid.steps(); i++) {
      model.step(i);
      double s = grid.t(i);
      double t = grid.t(i + 1);
      model.evaluate(x, s, Prediction.EPSILON, eps);
      double as = p.alpha(s);
      double ss = p.sigma(s);
      double at = p.alpha(t);
      double st = p.sigma(t);
      // x_t = alpha_t (x - sigma_s eps) / alpha_s + sigma_t eps
      x.setLinear(at / as, x, st - at * ss / as, eps);
    }
    return x;
  }
}
