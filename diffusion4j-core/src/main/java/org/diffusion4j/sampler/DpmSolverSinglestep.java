package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * Singlestep DPM-Solver of orders 1-3, in noise-prediction form (Lu et al. 2022, "DPM-Solver",
 * Eq. 3.7 and Algorithms 1-2, with r1 = 1/2 for order 2 and r1 = 1/3, r2 = 2/3 for order 3) or in
 * data-prediction form (DPM-Solver++, Lu et al. 2022b, Eq. 9 and Algorithm 1 "DPM-Solver++(2S)").
 * With h = lambda_t - lambda_s, the first-order step is
 * <pre>
 *   noise: x_t = (alpha_t/alpha_s) x_s - sigma_t (e^h - 1) eps(x_s, s)
 *   data:  x_t = (sigma_t/sigma_s) x_s - alpha_t (e^-h - 1) x0(x_s, s)
 * </pre>
 * and higher orders add finite-difference corrections from intermediate points at
 * lambda_s + r h. The order mix for an NFE budget is DPM-Solver-fast's ({@link Plan#singlestep}).
 */
public final class DpmSolverSinglestep extends BaseSampler {
  private final int order;
  private final boolean data;

  /**
   * @param order 1, 2 or 3
   * @param dataPrediction true for DPM-Solver++ (x0 form), false for DPM-Solver (eps form)
   */
  public DpmSolverSinglestep(String name, int order, boolean dataPrediction) {
    super(name);
    if (order < 1 || order > 3) {
      throw new IllegalArgumentException("singlestep DPM-Solver order must be 1, 2 or 3, got " + order);
    }
    this.order = order;
    this.data = dataPrediction;
  }

  @Override
  public int order() {
    return order;
  }

  @Override
  public Plan plan(int nfe) {
    return Plan.singlestep(nfe, order);
  }

  @Override
  public Plan planForSteps(int steps) {
    return Plan.singlestepSteps(steps, order);
  }

  @Override
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x0, long seed) {
    check(model, grid, plan, x0);
    Batch x = x0.copy();
    Work w = new Work(x);
    for (int i = 0; i < grid.steps(); i++) {
      model.step(i);
      step(model, w, x, grid.t(i), grid.t(i + 1), plan.order(i));
    }
    return x;
  }

  /** Scratch batches reused across steps. */
  private static final class Work {
    final Batch m0;
    final Batch m1;
    final Batch m2;
    final Batch u;

    Work(Batch x) {
      m0 = x.zerosLike();
      m1 = x.zerosLike();
      m2 = x.zerosLike();
      u = x.zerosLike();
    }
  }

  /** One step of the given order from s to t, in place on x. */
  private void step(ModelEvaluator model, Work w, Batch x, double s, double t, int k) {
    GaussianPath p = model.path();
    Prediction kind = data ? Prediction.X0 : Prediction.EPSILON;
    double ls = lambda(p, s);
    double h = lambda(p, t) - ls;
    model.evaluate(x, s, kind, w.m0);
    if (k == 1) {
      first(p, x, s, t, h, w.m0, x);
      return;
    }
    double r1 = k == 2 ? 0.5 : 1.0 / 3;
    double s1 = p.tOfLambda(ls + r1 * h);
    first(p, x, s, s1, r1 * h, w.m0, w.u);
    model.evaluate(w.u, s1, kind, w.m1);
    if (k == 2) {
      // x_t = first-order step + (1/(2 r1)) b (m1 - m0), b the first-order weight   (Alg. 1 / DPM-Solver++(2S))
      double[] c = firstCoefficients(p, s, t, h);
      double corr = 0.5 / r1 * c[1];
      x.setLinear(c[0], x, c[1] - corr, w.m0, corr, w.m1);
      return;
    }
    // Order 3 (DPM-Solver-3, Alg. 2; DPM-Solver++ analogue of Lu et al. 2022b, Appendix B).
    double r2 = 2.0 / 3;
    double s2 = p.tOfLambda(ls + r2 * h);
    // phi22, phi2 as in Lu et al. 2022 (Alg. 2) and 2022b (data form, with h -> -h).
    double phi22 = data ? Math.expm1(-r2 * h) / (r2 * h) + 1 : Math.expm1(r2 * h) / (r2 * h) - 1;
    double phi2 = data ? Math.expm1(-h) / h + 1 : Math.expm1(h) / h - 1;
    double[] c2 = firstCoefficients(p, s, s2, r2 * h);
    // u2 = first-order step to s2 + D (m1 - m0), D = +r2/r1 alpha phi22 (data) or -r2/r1 sigma phi22 (noise)
    double d2 = data ? (r2 / r1) * p.alpha(s2) * phi22 : -(r2 / r1) * p.sigma(s2) * phi22;
    w.u.setLinear(c2[0], x, c2[1] - d2, w.m0, d2, w.m1);
    model.evaluate(w.u, s2, kind, w.m2);
    double[] c = firstCoefficients(p, s, t, h);
    // x_t = first-order step + D' (m2 - m0), D' = +alpha_t phi2 / r2 (data) or -sigma_t phi2 / r2 (noise)
    double dt = data ? p.alpha(t) * phi2 / r2 : -p.sigma(t) * phi2 / r2;
    x.setLinear(c[0], x, c[1] - dt, w.m0, dt, w.m2);
  }

  /** Coefficients (a, b) of the first-order step x_t = a x_s + b m(x_s). */
  private double[] firstCoefficients(GaussianPath p, double s, double t, double h) {
    if (data) {
      return new double[] {p.sigma(t) / p.sigma(s), -p.alpha(t) * Math.expm1(-h)};
    }
    return new double[] {p.alpha(t) / p.alpha(s), -p.sigma(t) * Math.expm1(h)};
  }

  private void first(GaussianPath p, Batch x, double s, double t, double h, Batch m, Batch out) {
    double[] c = firstCoefficients(p, s, t, h);
    out.setLinear(c[0], x, c[1], m);
  }
}
