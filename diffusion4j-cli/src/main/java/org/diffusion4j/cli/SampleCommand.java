package org.diffusion4j.cli;

import org.diffusion4j.random.Seeds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.Plan;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code d4j sample}: runs one sampler from given (or seeded) noise at t-start to t-end and writes
 * the result as NPY. Prints {@code nfe=N} (the model evaluations used) on stderr.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Sample a model with any solver ('d4j solvers' lists them) on any path and time grid.",
      "--noise is the state at t-start exactly as given; --out is the state at t-end (with --denoise-final,"
          + " the final data prediction). A run trained on an NPY/CSV file writes samples in the file's units"
          + " (its standardization.json is undone).",
      "An interpolant run (d4j train --objective interpolant) is sampled by its ODE, or its SDE with --sde-eps;"
          + " --sde-eps on a diffusion model on the cond-ot or trig path samples the flow's SDE, and --reward with"
          + " --budget guides that SDE towards a reward (rollover budget forcing, Kim et al. 2025)."})
final class SampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "SPEC",
      description = "The model: gmm:SPEC.json, gmm:NAME (bundled: ring8-2d, three-2d, gmm64-12) or a run directory"
          + " of d4j train (diffusion or interpolant).")
  String model;

  @Mixin InterpolantSampling.Options interpolantOptions;

  @Option(names = "--prediction", paramLabel = "KIND",
      description = "Prediction kind the analytic model exposes: eps, x0, v, score, velocity (default eps).")
  String prediction;

  @Mixin PathOptions pathOptions;

  @Option(names = "--solver", defaultValue = "dpm-solver++-2m", paramLabel = "NAME",
      description = "Sampler name (default ${DEFAULT-VALUE}).")
  String solver;

  @Option(names = "--nfe", paramLabel = "N", description = "Use exactly N model evaluations.")
  Integer nfe;

  @Option(names = "--steps", paramLabel = "N", description = "Number of grid steps (instead of --nfe).")
  Integer steps;

  @Option(names = "--times", split = ",", paramLabel = "T", description = "Explicit decreasing time grid, comma-separated.")
  double[] times;

  @Mixin SolverOptions solverOptions;

  @Mixin FastSolverOptions fast;

  @Option(names = "--noise", paramLabel = "XT.npy", description = "Initial state at t-start, shape (n, d).")
  Path noise;

  @Option(names = "--n", defaultValue = "1000", paramLabel = "N",
      description = "Without --noise: number of samples (default ${DEFAULT-VALUE}), drawn as N(0, sigma(t-start)^2 I)"
          + " from --seed (standard normal on VP paths).")
  int n;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--denoise-final", description = "Return the model's data prediction at t-end (one more evaluation).")
  boolean denoiseFinal;

  @Option(names = "--out", paramLabel = "X.npy", description = "Output NPY (float64, shape (n, d); images flattened"
      + " row-major over (C, H, W)).")
  Path out;

  @Option(names = "--plot", paramLabel = "X.png", description = "Scatter plot of the first two coordinates.")
  Path plot;

  @Option(names = "--png", paramLabel = "GRID.png", description = "Image models: a grid of the samples (pixel values"
      + " -1..1 shown black..white).")
  Path png;

  @Option(names = "--class", paramLabel = "Y", description = "Class-conditional runs: sample class Y (0-based).")
  Integer label;

  @Option(names = "--guidance", defaultValue = "0", paramLabel = "W", description = "Classifier-free guidance weight"
      + " with --class: (1 + W) D(x | Y) - W D(x | null); 0 is the conditional model (default ${DEFAULT-VALUE}).")
  double guidance;

  /** Options of one solver family that would do nothing for the chosen solver (issue 23, item 8). */
  private static final String[][] SOLVER_ONLY = {{"--churn", "heun"}, {"--s-tmin", "heun"}, {"--s-tmax", "heun"},
      {"--s-noise", "heun"}, {"--snr", "pc"}, {"--corrector-steps", "pc"}, {"--predictor", "pc"}};

  private void requireOptionsUsed(Sampler sampler) {
    var pr = spec.commandLine().getParseResult();
    for (String[] rule : SOLVER_ONLY) {
      if (pr.hasMatchedOption(rule[0]) && !solver.equals(rule[1])) {
        throw new UsageException(rule[0] + " applies to --solver " + rule[1] + "; " + solver + " does not use it");
      }
    }
    for (String tol : new String[] {"--rtol", "--atol"}) {
      if (pr.hasMatchedOption(tol) && !sampler.adaptive()) {
        throw new UsageException(tol + " applies to the adaptive solvers (dpm-solver-adaptive, dpm-solver-12,"
            + " dpm-solver-23); " + solver + " takes a fixed --nfe");
      }
    }
  }

  @Override
  public Integer call() throws IOException {
    if (InterpolantSampling.handles(this)) {
      return InterpolantSampling.sample(this);
    }
    GaussianPath path = pathOptions.create();
    Prediction kind = prediction == null ? null : Prediction.parse(prediction);
    if (out == null && plot == null && png == null) {
      throw new UsageException("give at least one output: --out X.npy, --png GRID.png or --plot X.png");
    }
    if (!Double.isFinite(guidance)) {
      throw new UsageException("--guidance must be finite, got " + guidance);
    }
    ModelSpecs.ResolvedModel m = ModelSpecs.resolve(new ModelSpecs.Request(model, path, kind, label, guidance));
    long[] shape = m.sampleShape();
    if (png != null && shape.length != 3) {
      throw new UsageException("--png draws images; " + model + " has samples of shape " + java.util.Arrays.toString(shape)
          + " (use --plot for points)");
    }
    path = m.path();
    if (solverOptions.eta != null && fast.plan == null && !Samplers.takesEta(solver)) {
      throw new UsageException("--eta sets the noise of the stochastic solvers (dpm-solver++-2m-sde, dpm-solver++-3m-sde,"
          + " euler-maruyama, euler-ancestral, ddpm); " + solver + " does not use it");
    }
    Sampler sampler = fast.sampler(solver, solverOptions.samplerOptions());
    if (fast.plan == null) {
      requireOptionsUsed(sampler);
    }
    if (fast.plan != null) {
      if (nfe != null || steps != null || times != null) {
        throw new UsageException("--plan fixes the times and NFE; drop --nfe, --steps and --times");
      }
      refuseWhatThePlanFixes();
      times = fast.schedule().times();
    }
    if (sampler.adaptive() && steps != null) {
      throw new UsageException("--solver " + solver + " is adaptive: it picks its own steps from --rtol/--atol; drop --steps");
    }
    if (nfe == null && steps == null && times == null && !sampler.adaptive()) {
      throw new UsageException("give --nfe N (or --steps N, or --times) for solver " + solver);
    }
    if (nfe != null && nfe < 1) {
      throw new UsageException("--nfe must be at least 1, got " + nfe);
    }
    int dim = m.denoiser().dim();
    // Up front: the state, the model's output and the solver's history (a few n x d arrays), and the time grid.
    CliChecks.requireMemory("--n " + (noise != null ? "(rows of --noise)" : n) + " samples of dimension " + dim,
        CliChecks.product(noise != null ? 1 : n, dim, 8, 8));
    if (nfe != null || steps != null) {
      long gridPoints = (long) (nfe != null ? nfe : steps) + 1;
      CliChecks.requireMemory((nfe != null ? "--nfe " + nfe : "--steps " + steps) + " (its time grid)",
          CliChecks.product(gridPoints, 8, 8));
    }
    double tStart = solverOptions.tStart != null ? solverOptions.tStart : Sampling.defaultStart(path);
    double tEnd = solverOptions.tEnd != null ? solverOptions.tEnd : Sampling.defaultEnd(path);
    Sampling.Builder run = Sampling.with(sampler, m.denoiser(), path).grid(solverOptions.spacing())
        .rho(solverOptions.rho).times(tStart, tEnd).denoiseFinal(denoiseFinal)
        .seed(Seeds.samplerNoise(seed)).thresholding(solverOptions.thresholding());
    if (times != null) {
      run.userTimes(times);
    }
    if (nfe != null) {
      run.nfe(nfe);
    } else if (steps != null) {
      run.steps(steps);
    }
    Batch x;
    if (noise != null) {
      x = Npy.readBatch(noise);
      CliChecks.requireFinite("--noise", noise, x);
      if (x.d() != m.denoiser().dim()) {
        throw new UsageException("noise " + noise + " has shape (" + x.n() + ", " + x.d() + ") but the model has dimension "
            + m.denoiser().dim());
      }
    } else {
      if (n < 1) {
        throw new UsageException("--n must be at least 1, got " + n);
      }
      // The prior's scale at the grid's first time: with --times or --plan that is the user grid's start, not t-start.
      x = m.prior().draw(seed, n, path.priorStd(run.grid(new Plan[1]).start()));
    }
    Sampling.Result r;
    try (ProgressBar bar = ProgressBar.create(spec, "sampling")) {
      r = run.listener(bar).run(x);
    }
    Batch result = m.toDataUnits().apply(r.x());
    if (out != null) {
      Npy.write(out, result);
    }
    if (png != null) {
      SamplePlots.imageGrid(png, result, shape);
    }
    if (plot != null) {
      SamplePlots.scatter(plot, result, m.mixture(), path, denoiseFinal ? -1 : r.grid().end(),
          solver + ", nfe=" + r.nfe());
    }
    spec.commandLine().getErr().println("nfe=" + r.nfe());
    return ExitCodes.OK;
  }

  /**
   * A plan fixes the solver of every step and the grid: --solver and the solver and grid options
   * (all of {@link SolverOptions} but --thresholding, which acts on the model's predictions) would
   * be ignored, so they are refused.
   */
  private void refuseWhatThePlanFixes() {
    ParseResult pr = spec.commandLine().getParseResult();
    java.util.List<String> given = new java.util.ArrayList<>();
    if (pr.hasMatchedOption("--solver")) {
      given.add("--solver");
    }
    for (OptionSpec o : spec.mixins().get("solverOptions").options()) {
      if (pr.hasMatchedOption(o) && !o.longestName().equals("--thresholding")) {
        given.add(o.longestName());
      }
    }
    if (!given.isEmpty()) {
      throw new UsageException("--plan fixes the solver of every step and the time grid; drop " + String.join(", ", given));
    }
  }
}
