package org.diffusion4j.cli;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.cli.plot.Plot;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.SamplerAccuracy;
import org.diffusion4j.sampler.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j bench samplers}: RMSE per coordinate of each ODE solver against a Dormand-Prince 8(5,3) reference of
 * the probability-flow ODE from the same noise, for a list of NFE budgets; writes a TSV table
 * (rows = solvers, columns = NFE) and a log-log PNG of error vs NFE.
 */
@Command(name = "samplers", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Error vs NFE of the ODE samplers against a high-accuracy reference (TSV + PNG).",
        "The error is the RMSE per coordinate, sqrt(mean over samples and coordinates of the squared difference);"
            + " the per-sample RMSE of the official DPM-Solver/UniPC comparisons is sqrt(d) times larger."})
final class BenchSamplersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", defaultValue = "gmm:ring8-2d", paramLabel = "SPEC",
      description = "The model (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--prediction", paramLabel = "KIND", description = "Prediction kind of the analytic model.")
  String prediction;

  @Mixin PathOptions pathOptions;

  @Mixin SolverOptions solverOptions;

  @Option(names = "--solvers", split = ",", paramLabel = "NAMES", description = "Comma-separated solvers (default: the ODE solvers).")
  List<String> solvers = new ArrayList<>(SamplerAccuracy.DEFAULT_SOLVERS);

  @Option(names = "--nfe", split = ",", paramLabel = "N", description = "NFE budgets (default 5,6,8,10,15,20,50).")
  int[] nfes = SamplerAccuracy.DEFAULT_NFES;

  @Option(names = "--n", defaultValue = "500", paramLabel = "N", description = "Number of noise samples (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the noise (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--tol", defaultValue = "1e-10", paramLabel = "TOL", description = "Reference tolerance (default ${DEFAULT-VALUE}).")
  double tol;

  @Option(names = "--out", defaultValue = "bench-samplers.tsv", paramLabel = "TABLE.tsv", description = "TSV output.")
  Path out;

  @Option(names = "--plot", defaultValue = "bench-samplers.png", paramLabel = "PLOT.png", description = "PNG output.")
  Path plot;

  @Override
  public Integer call() throws IOException {
    GaussianPath path = pathOptions.create();
    ModelSpecs.ResolvedModel m = ModelSpecs.resolve(model, path, prediction == null ? null : Prediction.parse(prediction));
    path = m.path();
    if (n < 1) {
      throw new UsageException("--n must be at least 1, got " + n);
    }
    double tStart = solverOptions.tStart != null ? solverOptions.tStart : Sampling.defaultStart(path);
    double tEnd = solverOptions.tEnd != null ? solverOptions.tEnd : Sampling.defaultEnd(path);
    Batch noise = m.prior().draw(seed, n, path.priorStd(tStart));
    SamplerAccuracy.Table table;
    try (ProgressBar bar = ProgressBar.create(spec, "bench")) {
      table = SamplerAccuracy.run(solvers, solverOptions.samplerOptions(), m.denoiser(), path, solverOptions.spacing(),
          tStart, tEnd, nfes, noise, tol, bar);
    }
    StringBuilder tsv = new StringBuilder("solver");
    for (int k : nfes) {
      tsv.append('\t').append(k);
    }
    tsv.append('\n');
    Plot p = Plot.of("RMSE vs NFE: " + m.description() + ", " + path.name() + ", " + solverOptions.grid)
        .xLabel("NFE").yLabel("RMSE per coordinate vs reference").logX().logY();
    int idx = 0;
    for (String s : solvers) {
      tsv.append(s);
      List<double[]> pts = new ArrayList<>();
      for (SamplerAccuracy.Row r : table.rows()) {
        if (r.solver().equals(s)) {
          tsv.append('\t').append(Double.isNaN(r.rmse()) ? "NA" : String.format(Locale.ROOT, "%.4e", r.rmse()));
          if (r.rmse() > 0) {
            pts.add(new double[] {r.nfe(), r.rmse()});
          }
        }
      }
      tsv.append('\n');
      double[] xs = pts.stream().mapToDouble(a -> a[0]).toArray();
      double[] ys = pts.stream().mapToDouble(a -> a[1]).toArray();
      Color c = Plot.color(idx++);
      if (xs.length > 0) {
        p.line(xs, ys, c, s, true);
      }
    }
    AtomicFiles.writeString(out, tsv.toString());
    p.writePng(plot, 900, 640);
    var err = spec.commandLine().getErr();
    err.println("reference: Dormand-Prince 8(5,3), tol " + tol + ", " + table.referenceEvaluations() + " evaluations, "
        + String.format(Locale.ROOT, "%.2f s", table.referenceSeconds()));
    spec.commandLine().getOut().print(tsv);
    return ExitCodes.OK;
  }
}
