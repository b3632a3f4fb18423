package org.diffusion4j.nn.forecast;

import org.diffusion4j.array.Batch;
import org.diffusion4j.forecast.Forecaster;
import org.diffusion4j.forecast.Refinement;
import org.diffusion4j.forecast.SelfGuidance;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.Samplers;

/**
 * Forecasting with an unconditional TSDiff model by self-guidance (TSDiff section 3.1): the
 * window's context (and the lag channels known before the origin) is the observation, the guided
 * model ({@link SelfGuidance}) is sampled with any sampler of the library, and the target channel
 * of the horizon, times the window scale, is the forecast. TSDiff's forecasting defaults are the
 * DDPM sampler over the 100 training steps and quantile guidance at scale 8
 * (configs/guidance/*.yaml).
 *
 * <p>Time grid: the official one ({@link SelfGuidance#officialGrid}), uniform in t over the
 * training steps and ending with the final denoising, so {@code steps} counts the model
 * evaluations of a one-evaluation sampler and steps = N lands on the N training steps exactly.
 * The library's default logSNR grid, used here before, made the steps at large t long (about
 * three training steps per step at 50 steps); there the guidance passes through a denoised
 * estimate whose Jacobian is of order 1/alpha_t, and with an undertrained model a few sample paths
 * ran away (docs/forecasting.md).
 *
 * @param model the trained network
 * @param spec the window layout
 * @param sampler a sampler name of {@link Samplers}
 * @param steps model evaluations (>= 2), TSDiff: the 100 training steps
 * @param loss the guidance energy
 * @param scale the guidance scale s
 */
public record TsdiffForecaster(NetworkDenoiser model, TsdiffSpec spec, String sampler, int steps,
    SelfGuidance.Loss loss, double scale) implements Forecaster {

  public TsdiffForecaster {
    Samplers.create(sampler); // validates the name
    if (steps < 2) {
      throw new IllegalArgumentException("sampler steps must be >= 2, got " + steps);
    }
    if (model.dim() != spec.dim()) {
      throw new IllegalArgumentException("model dimension " + model.dim() + " does not match the window "
          + spec.length() + " x " + spec.channels());
    }
  }

  /** TSDiff's defaults: DDPM, 100 steps, quantile guidance at scale 8. */
  public static TsdiffForecaster defaults(NetworkDenoiser model, TsdiffSpec spec) {
    return new TsdiffForecaster(model, spec, "ddpm", 100, SelfGuidance.Loss.QUANTILE, 8);
  }

  @Override
  public double[][] forecast(double[] history, int horizon, int samples, long seed) {
    return forecastAll(new double[][] {history}, horizon, samples, seed)[0];
  }

  /** Forecasts several histories in one batched sampling run: (histories, samples, horizon). */
  public double[][][] forecastAll(double[][] histories, int horizon, int samples, long seed) {
    if (horizon != spec.horizon()) {
      throw new IllegalArgumentException("this model forecasts horizon " + spec.horizon() + ", asked for " + horizon);
    }
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be >= 1, got " + samples);
    }
    int k = histories.length;
    int d = spec.dim();
    Batch obs = new Batch(k * samples, d);
    Batch mask = new Batch(k * samples, d);
    double[] scales = tile(histories, samples, obs, mask);
    SelfGuidance guided = SelfGuidance.of(model, model.path(), obs, mask, loss, scale, samples);
    Batch x = sample(guided, k * samples, seed);
    return horizons(x, scales, samples);
  }

  /** Writes each history's observation into {@code samples} consecutive rows; returns the window scales. */
  private double[] tile(double[][] histories, int samples, Batch obs, Batch mask) {
    int d = spec.dim();
    double[] scales = new double[histories.length];
    for (int o = 0; o < histories.length; o++) {
      TsdiffWindows.Observation ob = TsdiffWindows.observation(histories[o], spec);
      scales[o] = ob.scale();
      for (int s = 0; s < samples; s++) {
        System.arraycopy(ob.observed().data(), 0, obs.data(), (o * samples + s) * d, d);
        System.arraycopy(ob.mask().data(), 0, mask.data(), (o * samples + s) * d, d);
      }
    }
    return scales;
  }

  /** The target channel of every window's horizon, in series units: (histories, samples, horizon). */
  private double[][][] horizons(Batch x, double[] scales, int samples) {
    int d = spec.dim();
    int c = spec.channels();
    double[][][] out = new double[scales.length][samples][spec.horizon()];
    for (int o = 0; o < scales.length; o++) {
      for (int s = 0; s < samples; s++) {
        int row = (o * samples + s) * d;
        for (int h = 0; h < spec.horizon(); h++) {
          out[o][s][h] = spec.unstandardise(x.data()[row + (spec.context() + h) * c]) * scales[o];
        }
      }
    }
    return out;
  }

  /**
   * TSDiff's refinement of base forecasts {@code base} (histories, samples, horizon): each
   * window holds the context and, in the horizon, the base samples sorted per step (the official
   * refiner sorts them so that sample j matches quantile level (j + 1)/(S + 1)); the windows are
   * refined by {@link Refinement} and the horizon is returned in series units. The MSE prior's
   * mask covers the known context and lag values only (the official code also marks the unknown
   * future lags, which it fills with zeros, as observed).
   */
  public double[][][] refineAll(double[][] histories, double[][][] base, Refinement.Options options, long seed) {
    int k = histories.length;
    if (base.length != k) {
      throw new IllegalArgumentException("need one base forecast per history, got " + base.length + " and " + k);
    }
    int samples = base[0].length;
    int horizon = spec.horizon();
    int d = spec.dim();
    int c = spec.channels();
    Batch obs = new Batch(k * samples, d);
    Batch mask = new Batch(k * samples, d);
    double[] scales = tile(histories, samples, obs, mask);
    for (int o = 0; o < k; o++) {
      double[][] sorted = new double[horizon][samples];
      for (int h = 0; h < horizon; h++) {
        for (int s = 0; s < samples; s++) {
          if (base[o][s].length != horizon) {
            throw new IllegalArgumentException("base forecast has horizon " + base[o][s].length + ", expected " + horizon);
          }
          sorted[h][s] = base[o][s][h];
        }
        java.util.Arrays.sort(sorted[h]);
      }
      for (int s = 0; s < samples; s++) {
        int row = (o * samples + s) * d;
        for (int h = 0; h < horizon; h++) {
          obs.data()[row + (spec.context() + h) * c] = spec.standardise(sorted[h][s] / scales[o]);
        }
      }
    }
    Batch x = Refinement.of(model, model.path(), obs, mask, samples, options).refine(obs, seed);
    return horizons(x, scales, samples);
  }

  /**
   * Unconditional synthetic windows for train-on-synthetic, test-on-real (TSDiff section 3.3,
   * bin/tstr_experiment.py: {@code sample_n}, samples kept in the mean-scaled space): (n, L)
   * target channel, unstandardised to mean-scaled units.
   */
  public double[][] synthesize(int n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("number of synthetic windows must be >= 1, got " + n);
    }
    Batch x = sample(model, n, seed);
    double[][] out = new double[n][spec.length()];
    int c = spec.channels();
    for (int r = 0; r < n; r++) {
      for (int p = 0; p < spec.length(); p++) {
        out[r][p] = spec.unstandardise(x.data()[r * spec.dim() + p * c]);
      }
    }
    return out;
  }

  /** Samples {@code rows} windows on the official grid (see the class comment). */
  private Batch sample(Denoiser denoiser, int rows, long seed) {
    return SelfGuidance.officialGrid(Samplers.create(sampler), denoiser, model.path(), steps).seed(seed)
        .run(Noise.standardNormal(seed, rows, spec.dim())).x();
  }
}
