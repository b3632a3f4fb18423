package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.progress.ProgressListener;

/**
 * One sampling run, configured with a builder: a sampler, a model on its path, the time grid
 * (spacing, t-start, t-end, and either an exact NFE budget or a step count or a user list of
 * times), optional denoise-to-zero, seed and progress listener.
 *
 * <pre>{@code
 * Sampling.Result r = Sampling.with(Samplers.create("dpm-solver++-2m"), model, path)
 *     .grid(TimeGrid.Spacing.LOGSNR).times(1, 1e-3).nfe(10).run(noise);
 * }</pre>
 *
 * <p>Grid: without {@link Builder#grid} the spacing is {@link #defaultSpacing} (chosen per path,
 * solver and NFE from the measurements in docs/fast-samplers.md).
 *
 * <p>NFE semantics: with {@link Builder#nfe(int)} the run uses exactly that many model evaluations
 * (one of them for the final denoising when {@link Builder#denoiseFinal(boolean)} is set), or
 * fails with an {@link IllegalArgumentException} saying why the budget is impossible.
 */
public final class Sampling {
  private Sampling() {}

  /** The final state, the evaluations used and timing of a run. */
  public record Result(Batch x, int nfe, TimeGrid grid, Plan plan, long modelNanos, long totalNanos) {}

  /**
   * The default start time: the path's tMax, or 1e-3 of the range below it where lambda(tMax) is
   * infinite (alpha(tMax) = 0, e.g. cond-OT and trig paths).
   */
  public static double defaultStart(GaussianPath path) {
    double t = path.tMax();
    return Double.isFinite(path.lambda(t)) ? t : t - 1e-3 * (t - path.tMin());
  }

  /**
   * The default end time: the path's tMin, or 1e-3 of the range above it where lambda(tMin) is
   * infinite (sigma(tMin) = 0, e.g. VP paths: DPM-Solver's eps = 1e-3 for VP on [0, 1]).
   */
  public static double defaultEnd(GaussianPath path) {
    double t = path.tMin();
    return Double.isFinite(path.lambda(t)) ? t : t + 1e-3 * (path.tMax() - t);
  }

  /** Starts configuring a run. */
  public static Builder with(Sampler sampler, Denoiser model, GaussianPath path) {
    return new Builder(sampler, model, path);
  }

  /**
   * The grid spacing used when none is given, chosen per path and NFE from measurements
   * (docs/fast-samplers.md, "Default grid": the worst ratio to the best grid family over DPM-Solver++
   * 2M and UniPC-bh2-3 on three mixtures at NFE 5, 10, 20):
   * <ul>
   *   <li>vp-linear: time-quadratic (worst ratio 1.14; logSNR lost up to 10x); sub-vp and discrete
   *       follow vp-linear (same beta schedules; not measured separately);</li>
   *   <li>vp-cosine: logSNR at NFE &lt;= 5, time-quadratic above;</li>
   *   <li>edm: Karras (rho 7) at every NFE. On the exact mixtures uniform-in-sigma measured up to
   *       1.9x better above NFE 5, but on a trained network it is far worse (an MLP on a 2-D Gaussian,
   *       18 Heun steps: median off by 0.30 against 0.03 on Karras, {@code PfgmppTrainingTest}):
   *       its last step spans sigma 4.4 -&gt; 0.002, where a learned denoiser is least smooth.
   *       Karras is also what EDM users expect;</li>
   *   <li>ve, cond-ot, trig and any other path: logSNR.</li>
   * </ul>
   * The sampler is part of the signature so that a per-solver rule can be added without an API
   * change; the measured choice did not depend on it.
   */
  public static TimeGrid.Spacing defaultSpacing(GaussianPath path, Sampler sampler, int nfe) {
    return switch (path.name()) {
      case "vp-linear", "sub-vp", "discrete" -> TimeGrid.Spacing.TIME_QUADRATIC;
      case "vp-cosine" -> nfe <= 5 ? TimeGrid.Spacing.LOGSNR : TimeGrid.Spacing.TIME_QUADRATIC;
      case "edm" -> TimeGrid.Spacing.KARRAS;
      default -> TimeGrid.Spacing.LOGSNR;
    };
  }

  /** Run configuration. Defaults: {@link #defaultSpacing}, {@link #defaultStart}, {@link #defaultEnd}, seed 0. */
  public static final class Builder {
    private final Sampler sampler;
    private final Denoiser model;
    private final GaussianPath path;
    private TimeGrid.Spacing spacing;
    private double rho = TimeGrid.DEFAULT_RHO;
    private double tStart = Double.NaN;
    private double tEnd = Double.NaN;
    private int nfe = -1;
    private int steps = -1;
    private double[] userTimes;
    private boolean denoiseFinal;
    private long seed;
    private ProgressListener listener = ProgressListener.NONE;
    private ModelEvaluator.Thresholding thresholding;

    private Builder(Sampler sampler, Denoiser model, GaussianPath path) {
      this.sampler = sampler;
      this.model = model;
      this.path = path;
    }

    /** The grid spacing; null (the default) picks {@link Sampling#defaultSpacing} for the path, solver and NFE. */
    public Builder grid(TimeGrid.Spacing s) { spacing = s; return this; }
    public Builder rho(double r) { rho = r; return this; }
    /** Start (noise end) and end (data end) times. */
    public Builder times(double start, double end) { tStart = start; tEnd = end; return this; }
    /** Exactly this many model evaluations. */
    public Builder nfe(int n) { nfe = n; return this; }
    /** This many grid steps (NFE then follows from the sampler). */
    public Builder steps(int n) { steps = n; return this; }
    /** An explicit decreasing list of times (overrides spacing, times, steps). */
    public Builder userTimes(double... ts) { userTimes = ts.clone(); return this; }
    /** Return the final data prediction x0(x, t_end) instead of x at t_end (one extra evaluation). */
    public Builder denoiseFinal(boolean b) { denoiseFinal = b; return this; }
    public Builder seed(long s) { seed = s; return this; }
    public Builder listener(ProgressListener l) { listener = l; return this; }
    public Builder thresholding(ModelEvaluator.Thresholding th) { thresholding = th; return this; }

    /** The plan and grid this configuration resolves to (without sampling). */
    public TimeGrid grid(Plan[] planOut) {
      double start = Double.isNaN(tStart) ? defaultStart(path) : tStart;
      double end = Double.isNaN(tEnd) ? defaultEnd(path) : tEnd;
      Plan plan;
      TimeGrid grid;
      int extra = denoiseFinal ? 1 : 0;
      if (userTimes != null) {
        grid = TimeGrid.of(path, userTimes);
        plan = sampler.planForSteps(grid.steps(), path);
        if (nfe >= 0 && plan.nfe() + extra != nfe) {
          throw new IllegalArgumentException(sampler.name() + " uses " + (plan.nfe() + extra) + " evaluations on the "
              + grid.steps() + "-step user grid, not --nfe " + nfe);
        }
      } else if (sampler.adaptive()) {
        if (nfe >= 0) {
          sampler.plan(nfe, path); // throws with the reason
        }
        grid = TimeGrid.of(path, start, end);
        plan = sampler.planForSteps(1, path);
      } else if (nfe >= 0) {
        if (nfe - extra < 1) {
          throw new IllegalArgumentException("--nfe " + nfe + " is too small: " + sampler.name() + " needs at least "
              + (1 + extra) + " model evaluation(s)" + (denoiseFinal ? " (one is used by the final denoising)" : ""));
        }
        plan = sampler.plan(nfe - extra, path);
        grid = sampler.grid(spacing(plan), rho, path, start, end, plan);
      } else if (steps >= 1) {
        plan = sampler.planForSteps(steps, path);
        grid = sampler.grid(spacing(plan), rho, path, start, end, plan);
      } else {
        throw new IllegalArgumentException("give an NFE budget, a step count or a list of times");
      }
      planOut[0] = plan;
      return grid;
    }

    private TimeGrid.Spacing spacing(Plan plan) {
      return spacing != null ? spacing : defaultSpacing(path, sampler, plan.nfe());
    }

    /** Samples from {@code x} (the state at t-start, used as given). */
    public Result run(Batch x) {
      if (x.d() != model.dim()) {
        throw new IllegalArgumentException("noise has dimension " + x.d() + " but the model has dimension "
            + model.dim());
      }
      Plan[] plan = new Plan[1];
      TimeGrid grid = grid(plan);
      long budget = plan[0].nfe() < 0 ? -1 : plan[0].nfe() + (denoiseFinal ? 1 : 0);
      ModelEvaluator ev = new ModelEvaluator(model, path, listener, budget, thresholding);
      long start = System.nanoTime();
      Batch out = sampler.sample(ev, grid, plan[0], x, seed);
      if (denoiseFinal) {
        ev.step(grid.steps());
        Batch x0 = out.zerosLike();
        ev.evaluate(out, grid.end(), Prediction.X0, x0);
        out = x0;
      }
      long total = System.nanoTime() - start;
      if (budget >= 0 && ev.nfe() != budget) {
        throw new IllegalStateException(sampler.name() + " used " + ev.nfe() + " evaluations but planned " + budget);
      }
      return new Result(out, ev.nfe(), grid, plan[0], ev.modelNanos(), total);
    }
  }
}
