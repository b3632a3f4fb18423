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
 * lambda_s + r h (the 'dpmsolver' solver type of dpm_solver_pytorch.py, general r1, r2). The order
 * mix for an NFE budget is DPM-Solver-fast's ({@link Plan#singlestep}).
 *
 * <p>Where the steps and their inner points lie ({@link InnerPoints#OFFICIAL}, the default)
 * follows dpm_solver_pytorch.py ({@code get_orders_and_timesteps_for_singlestep_solver} and the
 * 'singlestep' branch of {@code DPM_Solver.sample}): on a logSNR grid the K outer steps are
 * uniform in lambda and the inner points split each step uniformly in lambda (r = 1/2; 1/3, 2/3);
 * on any other spacing the model is evaluated exactly at the points of the NFE-step grid of that
 * spacing: the outer steps are that grid at the cumulative orders, and the inner points are the
 * grid points between them (uniform in the spacing's variable, e.g. sqrt(t) for time-quadratic).
 * {@link InnerPoints#LAMBDA_FRACTIONS} keeps d4j's earlier placement: K outer steps of the
 * spacing and fixed lambda fractions inside every step.
 */
public final class DpmSolverSinglestep extends BaseSampler {
  /** Placement of the outer steps and inner points on non-logSNR grids (identical on logSNR). */
  public enum InnerPoints {
    /** dpm_solver_pytorch.py: the model is evaluated on the NFE-step grid of the spacing. */
    OFFICIAL,
    /** K outer steps of the spacing, inner points at lambda fractions 1/2 (order 2), 1/3, 2/3 (order 3). */
    LAMBDA_FRACTIONS
  }

  private final int order;
  private final boolean data;
  private final InnerPoints inner;

  /**
   * @param order 1, 2 or 3
   * @param dataPrediction true for DPM-Solver++ (x0 form), false for DPM-Solver (eps form)
   */
  public DpmSolverSinglestep(String name, int order, boolean dataPrediction) {
    this(name, order, dataPrediction, InnerPoints.OFFICIAL);
  }

  /** @param inner where the outer steps and inner points lie on non-logSNR grids */
  public DpmSolverSinglestep(String name, int order, boolean dataPrediction, InnerPoints inner) {
    super(name);
    if (order < 1 || order > 3) {
      throw new IllegalArgumentException("singlestep DPM-Solver order must be 1, 2 or 3, got " + order);
    }
    if (inner == null) {
      throw new IllegalArgumentException("singlestep inner points must be OFFICIAL or LAMBDA_FRACTIONS, got null");
    }
    this.order = order;
    this.data = dataPrediction;
    this.inner = inner;
  }

  /**
   * The outer grid of {@code plan}: with {@link InnerPoints#OFFICIAL} on a non-logSNR spacing, the
   * {@code plan.nfe()}-step grid of the spacing at the cumulative orders (dpm_solver_pytorch.py,
   * {@code get_orders_and_timesteps_for_singlestep_solver}); otherwise {@code plan.steps()} steps.
   */
  @Override
  public TimeGrid grid(TimeGrid.Spacing spacing, double rho, GaussianPath path, double start, double end, Plan plan) {
    if (inner == InnerPoints.LAMBDA_FRACTIONS || spacing == TimeGrid.Spacing.LOGSNR) {
      return TimeGrid.create(spacing, rho, path, start, end, plan.steps());
    }
    TimeGrid fine = TimeGrid.create(spacing, rho, path, start, end, plan.nfe());
    int[] idx = new int[plan.steps() + 1];
    for (int i = 0; i < plan.steps(); i++) {
      idx[i + 1] = idx[i] + plan.order(i);
    }
    return fine.select(idx);
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
      step(model, w, x, grid, i, plan.order(i));
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

  /**
   * The fractions r_j = (lambda(s_j) - lambda(s)) / h of the k - 1 inner points of step i: with
   * {@link InnerPoints#OFFICIAL} and a grid built from a spacing, the k-step grid of that spacing
   * from s to t (dpm_solver_pytorch.py: {@code get_time_steps(skip_type, s, t, order)}); else
   * j / k (r = 1/2; 1/3, 2/3 as in Lu et al. 2022, Alg. 1-2).
   */
  double[] innerFractions(GaussianPath p, TimeGrid grid, int i, int k) {
    double[] r = new double[k - 1];
    double s = grid.t(i);
    double t = grid.t(i + 1);
    if (inner == InnerPoints.OFFICIAL && grid.spacing() != null && grid.spacing() != TimeGrid.Spacing.LOGSNR) {
      double[] ts = TimeGrid.create(grid.spacing(), grid.rho(), p, s, t, k).times();
      double ls = lambda(p, s);
      double h = lambda(p, t) - ls;
      for (int j = 1; j < k; j++) {
        r[j - 1] = (lambda(p, ts[j]) - ls) / h;
      }
    } else {
      for (int j = 1; j < k; j++) {
        r[j - 1] = (double) j / k;
      }
    }
    return r;
  }

  /** Step i of the given order from s = t_i to t = t_(i+1), in place on x. */
  private void step(ModelEvaluator model, Work w, Batch x, TimeGrid grid, int i, int k) {
    GaussianPath p = model.path();
    double s = grid.t(i);
    double t = grid.t(i + 1);
    Prediction kind = data ? Prediction.X0 : Prediction.EPSILON;
    double ls = lambda(p, s);
    double h = lambda(p, t) - ls;
    model.evaluate(x, s, kind, w.m0);
    if (k == 1) {
      first(p, x, s, t, h, w.m0, x);
      return;
    }
    double[] r = innerFractions(p, grid, i, k);
    double r1 = r[0];
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
    double r2 = r[1];
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
