package org.diffusion4j.bench.sde;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.diffusion4j.forecast.ForecastMetrics;
import org.diffusion4j.io.Csv;
import org.diffusion4j.sde.SdeSolution;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.Solver;
import org.diffusion4j.sde.grad.GradientRoute;
import org.diffusion4j.sde.latent.BridgeControl;
import org.diffusion4j.sde.latent.GruPosteriorControl;
import org.diffusion4j.sde.latent.LatentSde;
import org.diffusion4j.sde.latent.ObservedSeries;
import org.diffusion4j.sde.latent.OuPrior;
import org.diffusion4j.sde.models.OrnsteinUhlenbeck;

/**
 * Latent SDE (OU prior, {@link LatentSde}) on S&amp;P 500 log prices against a GBM fitted by maximum
 * likelihood: marginal CRPS of 20-day-ahead paths of the log price change x_{o+h} - x_o, h = 1..20
 * trading days, at 40 forecast origins 20 days apart at the end of the series. Both models are
 * fitted once, on the 1,500 trading days before the first origin: the GBM's daily log-return mean
 * and variance (its MLE), the latent SDE on the 25 consecutive 60-day chunks of that window, each
 * as the log price relative to its first day (time in years), 200 Adam steps.
 *
 * The posterior is the bridge control, or with {@code exact} the exact posterior of the OU prior
 * with its step variance ({@link LatentSde#withExactPosterior}), or with {@code gru} the GRU-encoder
 * control of torchsde's latent_sde_lorenz.py ({@link GruPosteriorControl}, hidden 16, context 8;
 * {@code gru-tau} also reads the time to the next observation; {@code gru-fixed} holds the
 * observation std at 0.002, as torchsde's example fixes noise_std).
 *
 *   java -cp ... org.diffusion4j.bench.sde.LatentSp500Bench [csv=diffusion4j-bench/data/timeseries/sp500-2000-close.csv] [bridge|exact|gru|gru-tau|gru-fixed]
 */
public final class LatentSp500Bench {
  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args.length > 0 ? args[0] : "diffusion4j-bench/data/timeseries/sp500-2000-close.csv");
    double[] close = Csv.read(csv, Csv.Options.defaults().columns("close")).data().data();
    int n = close.length;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.log(close[i]);
    }
    int horizon = 20;
    int origins = 40;
    int firstOrigin = n - 1 - horizon - horizon * (origins - 1);
    int window = 1500;
    int trainStart = firstOrigin - window;
    double year = 252.0;
    // GBM maximum likelihood: daily log returns are N(m, s^2).
    double m = 0;
    for (int i = trainStart + 1; i < firstOrigin; i++) {
      m += (x[i] - x[i - 1]) / (window - 1);
    }
    double v = 0;
    for (int i = trainStart + 1; i < firstOrigin; i++) {
      v += (x[i] - x[i - 1] - m) * (x[i] - x[i - 1] - m) / (window - 1);
    }
    double s = Math.sqrt(v);
    // Latent SDE on 60-day chunks.
    int chunk = 60;
    int chunks = window / chunk;
    double[] times = new double[chunk + 1];
    for (int k = 0; k <= chunk; k++) {
      times[k] = k / year;
    }
    double[][] values = new double[chunks][chunk + 1];
    for (int c = 0; c < chunks; c++) {
      int a = trainStart + c * chunk;
      for (int k = 0; k <= chunk && a + k < firstOrigin; k++) {
        values[c][k] = x[a + k] - x[a];
      }
    }
    ObservedSeries data = new ObservedSeries(times, values);
    OuPrior prior = new OuPrior(1.0, 0.0, s * Math.sqrt(year));
    String posterior = args.length > 1 ? args[1] : "bridge";
    LatentSde latent = switch (posterior) {
      case "exact" -> LatentSde.withExactPosterior(prior, data, 0.002, 1 / year / 4, true);
      case "gru", "gru-tau" -> new LatentSde(prior, new GruPosteriorControl(data, 1, 1, 16, 8, posterior.equals("gru-tau"), 1), data, 0.002);
      case "gru-fixed" -> new LatentSde(prior, new GruPosteriorControl(data, 1, 1, 16, 8, false, 1), data, 0.002).fixObservationStd();
      case "bridge" -> new LatentSde(prior, new BridgeControl(data, 1, 1, 1.0 / (s * Math.sqrt(year)), 1e-4), data, 0.002);
      default -> throw new IllegalArgumentException("posterior must be bridge, exact, gru, gru-tau or gru-fixed, got '" + posterior + "'");
    };
    long t0 = System.nanoTime();
    LatentSde.Objective last = latent.fit(new LatentSde.FitOptions(200, 0.05, 2, 1 / year / 4, GradientRoute.BACKPROP, 1), null);
    System.out.printf("GBM MLE: daily log-return mean %.3e, std %.4f (annual drift %.3f, vol %.3f)%n", m, s, m * year, s * Math.sqrt(year));
    System.out.printf("latent SDE (OU prior) fit in %.1f s: theta %.3f, mu %.4f, sigma %.4f (annual), obs std %.5f, -ELBO %.3f, KL %.3f%n",
        (System.nanoTime() - t0) / 1e9, prior.theta(), prior.mu(), prior.sigma(), latent.observationStd(), last.negElbo(), last.kl());
    int paths = 2000;
    double[] saves = new double[horizon];
    for (int h = 1; h <= horizon; h++) {
      saves[h - 1] = h / year;
    }
    SdeSolution sol = SdeSolve.of(new OrnsteinUhlenbeck(prior.theta(), prior.mu(), prior.sigma(), 1)).solver(Solver.EULER)
        .t1(horizon / year).dt(1 / year / 4).y0(0.0).paths(paths).seed(5).saveAt(saves).run();
    SplittableRandom rnd = new SplittableRandom(7);
    double[][] gbm = new double[horizon][paths];
    for (int p = 0; p < paths; p++) {
      double w = 0;
      for (int h = 1; h <= horizon; h++) {
        w += gaussian(rnd);
        gbm[h - 1][p] = m * h + s * w;
      }
    }
    // The observed change x_{o+h} - x_o = z_{o+h} - z_o + eps_{o+h} - eps_o: the latent paths plus
    // two independent observation noises.
    double[][] withNoise = new double[horizon][];
    double obs = latent.observationStd() * Math.sqrt(2);
    for (int h = 0; h < horizon; h++) {
      withNoise[h] = sol.column(h, 0);
      for (int p = 0; p < paths; p++) {
        withNoise[h][p] += obs * gaussian(rnd);
      }
    }
    double[] crpsLatent = new double[horizon];
    double[] crpsNoisy = new double[horizon];
    double[] crpsGbm = new double[horizon];
    for (int j = 0; j < origins; j++) {
      int o = firstOrigin + j * horizon;
      for (int h = 1; h <= horizon; h++) {
        double truth = x[o + h] - x[o];
        crpsLatent[h - 1] += ForecastMetrics.crps(sol.column(h - 1, 0), truth) / origins;
        crpsNoisy[h - 1] += ForecastMetrics.crps(withNoise[h - 1], truth) / origins;
        crpsGbm[h - 1] += ForecastMetrics.crps(gbm[h - 1], truth) / origins;
      }
    }
    double meanL = 0;
    double meanN = 0;
    double meanG = 0;
    for (int h = 0; h < horizon; h++) {
      meanL += crpsLatent[h] / horizon;
      meanN += crpsNoisy[h] / horizon;
      meanG += crpsGbm[h] / horizon;
    }
    System.out.printf("origins %d (days %d..%d of %d), horizon %d days, %d paths%n", origins, firstOrigin, n - 1 - horizon, n, horizon, paths);
    System.out.println("h    CRPS latent  +obs noise  CRPS GBM   ratios to GBM");
    for (int h : new int[] {1, 5, 10, 20}) {
      System.out.printf("%-4d %.5f      %.5f     %.5f    %.3f  %.3f%n", h, crpsLatent[h - 1], crpsNoisy[h - 1], crpsGbm[h - 1],
          crpsLatent[h - 1] / crpsGbm[h - 1], crpsNoisy[h - 1] / crpsGbm[h - 1]);
    }
    System.out.printf("mean %.5f      %.5f     %.5f    %.3f  %.3f%n", meanL, meanN, meanG, meanL / meanG, meanN / meanG);
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
