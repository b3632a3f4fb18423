package org.diffusion4j.model;

import org.diffusion4j.array.Batch;
import org.diffusion4j.path.GaussianPath;

/**
 * Exact conversions between prediction kinds on a path x = alpha x0 + sigma eps. Every kind is
 * mapped to the pair (x0, eps) by solving a 2x2 linear system with x, then to the target kind:
 * <pre>
 *   eps   : x0 = (x - sigma eps) / alpha
 *   x0    : eps = (x - alpha x0) / sigma
 *   v     : [x; v] = [alpha sigma; -sigma alpha][x0; eps]      (det alpha^2 + sigma^2)
 *   score : eps = -sigma score
 *   u     : [x; u] = [alpha sigma; alpha' sigma'][x0; eps]     (det alpha sigma' - sigma alpha')
 * </pre>
 */
public final class Predictions {
  private Predictions() {}

  /** Converts a prediction {@code p} of kind {@code from} at (x, t) into kind {@code to}, writing {@code out}. */
  public static void convert(GaussianPath path, double t, Batch x, Prediction from, Batch p, Prediction to,
      Batch out) {
    x.requireSameShape(p);
    x.requireSameShape(out);
    if (from == to) {
      if (out != p) {
        out.setFrom(p);
      }
      return;
    }
    double a = path.alpha(t);
    double s = path.sigma(t);
    double ad = path.alphaDot(t);
    double sd = path.sigmaDot(t);
    // Coefficients so that x0 = cx * x + cp * p and eps = ex * x + ep * p.
    double cx;
    double cp;
    double ex;
    double ep;
    switch (from) {
      case EPSILON -> { cx = 1 / a; cp = -s / a; ex = 0; ep = 1; }
      case X0 -> { cx = 0; cp = 1; ex = 1 / s; ep = -a / s; }
      case V -> {
        double det = a * a + s * s;
        cx = a / det; cp = -s / det; ex = s / det; ep = a / det;
      }
      case SCORE -> { ex = 0; ep = -s; cx = 1 / a; cp = s * s / a; }
      case VELOCITY -> {
        double det = a * sd - s * ad;
        cx = sd / det; cp = -s / det; ex = -ad / det; ep = a / det;
      }
      default -> throw new AssertionError(from);
    }
    // Target = tx0 * x0 + teps * eps (+ 0 * x): every kind is linear in (x0, eps).
    double tx0;
    double teps;
    switch (to) {
      case EPSILON -> { tx0 = 0; teps = 1; }
      case X0 -> { tx0 = 1; teps = 0; }
      case V -> { tx0 = -s; teps = a; }
      case SCORE -> { tx0 = 0; teps = -1 / s; }
      case VELOCITY -> { tx0 = ad; teps = sd; }
      default -> throw new AssertionError(to);
    }
    double kx = tx0 * cx + teps * ex;
    double kp = tx0 * cp + teps * ep;
    out.setLinear(kx, x, kp, p);
  }

  /**
   * A view of {@code model} that predicts {@code target} on {@code path}. Returns the model
   * itself when it already predicts {@code target}.
   */
  public static Denoiser as(Denoiser model, GaussianPath path, Prediction target) {
    if (model.prediction() == target) {
      return model;
    }
    return new Converted(model, path, target);
  }

  private record Converted(Denoiser model, GaussianPath path, Prediction prediction) implements Denoiser {
    @Override
    public int dim() {
      return model.dim();
    }

    @Override
    public void predict(Batch x, double t, Batch out) {
      model.predict(x, t, out);
      convert(path, t, x, model.prediction(), out, prediction, out);
    }
  }
}
