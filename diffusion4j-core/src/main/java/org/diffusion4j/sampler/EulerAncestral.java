package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * Ancestral sampling: DDPM (Ho et al. 2020, Alg. 2) for eta = 1 and its eta-interpolation to DDIM
 * (Song et al. 2021, "DDIM", Eq. 12 and 16), in the form of k-diffusion's Euler-ancestral. In the
 * scale-free variables x~ = x/alpha, s = sigma/alpha = e^-lambda, a step from s to s' splits into
 * s_up = min(s', eta s' sqrt(1 - s'^2/s^2)) and s_down = sqrt(s'^2 - s_up^2):
 * x~' = x~ + (s_down - s) eps(x, t) + s_up z, z ~ N(0, I), and x' = alpha' x~'. The deterministic
 * part is exactly a DDIM step to s_down; with eta = 1 the added variance is DDPM's posterior
 * variance. eta = 0 gives DDIM.
 */
public final class EulerAncestral extends OneEvaluationLoop {
  private final double eta;

  public EulerAncestral(String name, double eta) {
    super(name, Prediction.EPSILON);
    this.eta = requireEta(name, eta);
  }

  @Override
  public boolean stochastic() {
    return eta > 0;
  }

  @Override
  void step(ModelEvaluator model, Batch x, Batch eps, double t, double tn, StepNoise noise) {
    GaussianPath p = model.path();
    double a = p.alpha(t);
    double an = p.alpha(tn);
    double s = p.sigma(t) / a;
    double sn = p.sigma(tn) / an;
    double up = Math.min(sn, eta * sn * Math.sqrt(Math.max(0, 1 - (sn * sn) / (s * s))));
    double down = Math.sqrt(Math.max(0, sn * sn - up * up));
    // x' = alpha' (x/alpha + (s_down - s) eps + s_up z)
    if (up > 0) {
      x.setLinear(an / a, x, an * (down - s), eps, an * up, noise.draw(0));
    } else {
      x.setLinear(an / a, x, an * (down - s), eps);
    }
  }
}
