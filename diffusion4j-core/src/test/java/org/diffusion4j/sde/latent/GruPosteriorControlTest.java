package org.diffusion4j.sde.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.sde.grad.GradientRoute;
import org.junit.jupiter.api.Test;

/**
 * The GRU-encoder posterior control (torchsde's latent_sde_lorenz.py encoder): the negative
 * ELBO's gradient through the encoder against finite differences in float64, the context's
 * time direction, determinism, and a short fit on OU data.
 */
class GruPosteriorControlTest {
  /** A control with all weights random (the output layer too, which starts at zero otherwise). */
  static GruPosteriorControl randomControl(ObservedSeries d, long seed) {
    return randomControl(d, false, seed);
  }

  static GruPosteriorControl randomControl(ObservedSeries d, boolean timeToNext, long seed) {
    GruPosteriorControl c = new GruPosteriorControl(d, 1, 1, 3, 2, timeToNext, seed);
    java.util.Random rnd = new java.util.Random(seed);
    double[] p = new double[c.paramCount()];
    for (int j = 0; j < p.length; j++) {
      p[j] = 0.8 * rnd.nextGaussian();
    }
    c.setParams(p);
    return c;
  }

  @Test
  void elboGradientThroughTheEncoderMatchesFiniteDifferences() {
    ObservedSeries d = LatentGradientTest.data();
    for (GradientRoute route : new GradientRoute[] {GradientRoute.BACKPROP, GradientRoute.REVERSIBLE_HEUN}) {
      LatentSde latent = new LatentSde(new OuPrior(1.2, 0.1, 0.6), randomControl(d, route == GradientRoute.BACKPROP, 5), d, 0.2);
      LatentGradientTest.check(latent, route);
      // The check must reach the encoder: its parameters (after the prior's 3) get gradient.
      double[] g = latent.objective(2, 0.02, 7, route).gradient();
      double encoder = 0;
      for (int j = 3; j < 3 + 54; j++) {
        encoder += Math.abs(g[j]);
      }
      assertTrue(encoder > 1e-3, route + ": the GRU's gradient is " + encoder);
    }
  }

  @Test
  void contextAtKReadsOnlyObservationsAtAndAfterK() {
    ObservedSeries d = LatentGradientTest.data();
    double[][] v = new double[d.count()][d.length()];
    for (int i = 0; i < d.count(); i++) {
      for (int k = 0; k < d.length(); k++) {
        v[i][k] = d.value(i, k);
      }
    }
    // Swap y_0 and y_1 of series 0: the data's mean and std (the control's normalisation) stay the same.
    double y0 = v[0][0];
    v[0][0] = v[0][1];
    v[0][1] = y0;
    ObservedSeries changed = new ObservedSeries(d.times(), v);
    GruPosteriorControl a = randomControl(d, 3);
    GruPosteriorControl b = new GruPosteriorControl(changed, 1, 1, 3, 2, 0);
    b.setParams(a.params());
    for (int k = 2; k < d.length(); k++) {
      assertArrayEquals(a.context(0, k), b.context(0, k), 0.0, "context after the change, k = " + k);
    }
    for (int k = 0; k <= 1; k++) {
      assertTrue(Math.abs(a.context(0, k)[0] - b.context(0, k)[0]) + Math.abs(a.context(0, k)[1] - b.context(0, k)[1]) > 1e-6,
          "context at or before the change, k = " + k);
    }
    assertArrayEquals(a.context(1, 1), b.context(1, 1), 0.0, "other series");
  }

  @Test
  void sameSeedGivesBitwiseIdenticalFits() {
    ObservedSeries data = LatentSdeTest.ouData(1.5, 0.3, 0.5, 0.05, 8, 10, 0.1, 4);
    double[][] out = new double[2][];
    for (int rep = 0; rep < 2; rep++) {
      LatentSde latent = new LatentSde(new OuPrior(1.0, 0.0, 0.3), new GruPosteriorControl(data, 1, 1, 8, 4, 11), data, 0.1);
      latent.fit(new LatentSde.FitOptions(5, 0.05, 2, 0.02, GradientRoute.BACKPROP, 9), null);
      out[rep] = latent.params();
    }
    assertArrayEquals(out[0], out[1], 0.0);
    assertThrows(IllegalArgumentException.class, () -> new GruPosteriorControl(data, 1, 1, 0, 4, 1));
  }

  static double[] fit(boolean timeToNext, int iterations, double lr, boolean fixStd) {
    ObservedSeries data = LatentSdeTest.ouData(1.5, 0.3, 0.5, 0.05, 16, 40, 0.1, 21);
    OuPrior prior = new OuPrior(1.0, 0.0, 0.25);
    LatentSde latent = new LatentSde(prior, new GruPosteriorControl(data, 1, 1, 16, 8, timeToNext, 1), data, fixStd ? 0.05 : 0.1);
    if (fixStd) {
      latent.fixObservationStd();
    }
    double before = latent.objective(4, 1.0 / 80, 99, GradientRoute.BACKPROP).negElbo();
    long t0 = System.nanoTime();
    latent.fit(new LatentSde.FitOptions(iterations, lr, 2, 1.0 / 80, GradientRoute.BACKPROP, 2, lr / 3), null);
    double after = latent.objective(4, 1.0 / 80, 99, GradientRoute.BACKPROP).negElbo();
    System.out.printf("GRU posterior fit (tau %s, %d steps, %.1f s): -ELBO/obs %.4f -> %.4f, theta %.3f mu %.3f sigma %.3f obs std %.4f%n",
        timeToNext, iterations, (System.nanoTime() - t0) / 1e9, before, after, prior.theta(), prior.mu(), prior.sigma(), latent.observationStd());
    return new double[] {before, after, prior.theta(), prior.mu(), prior.sigma(), latent.observationStd()};
  }

  /**
   * OU data (theta 1.5, mu 0.3, sigma 0.5; 16 series of 40 observations 0.1 apart, noise 0.05),
   * prior started at theta 1, mu 0, sigma 0.25, the control in torchsde's form (no time input), 80
   * Adam steps: the ELBO improves by more than 1 nat per observation, and theta and mu move towards
   * the truth (theta into (1.05, 1.9), mu within 0.15 of 0.3; measured 1.112 and 0.196). sigma is
   * NOT recovered in so short a fit (0.131: a network posterior still far from the true one pays
   * for path noise, so the ELBO shrinks the diffusion; docs/neural-sde.md), so it is not asserted.
   */
  @Test
  void shortFitOnOuDataImprovesTheElboAndMovesThePriorTowardsTheTruth() {
    double[] r = fit(false, 80, 0.05, false);
    assertTrue(r[1] < r[0] - 1, "-ELBO per observation " + r[0] + " -> " + r[1]);
    assertTrue(r[2] > 1.05 && r[2] < 1.9, "theta " + r[2]);
    assertEquals(0.3, r[3], 0.15, "mu");
  }
}
