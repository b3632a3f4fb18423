package org.diffusion4j.inverse;

import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.forecast.DifferentiableDenoiser;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;
import org.diffusion4j.sampler.ModelEvaluator;
import org.diffusion4j.sampler.Sampling;

/**
 * Solving y = A(x) + sigma_y n with an unconditional diffusion prior (any {@link Denoiser} on its
 * {@link GaussianPath}), configured like {@link Sampling}:
 *
 * <pre>{@code
 * Restoration.Result r = Restoration.with(Restoration.Method.DDRM, model, path)
 *     .measurement(Measurement.observe(op, clean, 0.05, 1)).nfe(20).seed(3).run();
 * }</pre>
 *
 * <p>Every method uses exactly {@code nfe} model evaluations on {@code nfe} times uniform in t from
 * t-start down to t-end (DDRM, DPS and RED-Diff's uniformly skipped timesteps), and returns the
 * clean estimate. Methods:
 * <ul>
 *   <li>{@link Method#PROJECTION}: Score-SDE's conditional sampling by replacement (Song et al.
 *   2021, Sec. 5 and App. I): ancestral steps of the unconditional model, after each of which the
 *   measured spectral coordinates of V^T x_s are replaced by a sample of the noised measurement
 *   alpha_s ybar + sqrt(sigma_s^2 - alpha_s^2 sigma_y^2 / s_i^2) z; the last step sets them to
 *   ybar, so A x = y exactly (for any sigma_y);</li>
 *   <li>{@link Method#DDRM}: Kawar et al. 2022, Eq. 7-8, as {@code efficient_generalized_steps} of
 *   bahjat-kawar/ddrm (functions/denoising.py, commit 32b6b3c), on any path through the
 *   scale-free noise level sigma/alpha;</li>
 *   <li>{@link Method#DPS}: Chung et al. 2023, Alg. 1 (DPS2022/diffusion-posterior-sampling,
 *   guided_diffusion/condition_methods.py, commit effbde7): after each ancestral step,
 *   x -= zeta grad_x ||y - A(x0hat(x))||; needs a {@link DifferentiableDenoiser};</li>
 *   <li>{@link Method#RED_DIFF}: Mardani et al. 2023 (NVlabs/RED-diff algos/reddiff.py, commit
 *   66482f2): Adam on the mean mu of q(x0|y) = N(mu, 0) for
 *   obs_weight ||y - A(mu)||^2 / (2m) + lambda (sigma_t/alpha_t) (eps_hat(x_t) - eps)^T mu / n,
 *   x_t = alpha_t mu + sigma_t eps, the time descending, mu starting at A^+ y;</li>
 *   <li>{@link Method#ODE}: the deterministic conditional ODE (DDIM with eta = 0 in the SVD
 *   basis, measured coordinates alpha_s ybar + sigma_s eps_hat) from a random x_T;</li>
 *   <li>{@link Method#BC_ODE}: the same ODE from one boundary condition x_T shared by all inputs,
 *   chosen by {@link BoundaryCondition#search} (Ma et al., "Solving Diffusion ODEs with Optimal
 *   Boundary Conditions for Better Image Super-Resolution", ICLR 2024).</li>
 * </ul>
 */
public final class Restoration {
  private Restoration() {}

  /** A restoration algorithm. */
  public enum Method {
    PROJECTION("projection"),
    DDRM("ddrm"),
    DPS("dps"),
    RED_DIFF("red-diff"),
    ODE("ode"),
    BC_ODE("bc-ode");

    private final String cliName;

    Method(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    /** True for the methods that need a linear operator (its SVD). */
    public boolean needsLinear() {
      return this == PROJECTION || this == DDRM || this == ODE || this == BC_ODE;
    }

    /** Parses a CLI name. */
    public static Method parse(String s) {
      String k = s.trim().toLowerCase(Locale.ROOT);
      for (Method m : values()) {
        if (m.cliName.equals(k)) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown restoration method '" + s
          + "'; expected projection, ddrm, dps, red-diff, ode or bc-ode");
    }
  }

  /** The clean estimates (one row per measurement), evaluations used and timing. */
  public record Result(Batch x, int nfe, long modelNanos, long totalNanos) {}

  /** Starts configuring a run of {@code method} with {@code model} on {@code path}. */
  public static Builder with(Method method, Denoiser model, GaussianPath path) {
    return new Builder(method, model, path);
  }

  /** The resolved inputs of one run, shared by the solver classes. */
  record Problem(Method method, ModelEvaluator ev, GaussianPath path, double[] times, Measurement meas,
      RestorationOptions opt, Rng[] rows, double[] boundary, long[] pullbacks) {
    /** Records one model evaluation made outside the evaluator (a DPS pullback) and its time. */
    void countPullback(long nanos) {
      pullbacks[0]++;
      pullbacks[1] += nanos;
    }

    int n() {
      return meas.n();
    }

    int dim() {
      return ev.dim();
    }
  }

  /** Run configuration; defaults: {@link RestorationOptions#DEFAULTS}, Sampling's default times, seed 0. */
  public static final class Builder {
    private final Method method;
    private final Denoiser model;
    private final GaussianPath path;
    private Measurement measurement;
    private int nfe = -1;
    private double tStart = Double.NaN;
    private double tEnd = Double.NaN;
    private long seed;
    private RestorationOptions options = RestorationOptions.DEFAULTS;
    private double[] boundary;
    private boolean perRow;
    private ProgressListener listener = ProgressListener.NONE;

    private Builder(Method method, Denoiser model, GaussianPath path) {
      if (method == null || model == null || path == null) {
        throw new IllegalArgumentException("a restoration needs a method, a model and its path");
      }
      this.method = method;
      this.model = model;
      this.path = path;
    }

    /** The observations to explain (required). */
    public Builder measurement(Measurement m) { measurement = m; return this; }
    /** Exactly this many model evaluations (required, &gt;= 1). */
    public Builder nfe(int n) { nfe = n; return this; }
    /** Start (noise end) and end (data end) times. */
    public Builder times(double start, double end) { tStart = start; tEnd = end; return this; }
    public Builder seed(long s) { seed = s; return this; }
    public Builder options(RestorationOptions o) { options = o; return this; }
    public Builder listener(ProgressListener l) { listener = l; return this; }
    /** The shared boundary condition of {@link Method#BC_ODE}: x_T = priorStd(t_start) n* for a standard-normal n*. */
    public Builder boundary(BoundaryCondition bc) { boundary = bc.noise().clone(); perRow = false; return this; }

    /** One boundary n* per measurement row (n rows of the model dimension): the candidates of a search. */
    Builder perRowBoundaries(double[] all) { boundary = all; perRow = true; return this; }

    /** The nfe model times, uniform in t from t-start to t-end. */
    public double[] times() {
      if (nfe < 1) {
        throw new IllegalArgumentException("restoration needs --nfe >= 1, got " + nfe);
      }
      double start = Double.isNaN(tStart) ? Sampling.defaultStart(path) : tStart;
      double end = Double.isNaN(tEnd) ? Sampling.defaultEnd(path) : tEnd;
      path.checkTime(start);
      path.checkTime(end);
      if (!(start > end)) {
        throw new IllegalArgumentException("t-start " + start + " must be greater than t-end " + end);
      }
      double[] ts = new double[nfe];
      for (int i = 0; i < nfe; i++) {
        ts[i] = nfe == 1 ? start : start + (end - start) * i / (nfe - 1);
      }
      return ts;
    }

    /** Runs the method on every measurement row. */
    public Result run() {
      if (measurement == null) {
        throw new IllegalArgumentException("restoration needs a measurement");
      }
      ForwardOperator op = measurement.operator();
      if (op.inputDim() != model.dim()) {
        throw new IllegalArgumentException("operator " + op.name() + " takes images of " + op.inputShape() + " = "
            + op.inputDim() + " values but the model has dimension " + model.dim());
      }
      if (method.needsLinear() && !(op instanceof LinearOperator)) {
        throw new IllegalArgumentException(method.cliName() + " needs a linear operator; " + op.name()
            + " is non-linear (use dps or red-diff)");
      }
      if (method == Method.DPS && !(model instanceof DifferentiableDenoiser)) {
        throw new IllegalArgumentException("dps needs a model with a vector-Jacobian product (DifferentiableDenoiser); "
            + model + " has none");
      }
      if (method == Method.BC_ODE) {
        if (boundary == null) {
          throw new IllegalArgumentException("bc-ode needs a boundary condition (BoundaryCondition.search)");
        }
        long expected = perRow ? (long) measurement.n() * model.dim() : model.dim();
        if (boundary.length != expected) {
          throw new IllegalArgumentException("boundary condition has " + boundary.length + " values, expected "
              + expected);
        }
      }
      double[] ts = times();
      ModelEvaluator ev = new ModelEvaluator(model, path, listener, nfe, null);
      ev.steps(nfe);
      Rng root = Rng.of(seed);
      Rng[] rows = new Rng[measurement.n()];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = root.stream(i);
      }
      Problem p = new Problem(method, ev, path, ts, measurement, options, rows, boundary, new long[2]);
      long start = System.nanoTime();
      Batch x = switch (method) {
        case PROJECTION -> SpectralSamplers.projection(p);
        case DDRM -> SpectralSamplers.ddrm(p);
        case ODE, BC_ODE -> SpectralSamplers.ode(p);
        case DPS -> GradientSolvers.dps(p);
        case RED_DIFF -> GradientSolvers.redDiff(p);
      };
      long total = System.nanoTime() - start;
      long used = ev.nfe() + p.pullbacks()[0];
      if (used != nfe) {
        throw new IllegalStateException(method.cliName() + " used " + used + " evaluations but planned " + nfe);
      }
      return new Result(x, (int) used, ev.modelNanos() + p.pullbacks()[1], total);
    }
  }
}
