package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.SmallMatrices;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * The loop shared by the linear multistep samplers (DPM-Solver multistep, DPM-Solver++ 2M/3M,
 * UniPC, DEIS): one model evaluation per step, a short history of past outputs, and an optional
 * UniC corrector (Zhao et al. 2023, "UniPC", Eq. 8 and Algorithm 2) that refines each new state
 * with the evaluation the next step needs anyway, raising the order by one at no extra NFE.
 *
 * <p>Subclasses implement one predictor step ({@link #predict}). The outputs kept in the
 * {@link History} are noise predictions or data predictions ({@link #dataPrediction()}); the
 * corrector works in the same form. Step i uses order {@code plan.order(i)} (warm-up and
 * lower-order final steps, {@link Plan#multistep}).
 *
 * <p>To add a multistep solver (e.g. DPM-Solver-v3), extend this class and implement
 * {@link #predict}; the registry {@link Samplers} maps a CLI name to it.
 */
public abstract class MultistepSampler extends BaseSampler {
  /** B(h) of UniPC (Zhao et al. 2023, Sec. 3.3): bh1 = h, bh2 = e^h - 1 (in the solver's sign). */
  public enum Bh { BH1, BH2 }

  private final int order;
  private final LowerOrderFinal lowerOrderFinal;
  private final LowerOrderFinal.Reference reference;
  private final boolean data;
  private final Bh corrector;

  /**
   * @param order the largest order (history length) used
   * @param lowerOrderFinal when to lower the order of the last steps; {@link LowerOrderFinal#AUTO}
   *     takes {@code reference}'s rule for the path sampled
   * @param reference the rules of the solver's reference codes (diffusion and flow paths)
   * @param dataPrediction keep x0 predictions (true) or eps predictions (false)
   * @param corrector the UniC variant to apply after every step but the last, or null for none
   */
  protected MultistepSampler(String name, int order, LowerOrderFinal lowerOrderFinal,
      LowerOrderFinal.Reference reference, boolean dataPrediction, Bh corrector) {
    super(name);
    if (order < 1 || order > maxOrder()) {
      throw new IllegalArgumentException(name + ": order must be between 1 and " + maxOrder() + ", got " + order);
    }
    this.order = order;
    this.lowerOrderFinal = java.util.Objects.requireNonNull(lowerOrderFinal, "lowerOrderFinal");
    this.reference = java.util.Objects.requireNonNull(reference, "reference");
    this.data = dataPrediction;
    this.corrector = corrector;
  }

  /** The largest order the predictor supports. */
  protected int maxOrder() {
    return 3;
  }

  /** The largest predictor order (history length) used. */
  public int predictorOrder() {
    return order;
  }

  /** The predictor's order, plus one with the UniC corrector (Zhao et al. 2023, Theorem 3.3). */
  @Override
  public int order() {
    return order + (corrector != null ? 1 : 0);
  }

  /** The rule for lowering the order of the final steps, as given (possibly {@link LowerOrderFinal#AUTO}). */
  public LowerOrderFinal lowerOrderFinal() {
    return lowerOrderFinal;
  }

  /** The rule used on {@code path} ({@link LowerOrderFinal#AUTO} resolved to the solver's reference rule there). */
  public LowerOrderFinal lowerOrderFinal(GaussianPath path) {
    return lowerOrderFinal.resolve(reference, path);
  }

  /** Whether the history holds x0 (true) or eps (false) predictions. */
  public boolean dataPrediction() {
    return data;
  }

  /** The plan on a diffusion path ({@link #plan(int, GaussianPath)} for others). */
  @Override
  public Plan plan(int nfe) {
    return Plan.multistep(EulerSampler.requirePositive(nfe), order, lowerOrderFinal.resolve(reference.diffusion()));
  }

  /** The plan on a diffusion path ({@link #planForSteps(int, GaussianPath)} for others). */
  @Override
  public Plan planForSteps(int steps) {
    return Plan.multistep(steps, order, lowerOrderFinal.resolve(reference.diffusion()));
  }

  @Override
  public Plan plan(int nfe, GaussianPath path) {
    return Plan.multistep(EulerSampler.requirePositive(nfe), order, lowerOrderFinal(path));
  }

  @Override
  public Plan planForSteps(int steps, GaussianPath path) {
    return Plan.multistep(steps, order, lowerOrderFinal(path));
  }

  /**
   * Past model outputs, newest first: {@code m(0)} was evaluated at {@code t(0)}, the time of the
   * current state. Holds up to the sampler's order entries.
   */
  protected static final class History {
    private final Batch[] buf;
    private final double[] ts;
    private final double[] ls;
    private int size;

    History(int capacity, Batch like) {
      buf = new Batch[capacity + 1];
      for (int i = 0; i < buf.length; i++) {
        buf[i] = like.zerosLike();
      }
      ts = new double[capacity + 1];
      ls = new double[capacity + 1];
    }

    /** Number of stored outputs. */
    public int size() {
      return size;
    }

    /** The j-th newest output. */
    public Batch m(int j) {
      check(j);
      return buf[j];
    }

    /** Time of the j-th newest output. */
    public double t(int j) {
      check(j);
      return ts[j];
    }

    /** lambda at the time of the j-th newest output. */
    public double lambda(int j) {
      check(j);
      return ls[j];
    }

    private void check(int j) {
      if (j < 0 || j >= size) {
        throw new IndexOutOfBoundsException("history has " + size + " entries, asked for " + j);
      }
    }

    /** The batch the next output is written into; it becomes m(0) at {@link #push}. */
    Batch spare() {
      return buf[buf.length - 1];
    }

    void push(double t, double lambda) {
      Batch b = buf[buf.length - 1];
      for (int i = buf.length - 1; i > 0; i--) {
        buf[i] = buf[i - 1];
        ts[i] = ts[i - 1];
        ls[i] = ls[i - 1];
      }
      buf[0] = b;
      ts[0] = t;
      ls[0] = lambda;
      size = Math.min(size + 1, buf.length - 1);
    }
  }

  /**
   * One predictor step of order {@code k} (k &lt;= history size) from the state {@code x} at
   * {@code h.t(0)} to {@code t}, written into {@code out} (which does not alias x or the history).
   */
  protected abstract void predict(GaussianPath path, History h, int k, Batch x, double t, Batch out);

  @Override
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x0, long seed) {
    check(model, grid, plan, x0);
    GaussianPath p = model.path();
    Prediction kind = data ? Prediction.X0 : Prediction.EPSILON;
    Batch x = x0.copy();
    Batch next = x.zerosLike();
    History h = new History(order, x);
    int n = grid.steps();
    model.step(0);
    model.evaluate(x, grid.t(0), kind, h.spare());
    h.push(grid.t(0), lambda(p, grid.t(0)));
    for (int i = 0; i < n; i++) {
      double t = grid.t(i + 1);
      int k = plan.order(i);
      predict(p, h, k, x, t, next);
      if (i < n - 1) {
        model.step(i + 1);
        Batch mt = h.spare();
        model.evaluate(next, t, kind, mt);
        if (corrector != null) {
          uniC(p, h, k, x, t, mt, next);
        }
        h.push(t, lambda(p, t));
      }
      Batch tmp = x;
      x = next;
      next = tmp;
    }
    return x;
  }

  /**
   * UniC-k (Zhao et al. 2023, Eq. 8, B(h) variants of Sec. 3.3 / Appendix): corrects {@code xt}
   * (the predicted state at t) in place, using the previous state {@code x} at h.t(0), the
   * outputs m(0..k-1) and the new output {@code mt} at (xt, t). Order of accuracy k + 1.
   */
  protected void uniC(GaussianPath p, History h, int k, Batch x, double t, Batch mt, Batch xt) {
    double l0 = h.lambda(0);
    double hh0 = lambda(p, t) - l0;
    double[] rks = new double[k];
    for (int j = 1; j < k; j++) {
      rks[j - 1] = (h.lambda(j) - l0) / hh0;
    }
    rks[k - 1] = 1;
    double hh = data ? -hh0 : hh0;
    double bh = bh(corrector, hh);
    double[] rhos;
    if (k == 1) {
      rhos = new double[] {0.5};
    } else {
      double[][] rb = uniCoefficients(rks, hh, bh, k);
      rhos = SmallMatrices.solve(java.util.Arrays.copyOf(rb, k), rb[k]);
    }
    // x_t = base - K B(h) (sum_j rho_j (m_j - m_0)/r_j + rho_k (m_t - m_0)), K = alpha_t (data) or sigma_t (noise)
    double s0 = h.t(0);
    double kt = data ? p.alpha(t) : p.sigma(t);
    double a = data ? p.sigma(t) / p.sigma(s0) : p.alpha(t) / p.alpha(s0);
    double b0 = -kt * Math.expm1(hh);
    Batch[] terms = new Batch[k + 2];
    double[] coef = new double[k + 2];
    terms[0] = x;
    coef[0] = a;
    terms[1] = h.m(0);
    coef[1] = b0;
    double scale = -kt * bh;
    for (int j = 1; j < k; j++) {
      double c = scale * rhos[j - 1] / rks[j - 1];
      terms[j + 1] = h.m(j);
      coef[j + 1] = c;
      coef[1] -= c;
    }
    terms[k + 1] = mt;
    coef[k + 1] = scale * rhos[k - 1];
    coef[1] -= coef[k + 1];
    combine(xt, coef, terms);
  }

  /**
   * One UniP predictor or UniC corrector update (Zhao et al. 2023, Eq. 6-8; uni_pc.py,
   * {@code multistep_uni_pc_bh_update}) from the state {@code x} at {@code s} to {@code t}:
   * x_t = a x + b0 m_0 - K B(h) sum_j rho_j (m_j - m_0) / r_j over the further outputs m_j at
   * fractions r_j = (lambda_j - lambda_s) / h (r = 1 for an output at t, the corrector's), where
   * rho solves R rho = g (R_ij = r_j^(i-1), g_i = h phi_(i+1) i! / B(h)), or rho = 1/2 for one
   * output, as the official code.
   *
   * @param data data prediction (m = x0, K = alpha_t) or noise prediction (m = eps, K = sigma_t)
   * @param m0 the output at (x, s)
   * @param ms the further outputs, at lambdas {@code lambdas}
   * @return a new batch
   */
  public static Batch uniPcUpdate(GaussianPath p, Bh variant, boolean data, double s, double t, Batch x, Batch m0,
      Batch[] ms, double[] lambdas) {
    return uniPcUpdate(p, variant, data, s, t, x, m0, ms, lambdas, 1);
  }

  /** As the update above with the rho terms multiplied by {@code correctionScale} (1 = UniPC). */
  public static Batch uniPcUpdate(GaussianPath p, Bh variant, boolean data, double s, double t, Batch x, Batch m0,
      Batch[] ms, double[] lambdas, double correctionScale) {
    double l0 = lambda(p, s);
    double h0 = lambda(p, t) - l0;
    int n = ms.length;
    double hh = data ? -h0 : h0;
    double bh = bh(variant, hh);
    double[] rks = new double[n];
    for (int j = 0; j < n; j++) {
      rks[j] = (lambdas[j] - l0) / h0;
    }
    double[] rhos;
    if (n == 0) {
      rhos = new double[0];
    } else if (n == 1) {
      rhos = new double[] {0.5};
    } else {
      double[][] rb = uniCoefficients(rks, hh, bh, n);
      rhos = SmallMatrices.solve(java.util.Arrays.copyOf(rb, n), rb[n]);
    }
    double kt = data ? p.alpha(t) : p.sigma(t);
    double a = data ? p.sigma(t) / p.sigma(s) : p.alpha(t) / p.alpha(s);
    double[] coef = new double[n + 2];
    Batch[] terms = new Batch[n + 2];
    coef[0] = a;
    terms[0] = x;
    coef[1] = -kt * Math.expm1(hh);
    terms[1] = m0;
    for (int j = 0; j < n; j++) {
      double c = -kt * bh * rhos[j] / rks[j] * correctionScale;
      coef[j + 2] = c;
      terms[j + 2] = ms[j];
      coef[1] -= c;
    }
    Batch out = x.zerosLike();
    combine(out, coef, terms);
    return out;
  }

  /** B(h) in the solver's sign convention (hh = -h for data prediction). */
  static double bh(Bh variant, double hh) {
    return variant == Bh.BH1 ? hh : Math.expm1(hh);
  }

  /**
   * The matrix R (rows r^(i-1), i = 1..p) and right-hand side b_i = h phi_i(hh) i! / B(h) of UniPC
   * (Zhao et al. 2023, Eq. 7-8), returned as rows 0..p-1 = R and row p = b.
   */
  static double[][] uniCoefficients(double[] rks, double hh, double bh, int p) {
    double[][] out = new double[p + 1][];
    double[] b = new double[p];
    double hPhi = Math.expm1(hh) / hh - 1;
    double fact = 1;
    for (int i = 1; i <= p; i++) {
      double[] row = new double[rks.length];
      for (int j = 0; j < rks.length; j++) {
        row[j] = Math.pow(rks[j], i - 1);
      }
      out[i - 1] = row;
      b[i - 1] = hPhi * fact / bh;
      fact *= i + 1;
      hPhi = hPhi / hh - 1 / fact;
    }
    out[p] = b;
    return out;
  }

  /** Coefficients (a, b) of the first-order exponential-integrator step x_t = a x_s + b m(x_s). */
  protected final double[] firstOrder(GaussianPath p, double s, double t, double h) {
    if (data) {
      return new double[] {p.sigma(t) / p.sigma(s), -p.alpha(t) * Math.expm1(-h)};
    }
    return new double[] {p.alpha(t) / p.alpha(s), -p.sigma(t) * Math.expm1(h)};
  }
}
