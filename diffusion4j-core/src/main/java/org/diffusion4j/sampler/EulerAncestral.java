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
public final class EulerAncestral extends BaseSampler {
  private final double eta;

  public EulerAncestral(String name, double eta) {
    super(name);
    if (!(eta >= 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException(name + ": eta must be >= 0, got " + eta);
    }
    this.eta = eta;
  }

  @Override
  public boolean stochastic() {
    return eta > 0;
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
    Batch z = x.zerosLike();
    for (int i = 0; i < grid.steps(); i++) {
      model.step(i);
      double t = grid.t(i);
      double tn = grid.t(i + 1);
      model.evaluate(x, t, Prediction.EPSILON, eps);
      double a = p.alpha(t);
      double an = p.alpha(tn);
      double s = p.sigma(t) / a;
      double sn = p.sigma(tn) / an;
      double up = Math.min(sn, eta * sn * Math.sqrt(Math.max(0, 1 - (sn * sn) / (s * s))));
      double down = Math.sqrt(Math.max(0, sn * sn - up * up));
      // x' = alpha' (x/alpha + (s_down - s) eps + s_up z)
      if (up > 0) {
        gaussian(seed, stream(i, 0), z);
        x.setLinear(an / a, x, an * (down - s), eps, an * up, z);
      } else {
        x.setLinear(an / a, x, an * (down - s), eps);
      }
    }
    return x;
  }
}
