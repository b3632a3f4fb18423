package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;

/**
 * Explicit Euler on the probability-flow ODE dx/dt = f(t) x - g(t)^2 score / 2 (Song et al. 2021,
 * Eq. 13), written through the velocity u = alpha' x0 + sigma' eps, which equals that right-hand
 * side: x_{i+1} = x_i + (t_{i+1} - t_i) u(x_i, t_i). First order; one evaluation per step.
 */
public final class EulerSampler extends OneEvaluationLoop {
  public EulerSampler() {
    super("euler", Prediction.VELOCITY);
  }

  static int requirePositive(int nfe) {
    if (nfe < 1) {
      throw new IllegalArgumentException("need at least 1 model evaluation, got " + nfe);
    }
    return nfe;
  }

  @Override
  void step(ModelEvaluator model, Batch x, Batch u, double t, double tNext, StepNoise noise) {
    x.addScaled(tNext - t, u);
  }
}
