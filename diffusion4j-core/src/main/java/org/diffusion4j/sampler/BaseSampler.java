package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/** Shared plumbing of the samplers: name, argument checks, per-row noise and small math helpers. */
abstract class BaseSampler implements Sampler {
  private final String name;

  BaseSampler(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }

  /** Checks that plan, grid, state and model agree, and tells the evaluator the step count. */
  static void check(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x) {
    if (plan.steps() != grid.steps()) {
      throw new IllegalArgumentException("plan has " + plan.steps() + " steps but the grid has " + grid.steps());
    }
    if (x.d() != model.dim()) {
      throw new IllegalArgumentException("state dimension " + x.d() + " does not match the model dimension "
          + model.dim());
    }
    model.steps(grid.steps());
  }

  /** Returns {@code eta} after checking it is a finite stochasticity level &gt;= 0. */
  static double requireEta(String name, double eta) {
    if (!(eta >= 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException(name + ": eta must be >= 0, got " + eta);
    }
    return eta;
  }

  /** Fills {@code out} with N(0, 1): row r from stream (seed, stream, r), independent of thread count. */
  static void gaussian(long seed, long stream, Batch out) {
    Rng base = Rng.of(seed).stream(stream);
    int d = out.d();
    double[] a = out.data();
    Parallel.forRows(out.n(), (from, to) -> {
      for (int r = from; r < to; r++) {
        base.stream(r).fillGaussian(a, r * d, d);
      }
    });
  }

  /**
   * out = sum_k coef[k] * terms[k], fused into one pass and split over rows on the fork-join
   * pool (the samplers' only heavy work besides the model; keeping it parallel keeps the sampler
   * overhead small next to a parallel model). {@code out} must not be one of the terms.
   */
  static void combine(Batch out, double[] coef, Batch... terms) {
    for (Batch t : terms) {
      out.requireSameShape(t);
    }
    int d = out.d();
    double[] o = out.data();
    int k = terms.length;
    double[][] ts = new double[k][];
    for (int j = 0; j < k; j++) {
      ts[j] = terms[j].data();
    }
    Parallel.forRows(out.n(), 256, (from, to) -> {
      int lo = from * d;
      int hi = to * d;
      switch (k) {
        case 1 -> {
          double c0 = coef[0];
          double[] a = ts[0];
          for (int i = lo; i < hi; i++) {
            o[i] = c0 * a[i];
          }
        }
        case 2 -> {
          double c0 = coef[0], c1 = coef[1];
          double[] a = ts[0], b = ts[1];
          for (int i = lo; i < hi; i++) {
            o[i] = c0 * a[i] + c1 * b[i];
          }
        }
        case 3 -> {
          double c0 = coef[0], c1 = coef[1], c2 = coef[2];
          double[] a = ts[0], b = ts[1], c = ts[2];
          for (int i = lo; i < hi; i++) {
            o[i] = c0 * a[i] + c1 * b[i] + c2 * c[i];
          }
        }
        case 4 -> {
          double c0 = coef[0], c1 = coef[1], c2 = coef[2], c3 = coef[3];
          double[] a = ts[0], b = ts[1], c = ts[2], e = ts[3];
          for (int i = lo; i < hi; i++) {
            o[i] = c0 * a[i] + c1 * b[i] + c2 * c[i] + c3 * e[i];
          }
        }
        default -> {
          // Four terms fused, then one cache-resident pass per further term over this row chunk
          // (simple loops the JIT vectorises, unlike an inner loop over terms).
          double c0 = coef[0], c1 = coef[1], c2 = coef[2], c3 = coef[3];
          double[] a = ts[0], b = ts[1], c = ts[2], e = ts[3];
          for (int i = lo; i < hi; i++) {
            o[i] = c0 * a[i] + c1 * b[i] + c2 * c[i] + c3 * e[i];
          }
          for (int j = 4; j < k; j++) {
            double cj = coef[j];
            double[] t = ts[j];
            for (int i = lo; i < hi; i++) {
              o[i] += cj * t[i];
            }
          }
        }
      }
    });
  }

  /** Noise stream index for sub-draw {@code k} (0..15) of step {@code step}. */
  static long stream(int step, int k) {
    return 16L * step + k;
  }

  /** The half log-SNR at t, rejecting infinite values (alpha = 0 or sigma = 0). */
  static double lambda(GaussianPath path, double t) {
    double l = path.lambda(t);
    if (!Double.isFinite(l)) {
      throw new IllegalArgumentException("lambda(t) is not finite at t=" + t + " on path " + path.name()
          + "; exponential-integrator samplers need 0 < alpha, sigma: choose t-start/t-end inside the path");
    }
    return l;
  }
}
