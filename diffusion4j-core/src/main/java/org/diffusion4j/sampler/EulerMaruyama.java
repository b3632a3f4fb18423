package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * Euler-Maruyama on the reverse SDE family with noise level eta (DESIGN.md; Song et al. 2021,
 * Eq. 6 for eta = 1, Eq. 13 for eta = 0; Zhang &amp; Chen 2023, Eq. 5):
 * dx = [f x - (1 + eta^2) g^2 score / 2] dt + eta g dW, integrated backwards in time:
 * x_{i+1} = x_i + [f x_i - (1 + eta^2) g^2 score / 2] dt + eta g sqrt(|dt|) z with dt = t_{i+1} - t_i &lt; 0.
 * Strong order 1/2, weak order 1; one evaluation per step.
 */
public final class EulerMaruyama extends OneEvaluationLoop {
  private final double eta;

  public EulerMaruyama(String name, double eta) {
    super(name, Prediction.SCORE);
    this.eta = requireEta(name, eta);
  }

  @Override
  public boolean stochastic() {
    return eta > 0;
  }

  @Override
  void step(ModelEvaluator model, Batch x, Batch score, double t, double tn, StepNoise noise) {
    GaussianPath p = model.path();
    double dt = tn - t;
    double f = p.drift(t);
    double g2 = p.diffusionSquared(t);
    double cx = 1 + f * dt;
    double cs = -0.5 * (1 + eta * eta) * g2 * dt;
    if (eta > 0) {
      x.setLinear(cx, x, cs, score, eta * Math.sqrt(g2 * -dt), noise.draw(0));
    } else {
      x.setLinear(cx, x, cs, score);
    }
  }
}
