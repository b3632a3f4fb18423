package org.diffusion4j.interpolant;

import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.model.VectorField;

/**
 * One sampling run of a flow or stochastic interpolant, configured like
 * {@link org.diffusion4j.sampler.Sampling}: a velocity field b(x, t), optionally a score s(x, t)
 * and a noise level eps for the SDEs, the time range t0 -&gt; t1, a solver ({@link Scheme}) and
 * either a step count or an exact NFE budget.
 *
 * <pre>{@code
 * FlowSampling.Result r = FlowSampling.with(fields.velocityField(), 2)
 *     .solver(Scheme.HEUN).times(0, 1).nfe(20).run(noise);
 * }</pre>
 *
 * <p>Time follows the interpolant package: rho0 (noise) at t = 0, rho1 (data) at t = 1; any finite
 * t0 != t1 is accepted (t1 &lt; t0 integrates backward, as {@link InterpolantGenerator#sde}).
 * With eps &gt; 0 the run integrates dX = [b + sign(t1 - t0) eps s] dt + sqrt(2 eps) dW with
 * Euler-Maruyama or stochastic Heun; the midpoint rule and RK4 refuse eps &gt; 0. The stepping is
 * {@link InterpolantGenerator}'s: uniform steps, the increment of row i from its own stream
 * {@code Rng.of(seed).stream(i)}, so results are bitwise identical at any thread count.
 *
 * <p>NFE semantics: NFE counts evaluations of the velocity field, taken from a counting wrapper
 * around it (the score, where eps &gt; 0, is evaluated at the same points and reported as
 * {@link Result#scoreNfe()}). Every step costs {@link Scheme#evaluationsPerStep()} evaluations
 * (euler 1, heun 2, midpoint 2, rk4 4; no first-same-as-last saving applies to these tableaus),
 * so {@link Builder#nfe(int)} must be a positive multiple of it; other budgets are refused with
 * the two nearest reachable ones rather than rounded.
 */
public final class FlowSampling {
  private FlowSampling() {}

  /**
   * The final state and what the run cost.
   *
   * @param x the state at t1
   * @param nfe velocity evaluations, counted
   * @param scoreNfe score evaluations, counted (0 for the ODE)
   * @param steps uniform steps taken
   * @param fieldNanos time spent in the velocity and score fields
   * @param totalNanos wall time of the run
   */
  public record Result(Batch x, int nfe, int scoreNfe, int steps, long fieldNanos, long totalNanos) {}

  /** Starts configuring a run of {@code velocity} on states of dimension {@code dim}. */
  public static Builder with(VectorField velocity, int dim) {
    if (velocity == null) {
      throw new IllegalArgumentException("flow sampling needs a velocity field, got null");
    }
    if (dim < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dim);
    }
    return new Builder(velocity, dim);
  }

  /** Run configuration. Defaults: Euler, t 0 -&gt; 1, eps 0 (the ODE), seed 0. */
  public static final class Builder {
    private final VectorField velocity;
    private final int dim;
    private VectorField score;
    private DoubleUnaryOperator eps = t -> 0;
    private boolean noisy;
    private Scheme solver = Scheme.EULER;
    private double t0 = 0;
    private double t1 = 1;
    private int nfe = -1;
    private int steps = -1;
    private long seed;

    private Builder(VectorField velocity, int dim) {
      this.velocity = velocity;
      this.dim = dim;
    }

    /** The solver (default Euler). */
    public Builder solver(Scheme s) {
      if (s == null) {
        throw new IllegalArgumentException("solver must be one of euler, heun, midpoint, rk4, got null");
      }
      solver = s;
      return this;
    }

    /** The solver by name: euler, heun, midpoint or rk4. */
    public Builder solver(String name) {
      return solver(Scheme.byName(name));
    }

    /** Start and end times (default 0 -&gt; 1: noise to data). */
    public Builder times(double start, double end) {
      t0 = start;
      t1 = end;
      return this;
    }

    /** Exactly this many velocity evaluations (a multiple of the solver's evaluations per step). */
    public Builder nfe(int n) {
      nfe = n;
      return this;
    }

    /** This many uniform steps (NFE then follows from the solver). */
    public Builder steps(int n) {
      steps = n;
      return this;
    }

    /** The score s(x, t), needed where eps &gt; 0. */
    public Builder score(VectorField s) {
      score = s;
      return this;
    }

    /** A constant noise level eps &gt;= 0 (0 = the probability-flow ODE). */
    public Builder eps(double e) {
      if (!(e >= 0) || !Double.isFinite(e)) {
        throw new IllegalArgumentException("eps must be finite and >= 0, got " + e);
      }
      eps = t -> e;
      noisy = e > 0;
      return this;
    }

    /**
     * A time-dependent noise level eps(t) &gt;= 0, checked at every evaluation time: a negative or
     * non-finite value, or a positive one for midpoint/rk4 or without a score, stops the run with
     * an IllegalArgumentException naming t.
     */
    public Builder eps(DoubleUnaryOperator e) {
      if (e == null) {
        throw new IllegalArgumentException("eps(t) must not be null (use eps(0) for the ODE)");
      }
      eps = e;
      noisy = false; // checked where it is evaluated: > 0 needs euler/heun and a score
      return this;
    }

    /** Seed of the Gaussian increments (row i uses {@code Rng.of(seed).stream(i)}). */
    public Builder seed(long s) {
      seed = s;
      return this;
    }

    /** The number of steps this configuration resolves to; throws if the budget is impossible. */
    public int resolveSteps() {
      int per = solver.evaluationsPerStep();
      if (nfe >= 0 && steps >= 0) {
        throw new IllegalArgumentException("give an NFE budget or a step count, not both (nfe " + nfe + ", steps "
            + steps + ")");
      }
      if (nfe >= 0) {
        if (nfe < per || nfe % per != 0) {
          int below = nfe / per * per;
          throw new IllegalArgumentException(solver.cliName() + " uses " + per + " velocity evaluation(s) per step, so "
              + "NFE must be a positive multiple of " + per + "; got " + nfe + " (nearest: "
              + (below >= per ? below + " or " : "") + (below + per) + ")");
        }
        return nfe / per;
      }
      if (steps >= 1) {
        return steps;
      }
      if (steps == 0 || steps < -1) {
        throw new IllegalArgumentException("steps must be >= 1, got " + steps);
      }
      throw new IllegalArgumentException("give an NFE budget (nfe) or a step count (steps)");
    }

    /** Integrates from {@code x} (the state at t0, not modified). */
    public Result run(Batch x) {
      if (x == null || x.d() != dim) {
        throw new IllegalArgumentException("the state has dimension " + (x == null ? "null" : x.d())
            + " but the velocity field has dimension " + dim);
      }
      if (!Double.isFinite(t0) || !Double.isFinite(t1) || t0 == t1) {
        throw new IllegalArgumentException("the time range must be finite and non-empty, got " + t0 + " -> " + t1);
      }
      if (noisy && !solver.stochastic()) {
        throw new IllegalArgumentException(solver.cliName() + " integrates the ODE only; eps > 0 needs euler "
            + "(Euler-Maruyama) or heun (stochastic Heun)");
      }
      if (noisy && score == null) {
        throw new IllegalArgumentException("eps > 0 needs a score field (score(...))");
      }
      int n = resolveSteps();
      Counted b = new Counted(velocity);
      Counted s = score == null ? null : new Counted(score);
      long start = System.nanoTime();
      Batch out = InterpolantGenerator.integrate(b, s, eps, x, t0, t1, n, solver, seed);
      long total = System.nanoTime() - start;
      int planned = n * solver.evaluationsPerStep();
      if (b.calls != planned) {
        throw new IllegalStateException(solver.cliName() + " used " + b.calls + " velocity evaluations but planned "
            + planned);
      }
      return new Result(out, b.calls, s == null ? 0 : s.calls, n, b.nanos + (s == null ? 0 : s.nanos), total);
    }
  }

  /** Counts the calls of a field and the time spent in it (called from one thread at a time). */
  private static final class Counted implements VectorField {
    private final VectorField field;
    int calls;
    long nanos;

    Counted(VectorField field) {
      this.field = field;
    }

    @Override
    public void evaluate(Batch x, double t, Batch out) {
      long start = System.nanoTime();
      field.evaluate(x, t, out);
      nanos += System.nanoTime() - start;
      calls++;
    }
  }
}
