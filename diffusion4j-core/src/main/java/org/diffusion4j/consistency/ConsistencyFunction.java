package org.diffusion4j.consistency;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;

/**
 * A consistency function f(x_t, t) in the parameterisation of Song et al. (2023, Eq. 5;
 * openai/consistency_models {@code KarrasDenoiser.denoise} with {@code distillation=True}), built on
 * any model: with x~ = x/alpha(t), sigma = sigma(t)/alpha(t), and D(x, t) the model's data
 * prediction,
 * <pre>
 *   F(x~, sigma) = (D - c_skip^EDM(sigma) x~) / c_out^EDM(sigma)              (the model as an EDM raw output)
 *   f(x, t)      = c_skip(sigma) x~ + c_out(sigma) F = c_skip(sigma) x~ + ((sigma - eps)/sigma)(D - c_skip^EDM x~)
 * </pre>
 * (c_out/c_out^EDM = (sigma - eps)/sigma). Any network trained for D is thereby a valid
 * initialisation of a consistency model, as the official distillation initialises the student with
 * the teacher's weights. The boundary time {@code tEps} fixes eps = sigma(tEps)/alpha(tEps), so
 * f(x, tEps) = x/alpha(tEps) exactly (= x on the EDM path, alpha = 1): c_skip is exactly 1 and
 * c_out exactly 0 there.
 *
 * <p>As a core {@link Denoiser} it predicts {@link Prediction#X0}; the {@code consistency} sampler
 * ({@link org.diffusion4j.sampler.ConsistencySampler}) takes one or a few steps with it.
 */
public final class ConsistencyFunction implements Denoiser {
  private final Denoiser base;
  private final GaussianPath path;
  private final ConsistencySchedule schedule;
  private final double tEps;
  private final double eps;

  /**
   * @param base the model giving D (any prediction kind; converted to x0 on {@code path})
   * @param path the path the model lives on
   * @param schedule sigma_d (and the nominal eps)
   * @param tEps the boundary time; eps = sigma(tEps)/alpha(tEps)
   */
  public ConsistencyFunction(Denoiser base, GaussianPath path, ConsistencySchedule schedule, double tEps) {
    double e = ConsistencySchedule.sigmaOf(path, tEps);
    if (!(e > 0) || Double.isInfinite(e)) {
      throw new IllegalArgumentException("boundary time " + tEps + " gives noise level " + e + " on path " + path.name()
          + "; it needs 0 < sigma/alpha < Inf");
    }
    this.base = base;
    this.path = path;
    this.schedule = schedule;
    this.tEps = tEps;
    this.eps = e;
  }

  /** The boundary time of {@code schedule.eps()} on {@code path} (exact on the EDM path: t = sigma). */
  public static double boundaryTime(GaussianPath path, ConsistencySchedule schedule) {
    return path.name().equals("edm") ? schedule.eps() : ConsistencySchedule.timeOf(path, schedule.eps());
  }

  public double tEps() {
    return tEps;
  }

  /** The boundary noise level eps = sigma(tEps)/alpha(tEps). */
  public double eps() {
    return eps;
  }

  public GaussianPath path() {
    return path;
  }

  /**
   * The per-time coefficients (a, b) with f = a x + b D(x, t):
   * a = (c_skip - r c_skip^EDM)/alpha, b = r, r = (sigma - eps)/sigma.
   */
  public double[] coefficients(double t) {
    return coefficients(path, schedule, eps, t);
  }

  /** {@link #coefficients(double)} for a given path, schedule and boundary noise level. */
  public static double[] coefficients(GaussianPath path, ConsistencySchedule schedule, double eps, double t) {
    double alpha = path.alpha(t);
    double sigma = path.sigma(t) / alpha;
    double r = (sigma - eps) / sigma;
    return new double[] {(schedule.cSkip(sigma, eps) - r * schedule.edmCSkip(sigma)) / alpha, r};
  }

  @Override
  public int dim() {
    return base.dim();
  }

  @Override
  public Prediction prediction() {
    return Prediction.X0;
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    x.requireSameShape(out);
    double alpha = path.alpha(t);
    double sigma = path.sigma(t) / alpha;
    double cSkip = schedule.cSkip(sigma, eps);
    double cOut = schedule.cOut(sigma, eps);
    if (cOut == 0) {
      // the boundary: f = x~ exactly, without evaluating the model
      out.setScaled(cSkip / alpha, x);
      return;
    }
    base.predict(x, t, out);
    if (base.prediction() != Prediction.X0) {
      Predictions.convert(path, t, x, base.prediction(), out, Prediction.X0, out);
    }
    double r = (sigma - eps) / sigma;
    // f = c_skip x~ + r (D - c_skip^EDM x~), x~ = x/alpha
    out.setLinear((cSkip - r * schedule.edmCSkip(sigma)) / alpha, x, r, out);
  }

  @Override
  public String toString() {
    return "ConsistencyFunction(" + base + ", eps=" + eps + ")";
  }
}
