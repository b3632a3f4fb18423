package org.diffusion4j.sde.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.diffusion4j.sde.grad.GradientRoute;
import org.junit.jupiter.api.Test;

/**
 * The negative ELBO's gradient (prior, control and observation-noise parameters, through the
 * KL-augmented posterior) against central finite differences of the same Monte Carlo objective
 * on a fixed Brownian tree, in float64, for the OU and the fractional-OU latent SDE.
 */
class LatentGradientTest {
  static void check(LatentSde latent, GradientRoute route) {
    double[] base = latent.params();
    LatentSde.Objective o = latent.objective(2, 0.02, 7, route);
    double eps = 1e-6;
    for (int j = 0; j < base.length; j++) {
      double[] p = base.clone();
      p[j] += eps;
      latent.setParams(p);
      double up = latent.objective(2, 0.02, 7, route).negElbo();
      p[j] -= 2 * eps;
      latent.setParams(p);
      double down = latent.objective(2, 0.02, 7, route).negElbo();
      latent.setParams(base);
      double fd = (up - down) / (2 * eps);
      assertEquals(fd, o.gradient()[j], 1e-6 * Math.max(1, Math.abs(fd)), route + " parameter " + j);
    }
  }

  static ObservedSeries data() {
    double[] times = {0, 0.1, 0.25, 0.3, 0.5};
    return new ObservedSeries(times, new double[][] {{0.1, 0.3, 0.2, 0.4, 0.1}, {-0.2, -0.1, 0.05, 0.0, 0.3}, {0.5, 0.4, 0.6, 0.2, 0.3}});
  }

  @Test
  void ouLatentGradientMatchesFiniteDifferences() {
    ObservedSeries d = data();
    check(new LatentSde(new OuPrior(1.2, 0.1, 0.6), new BridgeControl(d, 1, 1, 1.3, 0.05), d, 0.2), GradientRoute.BACKPROP);
    check(new LatentSde(new OuPrior(1.2, 0.1, 0.6), new BridgeControl(d, 1, 1, 1.3, 0.05), d, 0.2), GradientRoute.REVERSIBLE_HEUN);
  }

  @Test
  void fractionalLatentGradientMatchesFiniteDifferencesIncludingHurst() {
    ObservedSeries d = data();
    check(new LatentSde(new FractionalOuPrior(1.2, 0.1, 0.6, 0.35, 4, 0.5, 4.0), new BridgeControl(d, 1, 5, 1.3, 0.05), d, 0.2),
        GradientRoute.BACKPROP);
  }
}
