package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * Adaptive-step DPM-Solver-12 and -23 (Lu et al. 2022, Sec. 4 / Appendix C, Algorithm 4), in
 * data-prediction form (DPM-Solver++ updates). From lambda_s, a trial step h gives a lower-order
 * estimate x_l (DPM-Solver-1, resp. DPM-Solver-2 with r1 = 1/3) and a higher-order one x_h
 * (DPM-Solver-2 with r1 = 1/2, resp. DPM-Solver-3 with r1 = 1/3, r2 = 2/3) sharing evaluations;
 * with delta = max(atol, rtol max(|x_l|, |x_prev|)) and E = max_rows ||(x_h - x_l)/delta||_2 / sqrt(d),
 * the step is accepted if E &lt;= 1 and h is updated to min(theta h E^(-1/k), lambda_end - lambda_s)
 * (theta = 0.9, k the higher order). Starts from h = 0.05 (in lambda).
 *
 * <p>The grid passed to {@link #sample} only gives the start and end times.
 */
public final class DpmSolverAdaptive extends BaseSampler {
  private static final double THETA = 0.9;
  private static final double H_INIT = 0.05;
  private final int order;
  private final double rtol;
  private final double atol;

  /**
   * @param order 2 (DPM-Solver-12) or 3 (DPM-Solver-23)
   */
  public DpmSolverAdaptive(String name, int order, double rtol, double atol) {
    super(name);
    if (order != 2 && order != 3) {
      throw new IllegalArgumentException(name + ": adaptive order must be 2 (DPM-Solver-12) or 3 (DPM-Solver-23), got "
          + order);
    }
    if (!(rtol > 0) || !(atol > 0)) {
      throw new IllegalArgumentException(name + ": rtol and atol must be positive, got " + rtol + ", " + atol);
    }
    this.order = order;
    this.rtol = rtol;
    this.atol = atol;
  }

  /** The order of the higher of the embedded pair (DPM-Solver-12: 2, DPM-Solver-23: 3). */
  @Override
  public int order() {
    return order;
  }

  @Override
  public boolean adaptive() {
    return true;
  }

  @Override
  public Plan plan(int nfe) {
    throw new IllegalArgumentException(name() + " chooses its own steps from rtol/atol and cannot use a fixed NFE "
        + "budget of " + nfe + "; run it without --nfe");
  }

  /** The adaptive solver ignores the interior of the grid; its NFE is not known in advance (-1). */
  @Override
  public Plan planForSteps(int steps) {
    int[] o = new int[steps];
    java.util.Arrays.fill(o, order);
    return new Plan(o, -1);
  }

  @Override
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x0, long seed) {
    if (x0.d() != model.dim()) {
      throw new IllegalArgumentException("state dimension " + x0.d() + " does not match the model dimension "
          + model.dim());
    }
    GaussianPath p = model.path();
    double s = grid.start();
    double tEnd = grid.end();
    double ls = lambda(p, s);
    double lEnd = lambda(p, tEnd);
    Batch x = x0.copy();
    Batch xPrev = x0.copy();
    Batch m0 = x.zerosLike();
    Batch m1 = x.zerosLike();
    Batch m2 = x.zerosLike();
    Batch u1 = x.zerosLike();
    Batch u2 = x.zerosLike();
    Batch lo = x.zerosLike();
    Batch hi = x.zerosLike();
    double h = Math.min(H_INIT, lEnd - ls);
    boolean haveM0 = false;
    int step = 0;
    while (s != tEnd) {
      model.step(step);
      if (!(h > 1e-12)) {
        throw new IllegalStateException(name() + ": step size underflow (h=" + h + ") at t=" + s
            + "; loosen rtol/atol");
      }
      boolean last = h >= lEnd - ls;
      double t = last ? tEnd : p.tOfLambda(ls + h);
      h = lambda(p, t) - ls;
      if (!haveM0) {
        model.evaluate(x, s, Prediction.X0, m0);
        haveM0 = true;
      }
      double r1 = order == 2 ? 0.5 : 1.0 / 3;
      double s1 = p.tOfLambda(ls + r1 * h);
      first(p, x, s, s1, r1 * h, m0, u1);
      model.evaluate(u1, s1, Prediction.X0, m1);
      double[] c = coefficients(p, s, t, h);
      if (order == 2) {
        // lower: DPM-Solver++-1; higher: DPM-Solver++(2S) with r1 = 1/2
        lo.setLinear(c[0], x, c[1], m0);
        double corr = 0.5 / r1 * c[1];
        hi.setLinear(c[0], x, c[1] - corr, m0, corr, m1);
      } else {
        // lower: DPM-Solver++(2S) with r1 = 1/3; higher: third order singlestep reusing u1, m1
        double corr = 0.5 / r1 * c[1];
        lo.setLinear(c[0], x, c[1] - corr, m0, corr, m1);
        double r2 = 2.0 / 3;
        double s2 = p.tOfLambda(ls + r2 * h);
        double phi22 = Math.expm1(-r2 * h) / (r2 * h) + 1;
        double phi2 = Math.expm1(-h) / h + 1;
        double[] c2 = coefficients(p, s, s2, r2 * h);
        double d2 = (r2 / r1) * p.alpha(s2) * phi22;
        u2.setLinear(c2[0], x, c2[1] - d2, m0, d2, m1);
        model.evaluate(u2, s2, Prediction.X0, m2);
        double dt = p.alpha(t) * phi2 / r2;
        hi.setLinear(c[0], x, c[1] - dt, m0, dt, m2);
      }
      double e = error(lo, hi, xPrev);
      if (e <= 1) {
        xPrev.setFrom(lo);
        x.setFrom(hi);
        s = t;
        ls = lambda(p, s);
        haveM0 = false;
        step++;
      }
      h = Math.min(THETA * h * Math.pow(Math.max(e, 1e-12), -1.0 / order), lEnd - ls);
    }
    return x;
  }

  /** max over rows of the RMS of (hi - lo) / max(atol, rtol max(|lo|, |prev|)). */
  private double error(Batch lo, Batch hi, Batch prev) {
    int d = lo.d();
    double[] a = lo.data();
    double[] b = hi.data();
    double[] c = prev.data();
    double worst = 0;
    for (int i = 0; i < lo.n(); i++) {
      double sum = 0;
      for (int j = i * d; j < (i + 1) * d; j++) {
        double delta = Math.max(atol, rtol * Math.max(Math.abs(a[j]), Math.abs(c[j])));
        double r = (b[j] - a[j]) / delta;
        sum += r * r;
      }
      worst = Math.max(worst, Math.sqrt(sum / d));
    }
    return worst;
  }

  private static double[] coefficients(GaussianPath p, double s, double t, double h) {
    return new double[] {p.sigma(t) / p.sigma(s), -p.alpha(t) * Math.expm1(-h)};
  }

  private static void first(GaussianPath p, Batch x, double s, double t, double h, Batch m, Batch out) {
    double[] c = coefficients(p, s, t, h);
    out.setLinear(c[0], x, c[1], m);
  }
}
