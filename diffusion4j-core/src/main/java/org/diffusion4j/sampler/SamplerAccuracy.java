package org.diffusion4j.sampler;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.progress.ProgressListener;

/**
 * Accuracy benchmark: for each solver and NFE budget, the RMSE of the final state against a
 * high-accuracy probability-flow reference ({@link ProbabilityFlowReference}) from the same noise.
 * The error vs NFE curves are the standard way to compare fast samplers (Lu et al. 2022, Fig. 3;
 * Zhao et al. 2023, Fig. 3).
 */
public final class SamplerAccuracy {
  /** The deterministic solvers compared by default. */
  public static final List<String> DEFAULT_SOLVERS = List.of("euler", "ddim", "heun", "dpm-solver-2", "dpm-solver-3",
      "dpm-solver-multistep-2", "dpm-solver-multistep-3", "dpm-solver++-2s", "dpm-solver++-2m", "dpm-solver++-3m",
      "unipc-bh1-2", "unipc-bh2-2", "unipc-bh2-3", "deis-2", "deis-3");
  /** The NFE budgets of the table. */
  public static final int[] DEFAULT_NFES = {5, 6, 8, 10, 15, 20, 50};

  private SamplerAccuracy() {}

  /** One cell: RMSE per coordinate ({@link Batch#rmsDistance}) of {@code solver} at {@code nfe} (NaN if the budget is impossible for it). */
  public record Row(String solver, int nfe, double rmse, double seconds) {}

  /** The table and the reference's own cost. */
  public record Table(List<Row> rows, int referenceEvaluations, double referenceSeconds) {}

  /**
   * Computes the table.
   *
   * @param tol tolerance of the reference integrator (e.g. 1e-10)
   */
  public static Table run(List<String> solvers, SamplerOptions options, Denoiser model, GaussianPath path,
      TimeGrid.Spacing spacing, double tStart, double tEnd, int[] nfes, Batch noise, double tol,
      ProgressListener listener) {
    for (String s : solvers) {
      Sampler sampler = Samplers.create(s, options);
      if (sampler.stochastic() || sampler.adaptive()) {
        throw new IllegalArgumentException("solver " + s + " is " + (sampler.adaptive() ? "adaptive" : "stochastic")
            + "; the accuracy benchmark compares fixed-NFE ODE solvers");
      }
    }
    long start = System.nanoTime();
    ProbabilityFlowReference.Solution ref = ProbabilityFlowReference.solve(model, path, noise, tStart, tEnd, tol);
    double refSeconds = (System.nanoTime() - start) * 1e-9;
    List<Row> rows = new ArrayList<>();
    long total = (long) solvers.size() * nfes.length;
    long done = 0;
    for (String s : solvers) {
      Sampler sampler = Samplers.create(s, options);
      for (int nfe : nfes) {
        double rmse;
        double seconds;
        try {
          Sampling.Result r = Sampling.with(sampler, model, path).grid(spacing).times(tStart, tEnd).nfe(nfe).run(noise);
          rmse = r.x().rmsDistance(ref.x());
          seconds = r.totalNanos() * 1e-9;
        } catch (IllegalArgumentException impossible) {
          rmse = Double.NaN;
          seconds = Double.NaN;
        }
        rows.add(new Row(s, nfe, rmse, seconds));
        listener.onProgress(++done, total, s + " nfe=" + nfe);
      }
    }
    return new Table(rows, ref.evaluations(), refSeconds);
  }
}
