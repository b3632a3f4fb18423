package org.diffusion4j.sampler.plan;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.SamplerOptions;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sampler.TimeGrid;

/**
 * The strongest official configuration at a given NFE: the reference that searched plans are
 * measured against (issue 24). Every configuration the official codes offer for a fixed NFE is
 * run and the one with the lowest RMSE (per coordinate, against a reference solution from the
 * same noise) is kept:
 * <ul>
 *   <li>dpm_solver_pytorch.py (LuChengTHU/dpm-solver): DPM-Solver and DPM-Solver++, singlestep
 *       ('DPM-Solver-fast' order mix, orders 2 and 3, the official step placement) and multistep
 *       (orders 2 and 3, the official unweighted D2, lower-order final below 10 steps);</li>
 *   <li>uni_pc.py (wl-zhao/UniPC): UniPC bh1 and bh2, orders 2 and 3, data prediction,
 *       lower-order final always;</li>
 * </ul>
 * each on the official grids logSNR, time-uniform and time-quadratic. d4j reproduces these
 * samplers to 1e-9 ({@code OfficialParityTest}).
 */
public final class OfficialBaseline {
  private OfficialBaseline() {}

  /** The solvers of the official codes (d4j names). */
  public static final String[] SOLVERS = {"dpm-solver-2", "dpm-solver-3", "dpm-solver-multistep-2",
      "dpm-solver-multistep-3", "dpm-solver++-2s", "dpm-solver++-3s", "dpm-solver++-2m", "dpm-solver++-3m",
      "unipc-bh1-2", "unipc-bh1-3", "unipc-bh2-2", "unipc-bh2-3"};

  /** The grids of the official codes. */
  public static final TimeGrid.Spacing[] GRIDS = {TimeGrid.Spacing.LOGSNR, TimeGrid.Spacing.UNIFORM_T,
      TimeGrid.Spacing.TIME_QUADRATIC};

  /** The best configuration: solver, grid and its RMSE. */
  public record Best(String solver, TimeGrid.Spacing grid, double rmse) {
    @Override
    public String toString() {
      return solver + " on " + grid.cliName();
    }
  }

  /** The options that make a d4j solver the official one (the unweighted third-order D2). */
  public static SamplerOptions options(String solver) {
    return SamplerOptions.builder().referenceThirdOrder(solver.endsWith("multistep-3") || solver.endsWith("++-3m"))
        .build();
  }

  /** RMSE of one configuration from {@code xT} against {@code ref}; +infinity if it diverges. */
  public static double rmse(String solver, SamplerOptions options, TimeGrid.Spacing grid, Denoiser model,
      GaussianPath path, double tStart, double tEnd, int nfe, Batch xT, Batch ref) {
    try {
      Batch x = Sampling.with(Samplers.create(solver, options), model, path).grid(grid).times(tStart, tEnd).nfe(nfe)
          .run(xT).x();
      double e = x.rmsDistance(ref);
      return Double.isFinite(e) ? e : Double.POSITIVE_INFINITY;
    } catch (RuntimeException diverged) {
      return Double.POSITIVE_INFINITY;
    }
  }

  /** The best official configuration at {@code nfe} from {@code xT} (at tStart) against {@code ref} (at tEnd). */
  public static Best best(Denoiser model, GaussianPath path, double tStart, double tEnd, int nfe, Batch xT, Batch ref) {
    Best best = null;
    for (String s : SOLVERS) {
      for (TimeGrid.Spacing g : GRIDS) {
        double e = rmse(s, options(s), g, model, path, tStart, tEnd, nfe, xT, ref);
        if (best == null || e < best.rmse()) {
          best = new Best(s, g, e);
        }
      }
    }
    return best;
  }
}
