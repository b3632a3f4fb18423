package org.diffusion4j.sampler;

import java.util.Locale;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.SubVpPath;
import org.diffusion4j.path.VarianceExplodingPath;
import org.diffusion4j.path.VariancePreservingPath;

/**
 * When a multistep solver lowers the order of its last steps (step i of N then uses
 * min(order, N - i)), which stabilises few-step sampling. The official codes differ:
 * <ul>
 *   <li>dpm_solver_pytorch.py (LuChengTHU/dpm-solver, {@code DPM_Solver.sample}, method
 *       'multistep'): only when steps &lt; 10 — {@link #DPM_SOLVER} = {@code below:10};</li>
 *   <li>uni_pc.py (wl-zhao/UniPC, {@code UniPC.sample}): always — {@link #ALWAYS};</li>
 *   <li>diffusers' multistep schedulers (DPMSolverMultistep, DEISMultistep): steps &lt; 15 —
 *       {@link #DIFFUSERS} = {@code below:15}.</li>
 * </ul>
 * {@link #AUTO} follows the reference code of each solver on the path being sampled
 * ({@link Reference}, resolved when the path is known: {@link Sampler#plan(int, GaussianPath)}).
 * On a diffusion path ({@link #isDiffusionPath}: VP, sub-VP, VE, EDM) that is below 10 for
 * DPM-Solver multistep and DPM-Solver++ 2M/3M (and their SDE variants), always for UniPC, below 15
 * for DEIS and DPM-Solver-v3. Flow paths (cond-OT, trig, user paths) have no official DPM-Solver
 * code; there the DPM-Solver family follows diffusers' DPMSolverMultistepScheduler (below 15, the
 * scheduler diffusers also runs on flow sigmas), which on the cond-OT demo flow at NFE 10 gives
 * 1.7x the two-sample floor where below:10 gives 3.7x (docs/samplers.md).
 *
 * @param mode the kind of rule
 * @param below for {@link Mode#BELOW}: lower the final orders when the step count is below this
 */
public record LowerOrderFinal(Mode mode, int below) {
  /** The kinds of rule. */
  public enum Mode { AUTO, NEVER, ALWAYS, BELOW }

  /** The rule of the solver's own reference code. */
  public static final LowerOrderFinal AUTO = new LowerOrderFinal(Mode.AUTO, 0);
  /** Keep the full order to the end. */
  public static final LowerOrderFinal NEVER = new LowerOrderFinal(Mode.NEVER, 0);
  /** Always lower the final orders (UniPC's uni_pc.py). */
  public static final LowerOrderFinal ALWAYS = new LowerOrderFinal(Mode.ALWAYS, 0);
  /** dpm_solver_pytorch.py: below 10 steps. */
  public static final LowerOrderFinal DPM_SOLVER = below(10);
  /** diffusers' multistep schedulers: below 15 steps. */
  public static final LowerOrderFinal DIFFUSERS = below(15);

  public LowerOrderFinal {
    if (mode == null) {
      throw new IllegalArgumentException("lower-order-final mode must not be null");
    }
    if (mode == Mode.BELOW && below < 1) {
      throw new IllegalArgumentException("lower-order-final below:N needs N >= 1, got " + below);
    }
    if (mode != Mode.BELOW) {
      below = 0;
    }
  }

  /** Lower the final orders when there are fewer than {@code steps} steps. */
  public static LowerOrderFinal below(int steps) {
    return new LowerOrderFinal(Mode.BELOW, steps);
  }

  /**
   * Parses the CLI form {@code auto|never|always|below:N}.
   *
   * @throws IllegalArgumentException naming the bad value and the accepted forms
   */
  public static LowerOrderFinal parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    switch (k) {
      case "auto" -> { return AUTO; }
      case "never" -> { return NEVER; }
      case "always" -> { return ALWAYS; }
      default -> { }
    }
    if (k.startsWith("below:")) {
      try {
        int n = Integer.parseInt(k.substring(6));
        if (n >= 1) {
          return below(n);
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
    }
    throw new IllegalArgumentException("--lower-order-final must be auto, never, always or below:N with N >= 1, got '"
        + s + "'");
  }

  /**
   * The rules of a solver's reference codes: {@code diffusion} on diffusion paths
   * ({@link #isDiffusionPath}), {@code flow} on every other path. Both are resolved (not AUTO).
   */
  public record Reference(LowerOrderFinal diffusion, LowerOrderFinal flow) {
    /** dpm_solver_pytorch.py (below 10) on diffusion paths, diffusers' DPMSolverMultistepScheduler (below 15) on flows. */
    public static final Reference DPM_SOLVER = new Reference(LowerOrderFinal.DPM_SOLVER, LowerOrderFinal.DIFFUSERS);
    /** uni_pc.py and diffusers' UniPCMultistepScheduler alike: always. */
    public static final Reference UNIPC = new Reference(LowerOrderFinal.ALWAYS, LowerOrderFinal.ALWAYS);
    /** diffusers' schedulers (DEIS, DPM-Solver-v3): below 15 on every path. */
    public static final Reference DIFFUSERS = new Reference(LowerOrderFinal.DIFFUSERS, LowerOrderFinal.DIFFUSERS);

    public Reference {
      if (diffusion.mode == Mode.AUTO || flow.mode == Mode.AUTO) {
        throw new IllegalArgumentException("a solver's reference lower-order-final rules must not be auto");
      }
    }

    /** The same rule on every path. */
    public static Reference everywhere(LowerOrderFinal rule) {
      return new Reference(rule, rule);
    }

    /** The reference rule on {@code path}. */
    public LowerOrderFinal on(GaussianPath path) {
      return isDiffusionPath(path) ? diffusion : flow;
    }
  }

  /**
   * Whether {@code path} is a diffusion path for which official DPM-Solver / UniPC code exists
   * (variance preserving, sub-VP, variance exploding, EDM); flow paths (cond-OT, trig) and
   * user-defined {@code FunctionPath}s are not.
   */
  public static boolean isDiffusionPath(GaussianPath path) {
    return path instanceof VariancePreservingPath || path instanceof VarianceExplodingPath || path instanceof SubVpPath;
  }

  /** This rule, or the solver's reference rule on {@code path} when this is {@link #AUTO}. */
  public LowerOrderFinal resolve(Reference reference, GaussianPath path) {
    return mode == Mode.AUTO ? reference.on(path) : this;
  }

  /** This rule, or {@code solverDefault} (the solver's reference rule) when this is {@link #AUTO}. */
  public LowerOrderFinal resolve(LowerOrderFinal solverDefault) {
    if (mode != Mode.AUTO) {
      return this;
    }
    if (solverDefault.mode == Mode.AUTO) {
      throw new IllegalArgumentException("a solver's default lower-order-final rule must not be auto");
    }
    return solverDefault;
  }

  /**
   * Whether a run of {@code steps} steps lowers its final orders.
   *
   * @throws IllegalStateException for {@link #AUTO}, which must be {@link #resolve resolved} first
   */
  public boolean lowers(int steps) {
    return switch (mode) {
      case NEVER -> false;
      case ALWAYS -> true;
      case BELOW -> steps < below;
      case AUTO -> throw new IllegalStateException("resolve 'auto' against the solver's rule first");
    };
  }

  /** The CLI form. */
  @Override
  public String toString() {
    return mode == Mode.BELOW ? "below:" + below : mode.name().toLowerCase(Locale.ROOT);
  }
}
