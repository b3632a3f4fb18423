package org.diffusion4j.sde.latent;

import java.util.function.BiConsumer;
import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.diffusion4j.sde.SdeSolution;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.Solver;
import org.diffusion4j.sde.grad.DifferentiableField;
import org.diffusion4j.sde.grad.DifferentiableSdeTerm;
import org.diffusion4j.sde.grad.GradientRoute;
import org.diffusion4j.sde.grad.SdeGradient;

/**
 * A latent SDE (Li, Wong, Chen &amp; Duvenaud 2020; torchsde {@code examples/latent_sde.py} with
 * {@code sdeint(..., logqp=True)}): a prior dz = h(t, z) dt + g(t, z) dW, a posterior
 * dz = [h + g u] dt + g dW sharing the diffusion, with a control u(t, z) conditioned on the data,
 * and the KL between the two path measures by Girsanov,
 * <pre>  KL(q || p) = E_q int_t0^t1 |u(t, z_t)|^2 / 2 dt,   u = (f_post - h) / g,</pre>
 * accumulated as an extra state component L (torchsde's logqp path). Component 0 of z is
 * observed at the series' times with Gaussian noise of learnable std s:
 * <pre>  ELBO = E_q [ sum_{k&gt;=1} log N(y_k; z_0(t_k), s^2) - L(t_K) ],</pre>
 * conditioned on z_0(t_0) = y_0 (the other components start at 0). Parameters, in order: the
 * prior's, the control's, log s. Noise: DIAGONAL, ADDITIVE (then u has d components) or SCALAR
 * (u has one).
 */
public final class LatentSde {
  private final DifferentiableSdeTerm prior;
  private final DifferentiableField control;
  private final ObservedSeries data;
  private double logObsStd;
  /** False: the observation std is held fixed (its gradient is reported as 0), as torchsde's examples fix noise_std. */
  private boolean learnObservationStd = true;
  private final Augmented augmented;
  /** Non-null: the posterior's step variance and its KL term come from this exact control. */
  private final ExactPosteriorControl stepVariance;

  public LatentSde(DifferentiableSdeTerm prior, DifferentiableField control, ObservedSeries data, double obsStd) {
    this(prior, control, data, obsStd, null);
  }

  private LatentSde(DifferentiableSdeTerm prior, DifferentiableField control, ObservedSeries data, double obsStd, ExactPosteriorControl stepVariance) {
    if (prior.noiseType() == NoiseType.GENERAL) {
      throw new IllegalArgumentException("latent SDE needs DIAGONAL, ADDITIVE or SCALAR noise, got GENERAL");
    }
    if (control.width() != prior.noiseDim()) {
      throw new IllegalArgumentException("control has width " + control.width() + " but the prior has " + prior.noiseDim() + " noise components");
    }
    if (!(obsStd > 0)) {
      throw new IllegalArgumentException("observation std must be > 0, got " + obsStd);
    }
    this.prior = prior;
    this.control = control;
    this.data = data;
    this.logObsStd = Math.log(obsStd);
    this.stepVariance = stepVariance;
    this.augmented = new Augmented();
  }

  /**
   * A latent SDE whose posterior is the exact one of a linear prior ({@link ExactPosteriorControl},
   * following the prior's parameters and this latent SDE's observation std); {@code dt} must be the
   * step of the fits and solves that use it.
   */
  public static LatentSde withExactPosterior(LinearPrior prior, ObservedSeries data, double obsStd, double dt) {
    return withExactPosterior(prior, data, obsStd, dt, false);
  }

  /**
   * As {@link #withExactPosterior(LinearPrior, ObservedSeries, double, double)}; with
   * {@code matchStepVariance} the posterior's diffusion on each step is g sqrt(rho_i) (the exact
   * posterior's step variance, {@link ExactPosteriorControl}) and the KL gains the Gaussian term
   * (rho_i - 1 - log rho_i) / 2 per step, so that the ELBO is the Euler chain's log-likelihood
   * itself (no discretisation gap); as h -&gt; 0, rho -&gt; 1 away from the observations and this
   * tends to the shared-diffusion ELBO of Li et al. Needs a prior with one noise component.
   */
  public static LatentSde withExactPosterior(LinearPrior prior, ObservedSeries data, double obsStd, double dt, boolean matchStepVariance) {
    if (matchStepVariance && prior.noiseDim() != 1) {
      throw new IllegalArgumentException("matching the step variance needs a prior with one noise component, got " + prior.noiseDim());
    }
    LatentSde[] self = new LatentSde[1];
    ExactPosteriorControl control = new ExactPosteriorControl(prior, data, () -> self[0].observationStd(), dt);
    self[0] = new LatentSde(prior, control, data, obsStd, matchStepVariance ? control : null);
    return self[0];
  }

  public DifferentiableSdeTerm prior() {
    return prior;
  }

  public DifferentiableField control() {
    return control;
  }

  public ObservedSeries data() {
    return data;
  }

  public double observationStd() {
    return Math.exp(logObsStd);
  }

  /**
   * Holds the observation std fixed in {@link #fit} (its gradient is 0), as torchsde's
   * {@code latent_sde_lorenz.py} does ({@code noise_std} is a fixed argument): a learned std can
   * absorb the data's variation and let the posterior collapse to the prior. Returns this.
   */
  public LatentSde fixObservationStd() {
    learnObservationStd = false;
    return this;
  }

  /**
   * The posterior SDE augmented with the KL accumulator L as its last component (dim d + 1). A
   * data-conditioned control reads row r as series r mod N, so solve it with all rows in one block
   * ({@code SdeSolve.blockRows(paths)}), as {@link #sample} does; a control that ignores the row
   * (e.g. {@link AffineControl}) may be solved in any blocks, on any threads.
   */
  public DifferentiableSdeTerm posteriorWithKl() {
    return augmented;
  }

  public int paramCount() {
    return prior.paramCount() + control.paramCount() + 1;
  }

  /** (prior parameters, control parameters, log s). */
  public double[] params() {
    double[] p = new double[paramCount()];
    System.arraycopy(prior.params(), 0, p, 0, prior.paramCount());
    System.arraycopy(control.params(), 0, p, prior.paramCount(), control.paramCount());
    p[p.length - 1] = logObsStd;
    return p;
  }

  public void setParams(double[] p) {
    if (p == null || p.length != paramCount()) {
      throw new IllegalArgumentException("latent SDE takes " + paramCount() + " parameters, got " + (p == null ? "none" : p.length));
    }
    prior.setParams(java.util.Arrays.copyOfRange(p, 0, prior.paramCount()));
    control.setParams(java.util.Arrays.copyOfRange(p, prior.paramCount(), prior.paramCount() + control.paramCount()));
    logObsStd = p[p.length - 1];
  }

  /** The negative ELBO per observation, its parts and its gradient in {@link #params()} order. */
  public record Objective(double negElbo, double reconstruction, double kl, double[] gradient) {}

  /**
   * The negative ELBO per observed value, -(1 / (S N K)) sum over S posterior samples of each of
   * the N series, by a Monte Carlo solve on a Brownian tree seeded with {@code seed}, and its
   * gradient by {@code route}.
   */
  public Objective objective(int samples, double dt, long seed, GradientRoute route) {
    if (samples < 1) {
      throw new IllegalArgumentException("posterior samples must be >= 1, got " + samples);
    }
    int n = data.count();
    int rows = n * samples;
    int dim = augmented.dim();
    int k = data.length();
    double[] y0 = new double[rows * dim];
    for (int r = 0; r < rows; r++) {
      y0[r * dim] = data.value(r % n, 0);
    }
    double[] saves = java.util.Arrays.copyOfRange(data.times(), 1, k);
    double s = Math.exp(logObsStd);
    double inv = 1.0 / ((double) rows * (k - 1));
    double[] parts = new double[3];
    SdeGradient.Result res = SdeGradient.of(augmented).route(route).t0(data.time(0)).t1(data.time(k - 1)).dt(dt)
        .y0(y0).paths(rows).seed(seed).saveAt(saves).run((saved, grad) -> {
          double rec = 0;
          double kl = 0;
          double gLogS = 0;
          int ns = saves.length;
          for (int r = 0; r < rows; r++) {
            for (int j = 0; j < ns; j++) {
              int o = (r * ns + j) * dim;
              double e = (data.value(r % n, j + 1) - saved[o]) / s;
              rec += 0.5 * e * e + logObsStd + 0.5 * Math.log(2 * Math.PI);
              grad[o] = -e / s * inv;
              gLogS += 1 - e * e;
            }
            int last = (r * ns + ns - 1) * dim + dim - 1;
            kl += saved[last];
            grad[last] = inv;
          }
          parts[0] = rec * inv;
          parts[1] = kl * inv;
          parts[2] = gLogS * inv;
          return (rec + kl) * inv;
        });
    double[] g = new double[paramCount()];
    double[] pg = res.paramGradient();
    System.arraycopy(pg, 0, g, 0, pg.length);
    g[g.length - 1] = learnObservationStd ? parts[2] : 0.0;
    return new Objective(res.loss(), parts[0], parts[1], g);
  }

  /**
   * Settings of {@link #fit}: Adam steps and learning rate, posterior samples, solver step, gradient
   * route, seed, and the learning rate of the last step (the rate decays geometrically from the
   * first to it; equal to the first by default).
   */
  public record FitOptions(int iterations, double learningRate, int samples, double dt, GradientRoute route, long seed, double finalLearningRate) {
    public FitOptions(int iterations, double learningRate, int samples, double dt, GradientRoute route, long seed) {
      this(iterations, learningRate, samples, dt, route, seed, learningRate);
    }

    public FitOptions {
      if (!(finalLearningRate > 0) || finalLearningRate > learningRate) {
        throw new IllegalArgumentException("final learning rate must be in (0, learning rate = " + learningRate + "], got " + finalLearningRate);
      }
      if (iterations < 1) {
        throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
      }
      if (!(learningRate > 0)) {
        throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
      }
      if (samples < 1) {
        throw new IllegalArgumentException("samples must be >= 1, got " + samples);
      }
      if (!(dt > 0)) {
        throw new IllegalArgumentException("dt must be > 0, got " + dt);
      }
    }
  }

  /**
   * Maximises the ELBO with Adam (Kingma &amp; Ba 2015, default betas 0.9 / 0.999), a fresh Brownian
   * tree per step; {@code progress} (may be null) receives (step, objective). Returns the
   * objective of the last step.
   */
  public Objective fit(FitOptions o, BiConsumer<Integer, Objective> progress) {
    double[] p = params();
    double[] m1 = new double[p.length];
    double[] m2 = new double[p.length];
    Objective last = null;
    for (int it = 1; it <= o.iterations(); it++) {
      last = objective(o.samples(), o.dt(), o.seed() * 1_000_003L + it, o.route());
      double[] g = last.gradient();
      double c1 = 1 - Math.pow(0.9, it);
      double c2 = 1 - Math.pow(0.999, it);
      double lr = o.iterations() == 1 ? o.learningRate()
          : o.learningRate() * Math.pow(o.finalLearningRate() / o.learningRate(), (it - 1.0) / (o.iterations() - 1));
      for (int j = 0; j < p.length; j++) {
        m1[j] = 0.9 * m1[j] + 0.1 * g[j];
        m2[j] = 0.999 * m2[j] + 0.001 * g[j] * g[j];
        p[j] -= lr * (m1[j] / c1) / (Math.sqrt(m2[j] / c2) + 1e-8);
      }
      setParams(p);
      if (progress != null) {
        progress.accept(it, last);
      }
    }
    return last;
  }

  /**
   * Paths of the prior (posterior = false) or the posterior started at each series' first value,
   * saved at {@code times} (within [t0, t_K] for the posterior): (series * perSeries) x times
   * values of component 0, row r = series r mod N. The prior may run past t_K.
   */
  public double[] sample(boolean posterior, double[] times, int perSeries, double dt, long seed) {
    int n = data.count();
    int rows = n * perSeries;
    DifferentiableSdeTerm term = posterior ? augmented : prior;
    int dim = term.dim();
    double[] y0 = new double[rows * dim];
    for (int r = 0; r < rows; r++) {
      y0[r * dim] = data.value(r % n, 0);
    }
    double t1 = times[times.length - 1];
    Solver solver = term.calculus() == Calculus.STRATONOVICH ? Solver.HEUN : Solver.EULER;
    // One block of rows: the posterior's control reads row r as series r mod N.
    SdeSolution sol = SdeSolve.of(term).solver(solver).t0(data.time(0)).t1(t1).dt(dt).y0(y0).paths(rows).seed(seed)
        .saveAt(times).blockRows(rows).run();
    double[] out = new double[rows * times.length];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < times.length; j++) {
        out[r * times.length + j] = sol.get(r, j, 0);
      }
    }
    return out;
  }

  /** The posterior with the KL accumulator: drift (h + g u, |u|^2/2), diffusion (g, 0). */
  private final class Augmented implements DifferentiableSdeTerm {
    private final int d = prior.dim();
    private final int m = prior.noiseDim();
    private final boolean scalar = prior.noiseType() == NoiseType.SCALAR;
    /** Per-thread scratch: SdeSolve runs blocks of rows on several threads at once. */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private final class Scratch {
      double[] z = new double[0];
      double[] u = new double[0];
      double[] g = new double[0];
      double[] cz = new double[0];
      double[] cg = new double[0];
      double[] cu = new double[0];
      double[] zBar = new double[0];
      double[] zBar2 = new double[0];
      final double[] priorBar = new double[prior.paramCount()];
      final double[] controlBar = new double[control.paramCount()];

      void ensure(int n) {
        if (z.length < n * d) {
          z = new double[n * d];
          g = new double[n * d];
          cz = new double[n * d];
          cg = new double[n * d];
          zBar = new double[n * d];
          zBar2 = new double[n * d];
          u = new double[n * m];
          cu = new double[n * m];
        }
      }
    }

    @Override
    public int dim() {
      return d + 1;
    }

    @Override
    public NoiseType noiseType() {
      return prior.noiseType();
    }

    @Override
    public int noiseDim() {
      return scalar ? 1 : d + 1;
    }

    @Override
    public Calculus calculus() {
      return prior.calculus();
    }

    @Override
    public int paramCount() {
      return prior.paramCount() + control.paramCount();
    }

    @Override
    public double[] params() {
      double[] p = new double[paramCount()];
      System.arraycopy(prior.params(), 0, p, 0, prior.paramCount());
      System.arraycopy(control.params(), 0, p, prior.paramCount(), control.paramCount());
      return p;
    }

    @Override
    public void setParams(double[] p) {
      prior.setParams(java.util.Arrays.copyOfRange(p, 0, prior.paramCount()));
      control.setParams(java.util.Arrays.copyOfRange(p, prior.paramCount(), p.length));
    }

    /** The scratch of this thread with z = the first d components of each row of y. */
    private Scratch split(double[] y, int n) {
      Scratch s = scratch.get();
      s.ensure(n);
      for (int r = 0; r < n; r++) {
        System.arraycopy(y, r * (d + 1), s.z, r * d, d);
      }
      return s;
    }

    @Override
    public void drift(double t, double[] y, double[] out, int n) {
      Scratch s = split(y, n);
      double[] z = s.z;
      double[] u = s.u;
      double[] g = s.g;
      double[] cz = s.cz;
      prior.drift(t, z, cz, n);
      prior.diffusion(t, z, g, n);
      control.value(t, z, u, n);
      double klConstant = stepVariance == null ? 0.0 : stepVariance.klRate(t);
      for (int r = 0; r < n; r++) {
        double kl = klConstant;
        for (int j = 0; j < m; j++) {
          kl += 0.5 * u[r * m + j] * u[r * m + j];
        }
        for (int i = 0; i < d; i++) {
          int q = r * d + i;
          out[r * (d + 1) + i] = cz[q] + g[q] * (scalar ? u[r] : u[q]);
        }
        out[r * (d + 1) + d] = kl;
      }
    }

    @Override
    public void diffusion(double t, double[] y, double[] out, int n) {
      Scratch s = split(y, n);
      double[] z = s.z;
      double[] g = s.g;
      prior.diffusion(t, z, g, n);
      double scale = stepVariance == null ? 1.0 : Math.sqrt(stepVariance.varianceFactor(t));
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < d; i++) {
          out[r * (d + 1) + i] = scale * g[r * d + i];
        }
        out[r * (d + 1) + d] = 0.0;
      }
    }

    @Override
    public void beginBackward() {
      prior.beginBackward();
      control.beginBackward();
    }

    @Override
    public void endBackward(double[] paramBar) {
      double[] priorBar = scratch.get().priorBar;
      java.util.Arrays.fill(priorBar, 0.0);
      prior.endBackward(priorBar);
      for (int j = 0; j < priorBar.length; j++) {
        paramBar[j] += priorBar[j];
      }
      double[] controlBar = scratch.get().controlBar;
      java.util.Arrays.fill(controlBar, 0.0);
      control.endBackward(controlBar);
      for (int j = 0; j < controlBar.length; j++) {
        paramBar[priorBar.length + j] += controlBar[j];
      }
    }

    @Override
    public void vjp(double t, double[] y, double[] driftCot, double[] diffusionCot, double[] yBar, double[] paramBar, int n) {
      Scratch s = split(y, n);
      double[] z = s.z;
      double[] u = s.u;
      double[] g = s.g;
      double[] cz = s.cz;
      double[] cg = s.cg;
      double[] cu = s.cu;
      double[] zBar = s.zBar;
      double[] zBar2 = s.zBar2;
      double[] priorBar = s.priorBar;
      double[] controlBar = s.controlBar;
      prior.diffusion(t, z, g, n);
      control.value(t, z, u, n);
      java.util.Arrays.fill(cu, 0, n * m, 0.0);
      double scale = stepVariance == null ? 1.0 : Math.sqrt(stepVariance.varianceFactor(t));
      for (int r = 0; r < n; r++) {
        double cl = driftCot[r * (d + 1) + d];
        for (int j = 0; j < m; j++) {
          cu[r * m + j] = cl * u[r * m + j];
        }
        for (int i = 0; i < d; i++) {
          int q = r * d + i;
          double c = driftCot[r * (d + 1) + i];
          int uj = scalar ? r : q;
          cz[q] = c;
          cu[uj] += c * g[q];
          cg[q] = (diffusionCot == null ? 0.0 : scale * diffusionCot[r * (d + 1) + i]) + c * u[uj];
        }
      }
      int pp = prior.paramCount();
      java.util.Arrays.fill(priorBar, 0.0);
      java.util.Arrays.fill(controlBar, 0.0);
      prior.vjp(t, z, cz, cg, zBar, priorBar, n);
      control.vjp(t, z, cu, zBar2, controlBar, n);
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < d; i++) {
          yBar[r * (d + 1) + i] = zBar[r * d + i] + zBar2[r * d + i];
        }
        yBar[r * (d + 1) + d] = 0.0;
      }
      if (paramBar != null) {
        for (int j = 0; j < pp; j++) {
          paramBar[j] += priorBar[j];
        }
        for (int j = 0; j < controlBar.length; j++) {
          paramBar[pp + j] += controlBar[j];
        }
      }
    }
  }
}
