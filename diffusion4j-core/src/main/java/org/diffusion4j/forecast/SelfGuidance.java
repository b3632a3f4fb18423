package org.diffusion4j.forecast;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.Sampling;

/**
 * TSDiff's self-guidance (Kollovieh et al. 2023, section 3.1; official code
 * amazon-science/unconditional-time-series-diffusion, src/uncond_ts_diff/sampler/observation_guidance.py)
 * as a {@link Denoiser} decorator, so that every sampler of the library runs guided.
 *
 * <p>With the denoised estimate x0hat(x, t) of the unconditional model and an energy E on it, the
 * guided score is score(x, t) - s grad_x E(x0hat(x, t)), converted back to the model's prediction
 * kind. This is the official {@code DDIMGuidance}: noise - sqrt(1 - abar_t) s (-grad E), i.e.
 * eps_g = eps + sigma s grad E, which is score - s grad E in score form. The energies are the
 * official {@code energy_func}, summed over observed entries (mask 1):
 * <ul>
 *   <li>{@link Loss#MSE}: E = sum mask (x0hat - y)^2, a Gaussian observation model of variance
 *       1/(2 s);
 *   <li>{@link Loss#QUANTILE}: E = sum mask max(q e, (q - 1) e), e = y - x0hat, where the j-th
 *       of the {@code group} consecutive rows that share one observation gets the level
 *       q = (j + 1)/(group + 1), as the official {@code quantile_loss}.
 * </ul>
 * The subgradient at e = 0 is taken as (1 - q). Scale 0 returns the model's prediction untouched
 * (bit for bit the unconditional model).
 *
 * <p>Known bias: the guidance is the diffusion-posterior-sampling approximation
 * p(y | x_t) ~ p(y | x0 = x0hat(x_t)); it ignores the spread of x0 given x_t, so even with the
 * exact score the samples are not exactly the conditional law (measured for a Gaussian AR(1) in
 * {@code SelfGuidanceTest}).
 */
public final class SelfGuidance implements Denoiser {
  /** The energy on the denoised estimate. */
  public enum Loss {
    MSE, QUANTILE;

    public static Loss parse(String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "mse" -> MSE;
        case "quantile" -> QUANTILE;
        default -> throw new IllegalArgumentException("unknown guidance loss '" + s + "'; expected mse or quantile");
      };
    }
  }

  private final DifferentiableDenoiser model;
  private final GaussianPath path;
  private final Batch observation;
  private final Batch mask;
  private final Loss loss;
  private final double scale;
  private final int group;

  private SelfGuidance(DifferentiableDenoiser model, GaussianPath path, Batch observation, Batch mask, Loss loss,
      double scale, int group) {
    this.model = model;
    this.path = path;
    this.observation = observation;
    this.mask = mask;
    this.loss = loss;
    this.scale = scale;
    this.group = group;
  }

  /**
   * Guides {@code model} towards {@code observation} (n, d) where {@code mask} (n, d) is 1.
   *
   * @param group number of consecutive rows that share one observation (the quantile levels run
   *     over the rows of a group); 1 for MSE if unused
   * @throws IllegalArgumentException for a negative or non-finite scale, shapes that differ from
   *     the model's dimension, a mask entry other than 0 or 1, or a group that does not divide n
   */
  public static SelfGuidance of(DifferentiableDenoiser model, GaussianPath path, Batch observation, Batch mask,
      Loss loss, double scale, int group) {
    if (!(scale >= 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("guidance scale must be finite and >= 0, got " + scale);
    }
    observation.requireSameShape(mask);
    if (observation.d() != model.dim()) {
      throw new IllegalArgumentException("observation dimension " + observation.d() + " differs from the model's "
          + model.dim());
    }
    if (group < 1 || observation.n() % group != 0) {
      throw new IllegalArgumentException("group must be >= 1 and divide the " + observation.n() + " rows, got " + group);
    }
    for (double m : mask.data()) {
      if (m != 0 && m != 1) {
        throw new IllegalArgumentException("mask entries must be 0 or 1, got " + m);
      }
    }
    return new SelfGuidance(model, path, observation, mask, loss, scale, group);
  }

  @Override
  public int dim() {
    return model.dim();
  }

  @Override
  public Prediction prediction() {
    return model.prediction();
  }

  /**
   * A sampling run on the official TSDiff time grid: {@code evaluations - 1} steps uniform in t
   * from the path's tMax to its tMin, then the final denoising x0hat(x, tMin). On TSDiff's discrete
   * path (N training steps, tMin = 1/N) with evaluations = N this is exactly the official
   * {@code DDPMGuidance._reverse_diffusion}, which visits every training step i = N-1..0 and
   * whose last step ({@code p_sample} at i = 0) returns the model mean, i.e. x0hat at the first
   * training step. The library's default logSNR grid makes the steps at large t long instead,
   * where the guidance kick passes through a Jacobian of order 1/alpha_t; with an imperfect model
   * those long steps let sample paths run away about twice as far ({@code GuidanceRunawayTest}).
   *
   * @throws IllegalArgumentException if evaluations < 2
   */
  public static Sampling.Builder officialGrid(Sampler sampler, Denoiser model, GaussianPath path, int evaluations) {
    if (evaluations < 2) {
      throw new IllegalArgumentException("the TSDiff grid needs at least 2 model evaluations, got " + evaluations);
    }
    double start = Sampling.defaultStart(path);
    double end = Sampling.defaultEnd(path);
    double[] times = new double[evaluations];
    for (int i = 0; i < evaluations; i++) {
      times[i] = i == evaluations - 1 ? end : start + (end - start) * i / (evaluations - 1.0);
    }
    return Sampling.with(sampler, model, path).userTimes(times).denoiseFinal(true);
  }

  /** The quantile level of row r: (r mod group + 1)/(group + 1). */
  public double level(int row) {
    return (row % group + 1.0) / (group + 1);
  }

  /** The energy E(x0) summed over all rows (for tests and diagnostics). */
  public double energy(Batch x0) {
    x0.requireSameShape(observation);
    double e = 0;
    int d = x0.d();
    double[] xs = x0.data();
    for (int i = 0; i < xs.length; i++) {
      if (mask.data()[i] == 0) {
        continue;
      }
      double r = observation.data()[i] - xs[i];
      if (loss == Loss.MSE) {
        e += r * r;
      } else {
        double q = level(i / d);
        e += Math.max(q * r, (q - 1) * r);
      }
    }
    return e;
  }

  /** dE/dx0 into {@code out} (same shape as the observation). */
  void energyGradientOf(Batch x0, Batch out) {
    x0.requireSameShape(observation);
    out.requireSameShape(observation);
    energyGradient(x0, out);
  }

  private void energyGradient(Batch x0, Batch out) {
    double[] xs = x0.data();
    double[] o = out.data();
    int d = x0.d();
    for (int i = 0; i < xs.length; i++) {
      if (mask.data()[i] == 0) {
        o[i] = 0;
        continue;
      }
      double r = observation.data()[i] - xs[i];
      if (loss == Loss.MSE) {
        o[i] = -2 * r;
      } else {
        double q = level(i / d);
        o[i] = r > 0 ? -q : 1 - q;
      }
    }
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    x.requireSameShape(observation);
    if (scale == 0) {
      model.predict(x, t, out);
      return;
    }
    // x0hat = cx x + cp p and score = sx x + sp p: read the affine coefficients off the exact conversion.
    double[] x0Coef = coefficients(t, Prediction.X0);
    double[] scoreCoef = coefficients(t, Prediction.SCORE);
    Batch dEdx0 = x.zerosLike();
    Batch x0 = x.zerosLike();
    Batch pulled = x.zerosLike();
    model.predictWithPullback(x, t, out, (p, v) -> {
      x0.setLinear(x0Coef[0], x, x0Coef[1], p);
      energyGradient(x0, dEdx0);
      v.setScaled(x0Coef[1], dEdx0);
    }, pulled);
    // grad_x E = cx dE/dx0 + J^T (cp dE/dx0); guided p = p - s grad_x E / sp
    pulled.addScaled(x0Coef[0], dEdx0);
    out.addScaled(-scale / scoreCoef[1], pulled);
  }

  /** {cx, cp} with target = cx x + cp p for the model's prediction p at time t. */
  private double[] coefficients(double t, Prediction target) {
    Batch one = new Batch(1, 1, new double[] {1});
    Batch zero = new Batch(1, 1);
    Batch r = new Batch(1, 1);
    Predictions.convert(path, t, one, model.prediction(), zero, target, r);
    double cx = r.data()[0];
    Predictions.convert(path, t, zero, model.prediction(), one, target, r);
    return new double[] {cx, r.data()[0]};
  }
}
