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
public final class DdimSampler extends OneEvaluationLoop {
  public DdimSampler() {
    super("ddim", Prediction.EPSILON);
  }

  @Override
  void step(ModelEvaluator model, Batch x, Batch eps, double s, double t, StepNoise noise) {
    GaussianPath p = model.path();
    double as = p.alpha(s);
    double ss = p.sigma(s);
    double at = p.alpha(t);
    double st = p.sigma(t);
    // x_t = alpha_t (x - sigma_s eps) / alpha_s + sigma_t eps
    x.setLinear(at / as, x, st - at * ss / as, eps);
  }
}
