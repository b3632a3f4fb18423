package org.diffusion4j.blend;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;

/**
 * Black-Scholes concept blending (Kothandaraman, Lin &amp; Manocha 2024, "Financial Models in
 * Generative Art: Black-Scholes-Inspired Concept Blending in Text-to-Image Diffusion"; official
 * code {@code divyakraman/BlackScholesDiffusion2024}, {@code models/bs/pipeline.py}). Each row is
 * conditioned on one concept per step; the first step uses concept a. After each step the data
 * forecast x0_hat(x_t, t) is scored against both concepts and each score is priced as a European
 * call option; the next step goes to the concept whose call is worth less (official:
 * {@code if bs_score1 < bs_score2: prompt1 else prompt2}), i.e. to the concept the forecast
 * currently shows less. The official mapping of the option's inputs at step i of N:
 * <ul>
 *   <li>spot S = {@value #STRIKE} x score (CLIP's logit scale 100 times the cosine similarity
 *       there; a {@link ConceptScore} in (0, 1] here), strike K = {@value #STRIKE};</li>
 *   <li>time to expiry tau = N - i (remaining steps), rate r = 1 / N;</li>
 *   <li>volatility = the square root of the DDPM posterior variance over one of the T = 1000
 *       training steps at t (official: {@code scheduler._get_variance(t + 1, t)}), written for any
 *       path as sigma^2(t) (1 - SNR(t + dt) / SNR(t)) with dt = (tMax - tMin) / 1000.</li>
 * </ul>
 * The call value is C = N(d1) S - N(d2) K e^(-r tau), d1 = (ln(S/K) + (r + vol^2/2) tau) /
 * (vol sqrt(tau)), d2 = d1 - vol sqrt(tau) (Black &amp; Scholes 1973). Two departures from the
 * official code, both stated: (1) the code multiplies by the Gaussian density exp(-d^2/2) in
 * place of the distribution function N(d); since S phi(d1) = K e^(-r tau) phi(d2) holds
 * identically, that expression is zero up to rounding and its comparison picks a prompt by
 * rounding error ({@link #officialDensityForm} exists to show this); we use N(d), the
 * Black-Scholes formula the paper names. (2) The code forms its forecast from the noise
 * prediction and the already-updated latents; we use the forecast x0_hat(x_t, t) of the step.
 * One evaluation per step is assumed (DDIM in the official code): multi-evaluation samplers
 * would decide more than once per step.
 */
public final class BlackScholesBlend implements BlendRule {
  /** Strike price, and the scale that maps a score in (0, 1] to a spot price. */
  public static final double STRIKE = 100;
  /** Training steps of the official scheduler, which sets the volatility's time step. */
  public static final int TRAINING_STEPS = 1000;

  private final GaussianPath path;
  private final double[] times;
  private final ConceptScore score;
  /** Per row: true when the next evaluation uses concept b. */
  private boolean[] useB = new boolean[0];
  private long decisionsB;
  private long decisions;

  /**
   * @param path the path the models were trained on (for the forecast and the volatility)
   * @param times the decreasing sampling grid t_0 &gt; ... &gt; t_N the sampler will evaluate at
   * @param score the concept score of a forecast
   */
  public BlackScholesBlend(GaussianPath path, double[] times, ConceptScore score) {
    if (path == null || times == null || score == null) {
      throw new IllegalArgumentException("Black-Scholes blending needs a path, a time grid and a concept score");
    }
    if (times.length < 2) {
      throw new IllegalArgumentException("need a grid of at least two times, got " + times.length);
    }
    for (int i = 1; i < times.length; i++) {
      if (!(times[i] < times[i - 1])) {
        throw new IllegalArgumentException("times must decrease, but times[" + i + "] = " + times[i] + " >= "
            + times[i - 1]);
      }
    }
    this.path = path;
    this.times = times.clone();
    this.score = score;
  }

  /** Black-Scholes value of a European call (Black &amp; Scholes 1973), with its limit at zero volatility. */
  public static double callValue(double spot, double strike, double rate, double vol, double tau) {
    if (!(spot > 0) || !(strike > 0) || !(vol >= 0) || !(tau > 0)) {
      throw new IllegalArgumentException("call value needs spot > 0, strike > 0, vol >= 0 and tau > 0, got spot "
          + spot + ", strike " + strike + ", vol " + vol + ", tau " + tau);
    }
    double discounted = strike * Math.exp(-rate * tau);
    double sd = vol * Math.sqrt(tau);
    if (sd == 0) {
      return Math.max(spot - discounted, 0);
    }
    double d1 = (Math.log(spot / strike) + (rate + vol * vol / 2) * tau) / sd;
    double d2 = d1 - sd;
    return normalCdf(d1) * spot - normalCdf(d2) * discounted;
  }

  /**
   * The official code's expression exp(-d1^2/2) S - exp(-d2^2/2) K e^(-r tau) ({@code bs_score} in
   * {@code models/bs/pipeline.py}), kept to show that it vanishes identically.
   */
  public static double officialDensityForm(double spot, double strike, double rate, double vol, double tau) {
    double sd = vol * Math.sqrt(tau);
    double d1 = (Math.log(spot / strike) + (rate + vol * vol / 2) * tau) / sd;
    double d2 = d1 - sd;
    return Math.exp(-0.5 * d1 * d1) * spot - Math.exp(-0.5 * d2 * d2) * strike * Math.exp(-rate * tau);
  }

  /**
   * Standard normal distribution function 0.5 erfc(-x / sqrt 2), erfc by the Chebyshev fit of
   * Numerical Recipes (Press et al. 2007, Sec. 6.2.2, {@code erfcc}): relative error below 1.2e-7
   * everywhere, so the tails keep their relative accuracy.
   */
  public static double normalCdf(double x) {
    double z = Math.abs(x) / Math.sqrt(2);
    double t = 1 / (1 + 0.5 * z);
    double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
        + t * 0.17087277)))))))));
    return x <= 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
  }

  /** The volatility at time t: sqrt(sigma^2(t) (1 - SNR(t + dt) / SNR(t))), dt one training step. */
  public double volatility(double t) {
    double dt = (path.tMax() - path.tMin()) / TRAINING_STEPS;
    double next = Math.min(t + dt, path.tMax());
    double snr = snr(t);
    double ratio = snr > 0 && Double.isFinite(snr) ? snr(next) / snr : 1;
    double s = path.sigma(t);
    return Math.sqrt(Math.max(0, s * s * (1 - ratio)));
  }

  private double snr(double t) {
    double a = path.alpha(t);
    double s = path.sigma(t);
    return a * a / (s * s);
  }

  /** Index of {@code t} in the grid, or -1. */
  private int step(double t) {
    for (int i = 0; i < times.length; i++) {
      if (Math.abs(times[i] - t) <= 1e-12 * Math.max(1, Math.abs(t))) {
        return i;
      }
    }
    return -1;
  }

  private int requireStep(double t) {
    int i = step(t);
    if (i < 0) {
      throw new IllegalArgumentException("t = " + t + " is not on the Black-Scholes blend's grid " + Arrays.toString(times)
          + "; sample with the same grid and a one-evaluation-per-step sampler");
    }
    return i;
  }

  @Override
  public void weights(Batch x, double t, double[] w) {
    int i = requireStep(t);
    if (i == 0 || useB.length != x.n()) {
      useB = new boolean[x.n()]; // a new run starts with concept a (official: text_embeddings = text_embeddings1)
      decisions = 0;
      decisionsB = 0;
    }
    for (int r = 0; r < x.n(); r++) {
      w[r] = useB[r] ? 1 : 0;
    }
  }

  @Override
  public void observe(Batch x, double t, Prediction kind, Batch prediction) {
    int i = requireStep(t);
    int steps = times.length - 1;
    if (i >= steps) {
      return; // a final denoising evaluation: nothing left to decide
    }
    Batch x0 = x.zerosLike();
    Predictions.convert(path, t, x, kind, prediction, Prediction.X0, x0);
    int n = x.n();
    double[] sa = new double[n];
    double[] sb = new double[n];
    score.score(x0, 0, sa);
    score.score(x0, 1, sb);
    double tau = steps - i;
    double rate = 1.0 / steps;
    double vol = volatility(t);
    for (int r = 0; r < n; r++) {
      double ca = callValue(spot(sa[r], r), STRIKE, rate, vol, tau);
      double cb = callValue(spot(sb[r], r), STRIKE, rate, vol, tau);
      useB[r] = !(ca < cb);
      decisions++;
      decisionsB += useB[r] ? 1 : 0;
    }
  }

  private static double spot(double s, int row) {
    if (!(s > 0 && s <= 1)) {
      throw new IllegalStateException("concept score of row " + row + " is " + s + "; scores must be in (0, 1]");
    }
    return STRIKE * s;
  }

  /** The concept each row uses next (true = b); a copy. */
  public boolean[] nextUsesB() {
    return useB.clone();
  }

  /** Fraction of the decisions of the current run that chose concept b (NaN before any). */
  public double fractionB() {
    return decisions == 0 ? Double.NaN : (double) decisionsB / decisions;
  }

  @Override
  public String name() {
    return "black-scholes";
  }
}
