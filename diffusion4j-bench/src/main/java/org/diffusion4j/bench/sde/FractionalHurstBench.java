package org.diffusion4j.bench.sde;

import java.util.Random;
import org.diffusion4j.sde.SdeSolution;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.Solver;
import org.diffusion4j.sde.grad.GradientRoute;
import org.diffusion4j.sde.latent.BridgeControl;
import org.diffusion4j.sde.latent.ExactPosteriorControl;
import org.diffusion4j.sde.latent.FractionalOuPrior;
import org.diffusion4j.sde.latent.LatentSde;
import org.diffusion4j.sde.latent.ObservedSeries;

/**
 * Hurst recovery by fractional-noise VI (Daems et al. 2023) on synthetic fractional OU data: the
 * Markov-fBM model itself (theta 0.5, mu 0, sigma 1, K 6, r 4 on [0, 1]), N series started at
 * 0.3 N(0, 1), 40 observations on [0, 1] with Gaussian noise of std s, simulated by Euler at dt
 * 1e-3. The prior starts at theta 1, mu 0, sigma 0.5, H 0.5 and the observation std at 2 s; all
 * five are fitted jointly by Adam (lr 0.05 decaying geometrically to 0.005) on the ELBO with the exact posterior control
 * ({@link ExactPosteriorControl}) or the bridge control ({@link BridgeControl}). Prints the fitted
 * parameters and, for reference, the H that maximises the exact log-likelihood with the other
 * parameters at the truth.
 *
 *   java -cp ... org.diffusion4j.bench.sde.FractionalHurstBench [s=0.1] [dtInverse=1280] [steps=300]
 *       [series=64] [samples=2] [posterior=exact|exact-matched|bridge] [hursts=0.3,0.7]
 */
public final class FractionalHurstBench {
  public static void main(String[] args) {
    double s = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
    double dt = 1.0 / (args.length > 1 ? Double.parseDouble(args[1]) : 1280);
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    int series = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    int samples = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    String posterior = args.length > 5 ? args[5] : "exact";
    boolean exact = !posterior.equals("bridge");
    String[] hs = (args.length > 6 ? args[6] : "0.3,0.7").split(",");
    for (String hText : hs) {
      double h = Double.parseDouble(hText);
      ObservedSeries data = data(h, series, 40, s, 5);
      FractionalOuPrior prior = new FractionalOuPrior(1.0, 0.0, 0.5, 0.5, 6, 1.0, 4.0);
      LatentSde latent;
      if (exact) {
        latent = LatentSde.withExactPosterior(prior, data, 2 * s, dt, posterior.equals("exact-matched"));
      } else {
        double[] g = prior.noiseMatrix();
        latent = new LatentSde(prior, new BridgeControl(data, 1, 7, 1.0 / g[0], 0.01), data, 2 * s);
      }
      long t0 = System.nanoTime();
      LatentSde.Objective last = latent.fit(new LatentSde.FitOptions(steps, 0.05, samples, dt, GradientRoute.BACKPROP, 1, 0.005), (it, o) -> {
        if (it % 50 == 0) {
          System.out.printf("  H %.1f step %d: H %.3f theta %.3f mu %.3f sigma %.3f s %.4f -elbo/obs %.4f kl %.4f%n", h, it, prior.hurst(),
              prior.theta(), prior.mu(), prior.sigma(), latent.observationStd(), o.negElbo(), o.kl());
        }
      });
      double secs = (System.nanoTime() - t0) / 1e9;
      double bestL = Double.NEGATIVE_INFINITY;
      double argL = 0;
      for (int j = 0; j <= 70; j++) {
        double hh = 0.15 + 0.01 * j;
        double ll = ExactPosteriorControl.logLikelihood(new FractionalOuPrior(0.5, 0.0, 1.0, hh, 6, 1.0, 4.0), data, s, dt);
        if (ll > bestL) {
          bestL = ll;
          argL = hh;
        }
      }
      System.out.printf("true H %.2f (%s posterior, s %.3f, dt 1/%.0f, %d steps, %d series x %d samples): fitted H %.3f theta %.3f mu %.3f sigma %.3f"
          + " s %.4f, -elbo/obs %.4f, %.0f s; exact-likelihood H (others at truth) %.2f%n", h, posterior, s, 1 / dt, steps, series,
          samples, prior.hurst(), prior.theta(), prior.mu(), prior.sigma(), latent.observationStd(), last.negElbo(), secs, argL);
    }
  }

  /** The test's data: the fractional OU model itself observed with noise (as FractionalViTest.fouData). */
  static ObservedSeries data(double hurst, int series, int obs, double obsStd, long seed) {
    FractionalOuPrior truth = new FractionalOuPrior(0.5, 0.0, 1.0, hurst, 6, 1.0, 4.0);
    double[] times = new double[obs + 1];
    for (int k = 0; k <= obs; k++) {
      times[k] = (double) k / obs;
    }
    Random rnd = new Random(seed);
    int dim = truth.dim();
    double[] y0 = new double[series * dim];
    for (int i = 0; i < series; i++) {
      y0[i * dim] = 0.3 * rnd.nextGaussian();
    }
    SdeSolution sol = SdeSolve.of(truth).solver(Solver.EULER).t1(1.0).dt(1e-3).y0(y0).paths(series).seed(seed).saveAt(times).run();
    double[][] v = new double[series][obs + 1];
    for (int i = 0; i < series; i++) {
      for (int k = 0; k <= obs; k++) {
        v[i][k] = sol.get(i, k, 0) + (k == 0 ? 0 : obsStd * rnd.nextGaussian());
      }
    }
    return new ObservedSeries(times, v);
  }
}
