package org.diffusion4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffusion4j.cli.plot.Plot;
import org.diffusion4j.io.Npy;
import org.diffusion4j.sde.PidController;
import org.diffusion4j.sde.SdeSolution;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.Solver;
import org.diffusion4j.sde.models.SdeModel;
import org.diffusion4j.sde.models.SdeModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j sde}: Monte Carlo simulation of a built-in SDE model. Writes the saved states as an
 * NPY array of shape (paths, saves * dim), row p = path p, laid out save by save (the state at
 * save s occupies columns s*dim .. s*dim+dim-1), and prints per-save statistics of component 0
 * next to the exact values where known.
 */
@Command(name = "sde", mixinStandardHelpOptions = true, subcommands = {SdeFitCommand.class, SdeSampleCommand.class},
    description = "Simulate a built-in SDE (gbm, ou, cir, double-well, lorenz, heston, fou) over many paths.")
final class SdeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", description = "Model: ${COMPLETION-CANDIDATES}", completionCandidates = ModelNames.class)
  String model;

  @Option(names = "--mu", description = "Model parameter mu (gbm, ou, heston).")
  Double mu;

  @Option(names = "--sigma", description = "Model parameter sigma (gbm, ou, cir, double-well).")
  Double sigma;

  @Option(names = "--theta", description = "Model parameter theta (ou, cir, heston).")
  Double theta;

  @Option(names = "--kappa", description = "Model parameter kappa (cir, heston).")
  Double kappa;

  @Option(names = {"-P", "--param"}, description = "Other model option key=value (e.g. dim=3, calculus=stratonovich, xi=0.3, hurst=0.3, k=5).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--dim", description = "State dimension, for the models that take one (gbm, ou, double-well; default 1).")
  Integer dim;

  @Option(names = "--y0", split = ",", description = "Initial state: dim values, or one value for every component (default: the model's).")
  double[] y0;

  @Option(names = "--t0", defaultValue = "0", description = "Start time (default ${DEFAULT-VALUE}).")
  double t0;

  @Option(names = "--t1", defaultValue = "1", description = "End time (default ${DEFAULT-VALUE}).")
  double t1;

  @Option(names = "--paths", defaultValue = "1000", description = "Number of Monte Carlo paths (default ${DEFAULT-VALUE}).")
  int paths;

  @Option(names = "--solver", description = "euler, milstein, heun, sri, sra, reversible-heun, implicit-euler "
      + "(default: euler for Ito, heun for Stratonovich; with --rtol, a solver that supports it).")
  String solver;

  @Option(names = "--dt", defaultValue = "1e-3", description = "Fixed step (default ${DEFAULT-VALUE}).")
  double dt;

  @Option(names = "--rtol", description = "Adaptive steps (PI control on a Brownian tree) with this relative tolerance. "
      + "Only for solvers whose steps can be controlled on the model (strong order >= 1 on its noise: not euler on "
      + "multiplicative noise); without --solver the first such solver is used.")
  Double rtol;

  @Option(names = "--atol", description = "Absolute tolerance for adaptive steps (default: rtol).")
  Double atol;

  @Option(names = "--save-at", split = ",", paramLabel = "T|START:STOP:STEP",
      description = "Save times: a list, and/or ranges start:stop:step (stop included when on the grid); default t1.")
  List<String> saveAt;

  @Option(names = "--save-every", paramLabel = "DT", description = "Save at t0 + DT, t0 + 2 DT, ..., and t1.")
  Double saveEvery;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", description = "Output NPY file, shape (paths, saves*dim).")
  Path out;

  @Option(names = "--plot", description = "PNG with sample paths and the terminal histogram (exact density where known).")
  Path plot;

  @Option(names = "--plot-paths", defaultValue = "20", description = "Paths drawn in the plot (default ${DEFAULT-VALUE}).")
  int plotPaths;

  static final class ModelNames extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    ModelNames() {
      super(SdeModels.names());
    }
  }

  @Override
  public Integer call() throws Exception {
    if (model == null) {
      throw new UsageException("missing --model (or a subcommand: fit, sample)");
    }
    Map<String, String> options = new LinkedHashMap<>(params);
    put(options, "mu", mu);
    put(options, "sigma", sigma);
    put(options, "theta", theta);
    put(options, "kappa", kappa);
    if (dim != null) {
      if (!SdeModels.options(model).contains("dim")) {
        throw new UsageException("--dim does not apply to model " + model + " (models with a dimension: "
            + String.join(", ", modelsWithDim()) + ")");
      }
      if (options.containsKey("dim")) {
        throw new UsageException("give the dimension once: --dim or -P dim=..., not both");
      }
      options.put("dim", Integer.toString(dim));
    }
    SdeModel m = SdeModels.create(model, options);
    double[] start = y0 != null ? y0 : m.defaultY0();
    if (start.length == 1 && m.dim() > 1) {
      start = new double[m.dim()];
      java.util.Arrays.fill(start, y0[0]);
    }
    if (start.length != m.dim()) {
      throw new UsageException("--y0 needs " + m.dim() + " values (or one for all) for model " + model + ", got " + start.length);
    }
    if (paths < 1) {
      throw new UsageException("--paths must be >= 1, got " + paths);
    }
    if (plotPaths < 1) {
      throw new UsageException("--plot-paths must be >= 1, got " + plotPaths);
    }
    if (atol != null && rtol == null) {
      throw new UsageException("--atol needs --rtol (adaptive stepping)");
    }
    double[] saves = SaveTimes.parse(saveAt, saveEvery, t0, t1);
    if (rtol == null && !(dt > 0)) {
      throw new UsageException("--dt must be positive, got " + dt);
    }
    // Up front: the saved values and the working states of all paths, and a fixed-step time grid.
    CliChecks.requireMemory("--paths " + paths + " x " + saves.length + " saves x dimension " + m.dim(),
        CliChecks.product(paths, saves.length + 4L, m.dim(), 8));
    if (rtol == null && t1 > t0) { // a wrong interval is reported by the solver
      double steps = Math.ceil((t1 - t0) / dt);
      CliChecks.requireMemory("--dt " + dt + " (" + String.format("%.3g", steps) + " steps)",
          steps > 1e17 ? Long.MAX_VALUE : CliChecks.product((long) steps + 1, 8, 2));
    }
    SdeSolve solve = configure(m, start).paths(paths).saveAt(saves);
    var o = spec.commandLine().getOut();
    SdeSolution sol;
    long begin = System.nanoTime();
    try (ProgressBar bar = ProgressBar.create(spec, "sde " + model)) {
      sol = solve.progress(bar).run();
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    if (out != null) {
      Npy.write(out, new long[] {sol.paths(), (long) sol.saves() * sol.dim()}, sol.values());
    }
    Solver used = solver != null ? Solver.byName(solver) : Solver.defaultFor(m, rtol != null);
    o.printf("model %s, dim %d, %d paths, solver %s, %s, %.2f s (%d steps, %d rejected)%n", model, m.dim(), paths,
        used.cliName(), rtol != null ? "rtol " + rtol : "dt " + dt, seconds, sol.steps(), sol.rejected());
    checkDomain(m, start, sol, used);
    o.println("t         mean(y0)      std(y0)       exact mean    exact std");
    int[] rows = SaveTimes.summaryRows(sol.saves());
    for (int i = 0; i < rows.length; i++) {
      int s = rows[i];
      if (i > 0 && s > rows[i - 1] + 1) {
        o.printf("... %d more save times (all of them in --out) ...%n", s - rows[i - 1] - 1);
      }
      double[] col = sol.column(s, 0);
      double mean = 0;
      for (double v : col) {
        mean += v;
      }
      mean /= col.length;
      double var = 0;
      for (double v : col) {
        var += (v - mean) * (v - mean);
      }
      var /= Math.max(1, col.length - 1);
      SdeModel.Marginal exact = sol.times()[s] > t0 ? m.marginal(sol.times()[s] - t0, start) : null;
      o.printf("%-9.4g %-13.6g %-13.6g %-13s %-13s%n", sol.times()[s], mean, Math.sqrt(var),
          exact == null ? "-" : String.format("%.6g", exact.mean()),
          exact == null ? "-" : String.format("%.6g", Math.sqrt(exact.variance())));
    }
    if (out != null) {
      o.println("wrote " + out + " shape (" + sol.paths() + ", " + sol.saves() * sol.dim() + ")");
    }
    if (plot != null) {
      writePlot(m, start, sol);
      o.println("wrote " + plot);
    }
    return ExitCodes.OK;
  }

  private static List<String> modelsWithDim() {
    List<String> out = new ArrayList<>();
    for (String n : SdeModels.names()) {
      if (SdeModels.options(n).contains("dim")) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Fails when saved states left the model's state space (e.g. a negative GBM or CIR value from an
   * explicit scheme at a large step), and warns when they grew past 1e8 times the start: both
   * mean the step is too large for the scheme, and the statistics would be meaningless.
   */
  private void checkDomain(SdeModel m, double[] start, SdeSolution sol, Solver used) {
    long outside = 0;
    int firstSave = -1;
    double scale = 1;
    for (double v : start) {
      scale = Math.max(scale, Math.abs(v));
    }
    double largest = 0;
    for (int s = 0; s < sol.saves(); s++) {
      for (int p = 0; p < sol.paths(); p++) {
        for (int i = 0; i < sol.dim(); i++) {
          double v = sol.get(p, s, i);
          largest = Math.max(largest, Math.abs(v));
          if (!m.inDomain(i, v, start)) {
            outside++;
            if (firstSave < 0) {
              firstSave = s;
            }
          }
        }
      }
    }
    String step = rtol != null ? "rtol " + rtol : "dt " + dt;
    if (outside > 0) {
      throw new IllegalStateException(outside + " saved values left the domain of " + model + " (" + m.domain() + "), first at t="
          + sol.times()[firstSave] + ", with " + used.cliName() + " at " + step
          + ": the step is too large for this explicit scheme; reduce --dt");
    }
    if (largest > 1e8 * scale) {
      spec.commandLine().getErr().printf("d4j: warning: |y| reached %.3g (start %.3g) with %s at %s: the scheme may be"
          + " unstable at this step; reduce --dt%n", largest, scale, used.cliName(), step);
    }
  }

  private SdeSolve configure(SdeModel m, double[] start) {
    SdeSolve solve = SdeSolve.of(m).t0(t0).t1(t1).y0(start).seed(seed);
    if (solver != null) {
      solve.solver(Solver.byName(solver));
    }
    if (rtol != null) {
      solve.controller(PidController.of(rtol, atol != null ? atol : rtol).withDt0(Math.min(dt, (t1 - t0) / 10)));
    } else {
      solve.dt(dt);
    }
    return solve;
  }

  private static void put(Map<String, String> options, String key, Double value) {
    if (value != null) {
      options.put(key, Double.toString(value));
    }
  }

  /**
   * Left: the first paths re-simulated with the same seed on save times that are grid points of
   * the same step grid (so they are exactly the paths in the output). Right: histogram of
   * component 0 at the last save time, with the exact density where the model has one.
   */
  private void writePlot(SdeModel m, double[] start, SdeSolution sol) throws Exception {
    int n = Math.min(plotPaths, paths);
    int points = 200;
    double[] ts;
    if (rtol != null) {
      ts = new double[points + 1];
      for (int i = 0; i <= points; i++) {
        ts[i] = i == points ? t1 : t0 + (t1 - t0) * i / points;
      }
    } else {
      long steps = (long) Math.ceil((t1 - t0) / dt * (1 - 1e-12));
      long stride = Math.max(1, steps / points);
      List<Double> list = new ArrayList<>();
      for (long k = 0; k < steps; k += stride) {
        list.add(t0 + k * dt);
      }
      list.add(t1);
      ts = list.stream().mapToDouble(Double::doubleValue).toArray();
    }
    SdeSolution dense = configure(m, start).paths(n).saveAt(ts).run();
    Plot left = Plot.of("sample paths of " + model + " (component 0)").xLabel("t").yLabel("y");
    for (int p = 0; p < n; p++) {
      double[] y = new double[ts.length];
      for (int s = 0; s < ts.length; s++) {
        y[s] = dense.get(p, s, 0);
      }
      left.line(ts, y, Plot.color(p), p == 0 ? "paths" : null);
    }
    int last = sol.saves() - 1;
    double tEnd = sol.times()[last];
    double[] terminal = sol.column(last, 0);
    Plot right = Plot.of("y(t=" + tEnd + ") over " + paths + " paths").xLabel("y").yLabel("density");
    right.histogram(terminal, Math.max(10, Math.min(80, (int) Math.sqrt(paths))), Plot.color(0), "Monte Carlo");
    SdeModel.Marginal exact = tEnd > t0 ? m.marginal(tEnd - t0, start) : null;
    if (exact != null && !Double.isNaN(exact.density(exact.mean()))) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double v : terminal) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      int k = 300;
      double[] xs = new double[k];
      double[] ds = new double[k];
      for (int i = 0; i < k; i++) {
        xs[i] = lo + (hi - lo) * i / (k - 1);
        ds[i] = exact.density(xs[i]);
      }
      right.line(xs, ds, Plot.color(1), "exact density");
    }
    Plot.figure(plot, 2, 640, 480, left, right);
  }
}
