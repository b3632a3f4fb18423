package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * DPM-Solver++ 2M-SDE and 3M-SDE (Lu et al. 2022b, Appendix; as in k-diffusion's
 * {@code sample_dpmpp_2m_sde} / {@code sample_dpmpp_3m_sde}): multistep data-prediction solvers
 * of the reverse SDE family with noise level eta. With h = lambda_t - lambda_s and
 * h_eta = (1 + eta) h, the exact integration of the linear part and of the noise gives
 * <pre>
 *   x_t = (sigma_t/sigma_s) e^{-eta h} x_s + alpha_t (1 - e^{-h_eta}) m_0 + (corrections)
 *         + sigma_t sqrt(1 - e^{-2 eta h}) z
 * </pre>
 * where the corrections use D1_0 = (m_0 - m_1)/r0 (2M, midpoint form: alpha_t (1 - e^{-h_eta})/2 D1_0)
 * or, for 3M, alpha_t (phi_2 D1 - phi_3 D2) with phi_2 = (e^{-h_eta} - 1)/h_eta + 1,
 * phi_3 = phi_2/h_eta - 1/2 and D1, D2 as in the ODE 3M solver (with the same factor 2 on D2,
 * see {@link DpmSolverMultistep}). eta = 0 is the ODE solver exactly.
 */
public final class DpmSolverSde extends BaseSampler {
  private final int order;
  private final double eta;
  private final LowerOrderFinal lowerOrderFinal;

  private final double d2Weight;

  /** @param lowerOrderFinal true: diffusers' rule (below 15 steps); false: never */
  public DpmSolverSde(String name, int order, double eta, boolean lowerOrderFinal) {
    this(name, order, eta, lowerOrderFinal ? LowerOrderFinal.DIFFUSERS : LowerOrderFinal.NEVER, false);
  }

  /**
   * @param lowerOrderFinal {@link LowerOrderFinal#AUTO}: below 10 on diffusion paths, below 15 on
   *     flow paths, as {@link DpmSolverMultistep} (so that eta = 0 stays the ODE solver)
   * @param referenceThirdOrder the reference code's unweighted D2 (see {@link DpmSolverMultistep})
   */
  public DpmSolverSde(String name, int order, double eta, LowerOrderFinal lowerOrderFinal, boolean referenceThirdOrder) {
    super(name);
    this.d2Weight = referenceThirdOrder ? 1 : 2;
    if (order < 1 || order > 3) {
      throw new IllegalArgumentException(name + ": order must be 1, 2 or 3, got " + order);
    }
    this.order = order;
    this.eta = requireEta(name, eta);
    this.lowerOrderFinal = java.util.Objects.requireNonNull(lowerOrderFinal, "lowerOrderFinal");
  }

  @Override
  public boolean stochastic() {
    return eta > 0;
  }

  /** eta = 0 is the ODE multistep solver: its order (2 for the reference code's unweighted 3M D2). */
  @Override
  public int order() {
    return d2Weight == 1 && order == 3 ? 2 : order;
  }

  /** Declared 1 for 2M and 3M alike (measured in WeakOrderTest; a higher weak order is not claimed). */
  @Override
  public double weakOrder() {
    return eta > 0 ? 1 : Double.NaN;
  }

  /** The plan on a diffusion path ({@link #plan(int, GaussianPath)} for others). */
  @Override
  public Plan plan(int nfe) {
    return Plan.multistep(EulerSampler.requirePositive(nfe), order,
        lowerOrderFinal.resolve(LowerOrderFinal.Reference.DPM_SOLVER.diffusion()));
  }

  /** The plan on a diffusion path ({@link #planForSteps(int, GaussianPath)} for others). */
  @Override
  public Plan planForSteps(int steps) {
    return Plan.multistep(steps, order, lowerOrderFinal.resolve(LowerOrderFinal.Reference.DPM_SOLVER.diffusion()));
  }

  @Override
  public Plan plan(int nfe, GaussianPath path) {
    return Plan.multistep(EulerSampler.requirePositive(nfe), order,
        lowerOrderFinal.resolve(LowerOrderFinal.Reference.DPM_SOLVER, path));
  }

  @Override
  public Plan planForSteps(int steps, GaussianPath path) {
    return Plan.multistep(steps, order, lowerOrderFinal.resolve(LowerOrderFinal.Reference.DPM_SOLVER, path));
  }

  @Override
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x0, long seed) {
    check(model, grid, plan, x0);
    GaussianPath p = model.path();
    Batch x = x0.copy();
    Batch z = x.zerosLike();
    Batch spare = x.zerosLike();
    Batch[] m = {x.zerosLike(), x.zerosLike(), x.zerosLike()};
    double[] lam = new double[3];
    int have = 0;
    for (int i = 0; i < grid.steps(); i++) {
      model.step(i);
      double s = grid.t(i);
      double t = grid.t(i + 1);
      // rotate history: m[0] newest
      Batch oldest = m[2];
      m[2] = m[1];
      m[1] = m[0];
      m[0] = oldest;
      lam[2] = lam[1];
      lam[1] = lam[0];
      model.evaluate(x, s, Prediction.X0, m[0]);
      lam[0] = lambda(p, s);
      have = Math.min(have + 1, 3);
      double h = lambda(p, t) - lam[0];
      double hEta = (1 + eta) * h;
      double a = p.sigma(t) / p.sigma(s) * Math.exp(-eta * h);
      double b = -p.alpha(t) * Math.expm1(-hEta);
      int k = Math.min(plan.order(i), have);
      double[] coef;
      Batch[] terms;
      if (k == 1) {
        coef = new double[] {a, b};
        terms = new Batch[] {x, m[0]};
      } else if (k == 2) {
        double r0 = (lam[0] - lam[1]) / h;
        double c = 0.5 * b / r0; // midpoint: (b/2) (m0 - m1)/r0
        coef = new double[] {a, b + c, -c};
        terms = new Batch[] {x, m[0], m[1]};
      } else {
        double r0 = (lam[0] - lam[1]) / h;
        double r1 = (lam[1] - lam[2]) / h;
        double phi2 = Math.expm1(-hEta) / hEta + 1;
        double phi3 = phi2 / hEta - 0.5;
        double at = p.alpha(t);
        double c1 = at * phi2;
        double c2 = -at * phi3;
        double w0 = c1 * (1 + r0 / (r0 + r1)) + d2Weight * c2 / (r0 + r1);
        double w1 = -c1 * r0 / (r0 + r1) - d2Weight * c2 / (r0 + r1);
        coef = new double[] {a, b + w0 / r0, -w0 / r0 + w1 / r1, -w1 / r1};
        terms = new Batch[] {x, m[0], m[1], m[2]};
      }
      double noise = eta > 0 ? p.sigma(t) * Math.sqrt(-Math.expm1(-2 * eta * h)) : 0;
      if (noise > 0) {
        gaussian(seed, stream(i, 0), z);
        coef = java.util.Arrays.copyOf(coef, coef.length + 1);
        terms = java.util.Arrays.copyOf(terms, terms.length + 1);
        coef[coef.length - 1] = noise;
        terms[terms.length - 1] = z;
      }
      combine(spare, coef, terms);
      Batch tmp = x;
      x = spare;
      spare = tmp;
    }
    return x;
  }
}
