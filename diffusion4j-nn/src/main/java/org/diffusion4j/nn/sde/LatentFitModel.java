package org.diffusion4j.nn.sde;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.sde.grad.GradientRoute;
import org.diffusion4j.sde.latent.BridgeControl;
import org.diffusion4j.sde.latent.FractionalOuPrior;
import org.diffusion4j.sde.latent.GruPosteriorControl;
import org.diffusion4j.sde.latent.LatentSde;
import org.diffusion4j.sde.latent.LinearPrior;
import org.diffusion4j.sde.latent.ObservedSeries;
import org.diffusion4j.sde.latent.OuPrior;

/**
 * {@code latent}: the parametric latent SDE with an OU prior; {@code fbm-latent}: the same with a
 * fractional OU prior driven by Markov-approximate fBM, Hurst index learned (see
 * {@link org.diffusion4j.sde.latent.LatentSde}, {@link FractionalOuPrior}). Posterior ({@code posterior}):
 * {@code exact} (default; both priors are linear, so the exact posterior control with its step
 * variance, {@link LatentSde#withExactPosterior(LinearPrior, ObservedSeries, double, double, boolean)},
 * which makes the ELBO the likelihood and learns H without bias, docs/neural-sde.md) or
 * {@code bridge} (the data-conditioned {@link BridgeControl}) or {@code gru} (torchsde's
 * latent_sde_lorenz.py posterior: a GRU encoder over the reversed series and an MLP control of
 * (z, context), {@link GruPosteriorControl}; {@code hidden} width, default 16, {@code context}
 * size, default 8, {@code time-input} 1 to add the time to the next observation, default 0).
 * Options: {@code obs-std} (initial observation noise, default 0.05); fbm-latent also {@code k} (OU components, default 5),
 * {@code ratio} (geometric grid ratio, default 4), {@code hurst} (initial H, default 0.5).
 */
public final class LatentFitModel implements SdeFitModel {
  private final boolean fractional;

  public LatentFitModel(boolean fractional) {
    this.fractional = fractional;
  }

  /** What a run directory holds: the model name, all latent-SDE parameters and the prior's set-up. */
  public record LatentRun(String model, double[] params, double t0, double t1, double y0, int components, double ratio) {}

  @Override
  public String name() {
    return fractional ? "fbm-latent" : "latent";
  }

  @Override
  public Set<String> options() {
    return fractional ? Set.of("obs-std", "posterior", "hidden", "context", "time-input", "k", "ratio", "hurst")
        : Set.of("obs-std", "posterior", "hidden", "context", "time-input");
  }

  private LinearPrior prior(double theta, double mu, double sigma, double hurst, int k, double horizon, double ratio) {
    return fractional ? new FractionalOuPrior(theta, mu, sigma, hurst, k, horizon, ratio) : new OuPrior(theta, mu, sigma);
  }

  @Override
  public FitResult fit(ObservedSeries data, FitSettings s, Map<String, String> options, Path runDir) throws IOException {
    SdeFitModel.checkOptions(this, options);
    double obsStd = SdeFitModel.option(options, "obs-std", 0.05);
    int k = (int) SdeFitModel.option(options, "k", 5);
    double ratio = SdeFitModel.option(options, "ratio", 4.0);
    double hurst = SdeFitModel.option(options, "hurst", 0.5);
    String posterior = options.getOrDefault("posterior", "exact");
    if (!posterior.equals("exact") && !posterior.equals("bridge") && !posterior.equals("gru")) {
      throw new IllegalArgumentException("option posterior must be exact, bridge or gru, got '" + posterior + "'");
    }
    int hidden = (int) SdeFitModel.option(options, "hidden", 16);
    int context = (int) SdeFitModel.option(options, "context", 8);
    double timeInput = SdeFitModel.option(options, "time-input", 0);
    if (timeInput != 0 && timeInput != 1) {
      throw new IllegalArgumentException("option time-input must be 0 or 1, got " + timeInput);
    }
    // Start from moment estimates: mu the mean, sigma from the increments' variance per unit time.
    int n = data.count();
    int len = data.length();
    double mean = 0;
    double quad = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < len; j++) {
        mean += data.value(i, j) / (n * len);
        if (j > 0) {
          double dy = data.value(i, j) - data.value(i, j - 1);
          quad += dy * dy / (data.time(j) - data.time(j - 1));
        }
      }
    }
    double sigma0 = Math.sqrt(quad / (n * (len - 1.0)));
    double horizon = data.time(len - 1) - data.time(0);
    LinearPrior prior = prior(1.0, mean, sigma0, hurst, k, horizon, ratio);
    LatentSde latent;
    if (posterior.equals("exact")) {
      latent = LatentSde.withExactPosterior(prior, data, obsStd, s.dt(), true);
    } else if (posterior.equals("gru")) {
      latent = new LatentSde(prior, new GruPosteriorControl(data, prior.dim(), prior.noiseDim(), hidden, context, timeInput == 1, s.seed()), data, obsStd);
    } else {
      // The bridge's pull starts at one unit of the observed component's noise (alpha g_0 = 1).
      double[] g = new double[prior.dim()];
      prior.diffusion(data.time(0), new double[prior.dim()], g, 1);
      latent = new LatentSde(prior, new BridgeControl(data, prior.noiseDim(), prior.dim(), 1.0 / g[0], 0.01), data, obsStd);
    }
    LatentSde.Objective last = latent.fit(new LatentSde.FitOptions(s.iterations(), s.learningRate(), s.samples(), s.dt(),
        GradientRoute.byName(s.route()), s.seed()), null);
    Map<String, Double> fitted = new LinkedHashMap<>();
    if (prior instanceof OuPrior ou) {
      fitted.put("theta", ou.theta());
      fitted.put("mu", ou.mu());
      fitted.put("sigma", ou.sigma());
    } else {
      FractionalOuPrior fou = (FractionalOuPrior) prior;
      fitted.put("theta", fou.theta());
      fitted.put("mu", fou.mu());
      fitted.put("sigma", fou.sigma());
      fitted.put("hurst", fou.hurst());
    }
    fitted.put("obs_std", latent.observationStd());
    fitted.put("kl_per_obs", last.kl());
    Files.createDirectories(runDir);
    LatentRun run = new LatentRun(name(), latent.params(), data.time(0), data.time(len - 1), data.value(0, 0), k, ratio);
    AtomicFiles.writeString(runDir.resolve(SdeFitModels.RUN_FILE), JsonRecords.toJson(run) + "\n");
    double[] times = data.times();
    double[] post = latent.sample(true, times, 1, s.dt(), s.seed() + 1);
    double[][] observed = new double[n][len];
    double[][] paths = new double[n][len];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < len; j++) {
        observed[i][j] = data.value(i, j);
        paths[i][j] = post[i * len + j];
      }
    }
    return new FitResult(fitted, last.negElbo(), times, observed, paths);
  }

  @Override
  public double[][] sample(Path runDir, double[] times, int paths, long seed) throws IOException {
    Object json = Json.parse(Files.readString(runDir.resolve(SdeFitModels.RUN_FILE)));
    LatentRun run = JsonRecords.fromJson(LatentRun.class, (Map<?, ?>) json, runDir.resolve(SdeFitModels.RUN_FILE).toString());
    if (!(times[0] >= run.t0())) {
      throw new IllegalArgumentException("sample times must start at or after the data's t0 = " + run.t0() + ", got " + times[0]);
    }
    double horizon = run.t1() - run.t0();
    LinearPrior prior = prior(1.0, 0.0, 1.0, 0.5, run.components(), horizon, run.ratio());
    prior.setParams(java.util.Arrays.copyOf(run.params(), prior.paramCount()));
    // The prior alone, started at the first observation of the first series.
    double[][] start = {{run.y0(), run.y0()}};
    ObservedSeries anchor = new ObservedSeries(new double[] {run.t0(), Math.max(times[times.length - 1], run.t0() + 1e-9)}, start);
    LatentSde latent = new LatentSde(prior, new BridgeControl(anchor, prior.noiseDim(), prior.dim(), 1.0, 1.0), anchor, 1.0);
    double dt = Math.min(0.01, (times[times.length - 1] - run.t0()) / 100);
    double[] flat = latent.sample(false, times, paths, dt, seed);
    double[][] out = new double[paths][times.length];
    for (int p = 0; p < paths; p++) {
      System.arraycopy(flat, p * times.length, out[p], 0, times.length);
    }
    return out;
  }
}
