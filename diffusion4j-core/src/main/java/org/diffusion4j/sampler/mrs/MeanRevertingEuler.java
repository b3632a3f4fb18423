package org.diffusion4j.sampler.mrs;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/**
 * The baseline MRS is compared against: Euler (eta = 0, probability-flow ODE) or Euler-Maruyama
 * (eta = 1, reverse SDE of Anderson 1982 as used by IR-SDE, Luo et al. 2023, Eq. 7) on the
 * mean-reverting reverse dynamics
 * dx = [f(t)(x - mu) - (1 + eta^2)/2 g^2(t) score] dt + eta g(t) dW-bar, score = -eps / sigma.
 *
 * @param eta noise level: 0 = ODE, 1 = reverse SDE
 */
public record MeanRevertingEuler(double eta) {
  public MeanRevertingEuler {
    if (!(eta >= 0) || !Double.isFinite(eta)) {
      throw new IllegalArgumentException("eta must be finite and >= 0, got " + eta);
    }
  }

  /** As {@link MrsSolver#sample}: from {@code times[0]} to {@code times[last]}, one NFE per step. */
  public Batch sample(Denoiser model, MeanRevertingPath path, Batch xT, double[] times, long seed) {
    MrsSolver.checkTimes(path.base(), times);
    GaussianPath base = path.base();
    Rng rng = Rng.of(seed);
    Batch x = xT.copy();
    Batch y = xT.zerosLike();
    Batch eps = xT.zerosLike();
    Batch z = xT.zerosLike();
    for (int i = 0; i + 1 < times.length; i++) {
      double s = times[i];
      double dt = times[i + 1] - s;
      model.predict(x, s, eps);
      int bad = eps.firstNonFinite();
      if (bad >= 0) {
        throw new IllegalStateException("model returned " + eps.data()[bad] + " at step " + i + ", t=" + s);
      }
      path.center(x, y);
      if (model.prediction() == Prediction.X0) {
        path.center(eps, eps);
        eps.setLinear(1 / base.sigma(s), y, -base.alpha(s) / base.sigma(s), eps);
      } else if (model.prediction() != Prediction.EPSILON) {
        throw new IllegalArgumentException("needs a model predicting eps or x0, got " + model.prediction());
      }
      double g2 = base.diffusionSquared(s);
      // drift = f y + (1 + eta^2)/2 g^2 eps / sigma
      y.setLinear(1 + base.drift(s) * dt, y, 0.5 * (1 + eta * eta) * g2 / base.sigma(s) * dt, eps);
      if (eta > 0) {
        MrsSolver.fillNoise(rng.stream(i), z);
        y.addScaled(eta * Math.sqrt(g2 * -dt), z);
      }
      path.uncenter(y, x);
    }
    return x;
  }
}
