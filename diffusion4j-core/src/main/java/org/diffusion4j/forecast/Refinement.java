package org.diffusion4j.forecast;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/**
 * TSDiff's refinement of a base forecaster's samples (Kollovieh et al. 2023, section 3.2; official
 * code src/uncond_ts_diff/sampler/refiner.py and sampler/_base.py). The unconditional model
 * defines an energy on a whole window x,
 * <pre>
 *   E(x) = |eps - eps_hat(alpha_t x + sigma_t eps, t)|^2 + s R(x, y),
 * </pre>
 * a fresh eps ~ N(0, I) per iteration at a fixed diffusion time t (TSDiff: step 20 of 100), and a
 * prior R tying x to the observation y (the context and the base forecast): MSE
 * sum mask (x - y)^2 over observed entries, or the quantile loss sum max(q e, (q - 1) e),
 * e = y - x, over every entry (the official {@code Refiner.prior}: the quantile prior includes the
 * base forecast's horizon, row j of a group of G getting q = (j + 1)/(G + 1)).
 * <ul>
 *   <li>{@link Method#LANGEVIN} ({@code MCMCRefiner}, method lmc): x &lt;- x - eta grad E +
 *       sqrt(2 eta) c xi with noise scale c (TSDiff: eta = 0.1, c = 0.1).
 *   <li>{@link Method#MOST_LIKELY} ({@code MostLikelyRefiner}): gradient descent
 *       x &lt;- x - lr grad E (TSDiff: SGD, lr 0.1; its plateau scheduler never fires within 20
 *       iterations).
 * </ul>
 * grad E needs the model's pullback: with eps_hat = e_x x_t + e_p p (p the model's prediction),
 * dE/dx = alpha_t [ -2 e_x r + J_p^T(-2 e_p r) ] + s dR/dx, r = eps - eps_hat.
 */
public final class Refinement {
  /** The refinement dynamics. */
  public enum Method {
    LANGEVIN, MOST_LIKELY;

    public static Method parse(String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "langevin", "lmc", "mcmc" -> LANGEVIN;
        case "most-likely", "ml" -> MOST_LIKELY;
        default -> throw new IllegalArgumentException("unknown refinement '" + s + "'; expected langevin or most-likely");
      };
    }
  }

  /**
   * @param method Langevin or most-likely
   * @param prior the prior's loss
   * @param priorScale s (TSDiff: 1)
   * @param t the fixed diffusion time
   * @param iterations number of updates (TSDiff: 20)
   * @param stepSize eta or lr (TSDiff: 0.1)
   * @param noiseScale Langevin noise scale c (TSDiff: 0.1; unused by most-likely)
   */
  public record Options(Method method, SelfGuidance.Loss prior, double priorScale, double t, int iterations,
      double stepSize, double noiseScale) {
    public Options {
      if (!(priorScale >= 0) || !(stepSize > 0) || !(noiseScale >= 0) || iterations < 0) {
        throw new IllegalArgumentException("refinement needs prior scale >= 0, step > 0, noise >= 0, iterations >= 0;"
            + " got " + priorScale + ", " + stepSize + ", " + noiseScale + ", " + iterations);
      }
    }

    /** TSDiff's settings (configs/refinement/*.yaml) at diffusion time t. */
    public static Options tsdiff(Method method, SelfGuidance.Loss prior, double t) {
      return new Options(method, prior, 1, t, 20, 0.1, 0.1);
    }
  }

  private final DifferentiableDenoiser model;
  private final GaussianPath path;
  private final SelfGuidance prior;
  private final Options options;

  private Refinement(DifferentiableDenoiser model, GaussianPath path, SelfGuidance prior, Options options) {
    this.model = model;
    this.path = path;
    this.prior = prior;
    this.options = options;
  }

  /**
   * A refinement towards {@code observation} (n, d), masked by {@code mask} for the MSE prior;
   * {@code group} consecutive rows share one observation (quantile levels).
   */
  public static Refinement of(DifferentiableDenoiser model, GaussianPath path, Batch observation, Batch mask,
      int group, Options options) {
    if (!(options.t() >= path.tMin() && options.t() <= path.tMax())) {
      throw new IllegalArgumentException("refinement time " + options.t() + " is outside the path's ["
          + path.tMin() + ", " + path.tMax() + "]");
    }
    Batch m = mask;
    if (options.prior() == SelfGuidance.Loss.QUANTILE) {
      m = mask.zerosLike();
      java.util.Arrays.fill(m.data(), 1);
    }
    // SelfGuidance carries the prior's energy; its scale is unused here.
    return new Refinement(model, path, SelfGuidance.of(model, path, observation, m, options.prior(), 1, group), options);
  }

  /** E(x) for a given noise draw (for tests). */
  double energy(Batch x, Batch eps) {
    Batch epsHat = x.zerosLike();
    Batch xt = noisy(x, eps);
    Predictions.as(model, path, Prediction.EPSILON).predict(xt, options.t(), epsHat);
    double e = 0;
    for (int i = 0; i < x.size(); i++) {
      double r = eps.data()[i] - epsHat.data()[i];
      e += r * r;
    }
    return e + options.priorScale() * prior.energy(x);
  }

  private Batch noisy(Batch x, Batch eps) {
    return x.zerosLike().setLinear(path.alpha(options.t()), x, path.sigma(options.t()), eps);
  }

  /** grad E(x) for a given noise draw, into {@code out}. */
  void gradient(Batch x, Batch eps, Batch out) {
    double t = options.t();
    double a = path.alpha(t);
    // eps_hat = ex x_t + ep p
    Batch one = new Batch(1, 1, new double[] {1});
    Batch zero = new Batch(1, 1);
    Batch r1 = new Batch(1, 1);
    Predictions.convert(path, t, one, model.prediction(), zero, Prediction.EPSILON, r1);
    double ex = r1.data()[0];
    Predictions.convert(path, t, zero, model.prediction(), one, Prediction.EPSILON, r1);
    double ep = r1.data()[0];
    Batch xt = noisy(x, eps);
    Batch p = x.zerosLike();
    Batch residual = x.zerosLike();
    model.predictWithPullback(xt, t, p, (pred, v) -> {
      residual.setLinear(1, eps, -ex, xt).addScaled(-ep, pred);
      v.setScaled(-2 * ep, residual);
    }, out);
    out.addScaled(-2 * ex, residual).scale(a);
    Batch priorGrad = x.zerosLike();
    prior.energyGradientOf(x, priorGrad);
    out.addScaled(options.priorScale(), priorGrad);
  }

  /** Refines {@code init} (n, d), the observation with the base forecast in the horizon; returns a new batch. */
  public Batch refine(Batch init, long seed) {
    Batch x = init.copy();
    Batch eps = x.zerosLike();
    Batch g = x.zerosLike();
    Rng rng = Rng.of(seed);
    double eta = options.stepSize();
    for (int it = 0; it < options.iterations(); it++) {
      Rng step = rng.stream(it);
      step.stream(0).fillGaussian(eps.data(), 0, eps.size());
      gradient(x, eps, g);
      x.addScaled(-eta, g);
      if (options.method() == Method.LANGEVIN) {
        double[] xs = x.data();
        Rng noise = step.stream(1);
        double c = Math.sqrt(2 * eta) * options.noiseScale();
        for (int i = 0; i < xs.length; i++) {
          xs[i] += c * noise.nextGaussian();
        }
      }
    }
    return x;
  }
}
