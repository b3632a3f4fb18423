package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import org.diffusion4j.array.Batch;

/**
 * Straightness of the trajectories of a velocity field (Liu, Gong &amp; Liu 2023, "Flow Straight
 * and Fast: Learning to Generate and Transfer Data with Rectified Flow", Sec. 2.2, the
 * straightness measure S(Z) = int_0^1 E[|(Z_1 - Z_0) - dZ_t/dt|^2] dt): zero exactly when every
 * trajectory of dZ = v(t, Z) dt is a straight line traversed at constant speed, so that one Euler
 * step is exact. Reflow (retraining on the coupling (Z_0, Z_1)) decreases it.
 *
 * <p>Computed on the Heun trajectories of a batch with {@code steps} uniform steps; per row,
 * |Delta - v|^2 integrated by the trapezoid rule is expanded as
 * int |v|^2 - 2 Delta . int v + T |Delta|^2 (T = t1 - t0), so no trajectory is stored; the
 * quadrature error is O(h^2).
 */
public final class Straightness {
  /**
   * The estimate and its spread.
   *
   * @param value mean over rows of S_i
   * @param standardError sample standard deviation of S_i over sqrt(n)
   * @param endpoints the final states Z_1 (so callers can reuse the generated coupling)
   */
  public record Result(double value, double standardError, Batch endpoints) {}

  private Straightness() {}

  /** S of {@code velocity} on [t0, t1] starting from the rows of {@code x0}, Heun with {@code steps} steps. */
  public static Result of(VectorField velocity, Batch x0, double t0, double t1, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    if (!(t1 > t0) || !Double.isFinite(t0) || !Double.isFinite(t1)) {
      throw new IllegalArgumentException("straightness needs finite t0 < t1, got " + t0 + ", " + t1);
    }
    int n = x0.n();
    int d = x0.d();
    double h = (t1 - t0) / steps;
    Batch x = x0.copy();
    Batch v = x.zerosLike();
    Batch pred = x.zerosLike();
    Batch v2 = x.zerosLike();
    Batch intV = x.zerosLike();
    double[] intV2 = new double[n];
    for (int k = 0; k <= steps; k++) {
      double t = k == steps ? t1 : t0 + k * h;
      velocity.evaluate(x, t, v);
      if (v.firstNonFinite() >= 0) {
        throw new IllegalStateException("velocity returned a non-finite value at step " + k + ", t=" + t);
      }
      double w = (k == 0 || k == steps) ? 0.5 * h : h;
      intV.addScaled(w, v);
      double[] vs = v.data();
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          double e = vs[i * d + j];
          s += e * e;
        }
        intV2[i] += w * s;
      }
      if (k == steps) {
        break;
      }
      double tn = k == steps - 1 ? t1 : t0 + (k + 1) * h;
      pred.setFrom(x).addScaled(h, v);
      velocity.evaluate(pred, tn, v2);
      x.addScaled(0.5 * h, v).addScaled(0.5 * h, v2);
    }
    double span = t1 - t0;
    double sum = 0;
    double sumSq = 0;
    double[] xs = x.data();
    double[] starts = x0.data();
    double[] iv = intV.data();
    for (int i = 0; i < n; i++) {
      double delta2 = 0;
      double cross = 0;
      for (int j = 0; j < d; j++) {
        double delta = (xs[i * d + j] - starts[i * d + j]) / span;
        delta2 += delta * delta;
        cross += delta * iv[i * d + j];
      }
      // (Z1 - Z0) is the displacement per unit time when the interval is not [0, 1].
      double s = Math.max(0, intV2[i] - 2 * cross + span * delta2);
      sum += s;
      sumSq += s * s;
    }
    double mean = sum / n;
    double var = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
    return new Result(mean, Math.sqrt(var / n), x);
  }
}
