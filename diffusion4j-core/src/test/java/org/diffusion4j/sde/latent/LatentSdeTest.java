package org.diffusion4j.sde.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.sde.SdeSolution;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.Solver;
import org.diffusion4j.sde.grad.DifferentiableOu;
import org.diffusion4j.sde.grad.GradientRoute;
import org.diffusion4j.sde.models.OrnsteinUhlenbeck;
import org.junit.jupiter.api.Test;

class LatentSdeTest {
  /**
   * KL between two OU path measures with the same sigma, from z0: with a = theta1 mu1 - theta2 mu2,
   * b = theta2 - theta1, m(t) = mu1 + (z0 - mu1) e^{-theta1 t}, v(t) = sigma^2 (1 - e^{-2 theta1 t}) / (2 theta1),
   * KL = 1/(2 sigma^2) int_0^T [(a + b m)^2 + b^2 v] dt, integrated in closed form.
   */
  static double closedFormKl(double th1, double mu1, double th2, double mu2, double sigma, double z0, double tEnd) {
    double a = th1 * mu1 - th2 * mu2;
    double b = th2 - th1;
    double c0 = a + b * mu1;
    double c1 = b * (z0 - mu1);
    double e1 = -Math.expm1(-th1 * tEnd) / th1;
    double e2 = -Math.expm1(-2 * th1 * tEnd) / (2 * th1);
    double mean = c0 * c0 * tEnd + 2 * c0 * c1 * e1 + c1 * c1 * e2;
    double var = b * b * sigma * sigma / (2 * th1) * (tEnd - e2);
    return (mean + var) / (2 * sigma * sigma);
  }

  @Test
  void pathKlBetweenTwoOuProcessesMatchesItsClosedForm() {
    double th1 = 2.0;
    double mu1 = 1.0;
    double th2 = 0.7;
    double mu2 = -0.5;
    double sigma = 0.8;
    double z0 = 0.3;
    double tEnd = 1.5;
    ObservedSeries dummy = new ObservedSeries(new double[] {0, tEnd}, new double[][] {{z0, z0}});
    AffineControl u = new AffineControl((th1 * mu1 - th2 * mu2) / sigma, (th2 - th1) / sigma, 1);
    LatentSde latent = new LatentSde(new DifferentiableOu(th2, mu2, sigma, 1), u, dummy, 1.0);
    int paths = 40_000;
    SdeSolution sol = SdeSolve.of(latent.posteriorWithKl()).solver(Solver.EULER).t1(tEnd).dt(1.0 / 1024).y0(z0, 0.0)
        .paths(paths).seed(3).run();
    double[] kl = sol.column(0, 1);
    // Blocks (64 paths each) run on several threads: the augmented term keeps per-thread scratch, so a
    // rerun is bitwise identical (checked on 4,096 paths, 64 blocks, which costs a tenth of a rerun).
    SdeSolution once = SdeSolve.of(latent.posteriorWithKl()).solver(Solver.EULER).t1(tEnd).dt(1.0 / 1024).y0(z0, 0.0)
        .paths(4096).seed(5).run();
    SdeSolution again = SdeSolve.of(latent.posteriorWithKl()).solver(Solver.EULER).t1(tEnd).dt(1.0 / 1024).y0(z0, 0.0)
        .paths(4096).seed(5).run();
    org.junit.jupiter.api.Assertions.assertArrayEquals(once.values(), again.values());
    double[] z = sol.column(0, 0);
    double mean = 0;
    double zMean = 0;
    for (int p = 0; p < paths; p++) {
      mean += kl[p] / paths;
      zMean += z[p] / paths;
    }
    double var = 0;
    for (double v : kl) {
      var += (v - mean) * (v - mean) / (paths - 1);
    }
    double se = Math.sqrt(var / paths);
    double exact = closedFormKl(th1, mu1, th2, mu2, sigma, z0, tEnd);
    System.out.printf("path KL: Monte Carlo %.5f +- %.5f, closed form %.5f%n", mean, se, exact);
    // The posterior really is OU(theta1, mu1): its mean at T.
    assertEquals(mu1 + (z0 - mu1) * Math.exp(-th1 * tEnd), zMean, 0.01);
    // Monte Carlo error (4 standard errors) plus Euler's O(dt) bias on the integrand.
    assertEquals(exact, mean, 4 * se + 2e-3 * exact);
    assertTrue(Math.abs(exact - closedFormKl(th1, mu1, th2, mu2, sigma * 1.1, z0, tEnd)) > 4 * se + 2e-3 * exact,
        "the test can tell a 10% different sigma apart");
  }

  static ObservedSeries ouData(double theta, double mu, double sigma, double obsStd, int series, int obs, double dtObs, long seed) {
    double[] times = new double[obs + 1];
    for (int k = 0; k <= obs; k++) {
      times[k] = k * dtObs;
    }
    double statStd = sigma / Math.sqrt(2 * theta);
    double[] y0 = new double[series];
    java.util.Random rnd = new java.util.Random(seed);
    for (int i = 0; i < series; i++) {
      y0[i] = mu + statStd * rnd.nextGaussian();
    }
    return observe(new OrnsteinUhlenbeck(theta, mu, sigma, 1), y0, times, obsStd, rnd, seed);
  }

  /**
   * Component 0 of an Euler solve (dt 1e-3) of {@code term} from each row of {@code y0}, at
   * {@code times}, with N(0, obsStd^2) noise added after the first time.
   */
  static ObservedSeries observe(org.diffusion4j.sde.SdeTerm term, double[] y0, double[] times, double obsStd, java.util.Random rnd, long seed) {
    int series = y0.length / term.dim();
    SdeSolution sol = SdeSolve.of(term).solver(Solver.EULER).t1(times[times.length - 1]).dt(1e-3)
        .y0(y0).paths(series).seed(seed).saveAt(times).run();
    double[][] v = new double[series][times.length];
    for (int i = 0; i < series; i++) {
      for (int k = 0; k < times.length; k++) {
        v[i][k] = sol.get(i, k, 0) + (k == 0 ? 0 : obsStd * rnd.nextGaussian());
      }
    }
    return new ObservedSeries(times, v);
  }

  /**
   * Data: 32 series of an OU process (theta 1.5, mu 0.3, sigma 0.5) started in its stationary
   * law, 40 observations 0.1 apart with noise std 0.05 (128 time units: the MLE of theta has a
   * standard error of about sqrt(2 theta / 128) = 0.15). The fitted prior (120 Adam steps, rate 0.05 decaying to 0.01, 2
   * posterior samples, dt = 1/160, backprop) recovers theta within 25% and sigma within 8%.
   */
  @Test
  void recoversOuParametersFromData() {
    ObservedSeries data = ouData(1.5, 0.3, 0.5, 0.05, 32, 40, 0.1, 21);
    OuPrior prior = new OuPrior(0.5, 0.0, 1.0);
    LatentSde latent = new LatentSde(prior, new BridgeControl(data, 1, 1, 1.0, 0.01), data, 0.05);
    long t = System.nanoTime();
    LatentSde.Objective last = latent.fit(new LatentSde.FitOptions(120, 0.05, 2, 0.00625, GradientRoute.BACKPROP, 1, 0.01), null);
    System.out.printf("fit in %.1f s: theta %.3f, mu %.3f, sigma %.3f, obs std %.4f, -ELBO %.4f (KL %.4f)%n",
        (System.nanoTime() - t) / 1e9, prior.theta(), prior.mu(), prior.sigma(), latent.observationStd(), last.negElbo(), last.kl());
    assertEquals(1.5, prior.theta(), 0.375);
    assertEquals(0.5, prior.sigma(), 0.04);
    assertEquals(0.3, prior.mu(), 0.15);
  }

  @Test
  void badSeriesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ObservedSeries(new double[] {0, 0.5, 0.4}, new double[][] {{1, 2, 3}}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ObservedSeries(new double[] {0, 1}, new double[][] {{1, 2, 3}}));
    assertTrue(e.getMessage().contains("3 values"), e.getMessage());
  }
}
