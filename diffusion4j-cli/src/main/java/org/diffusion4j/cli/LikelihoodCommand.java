package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.diffusion4j.likelihood.BitsPerDim;
import org.diffusion4j.likelihood.DivergenceEstimator;
import org.diffusion4j.likelihood.DormandPrince;
import org.diffusion4j.likelihood.ExactDivergence;
import org.diffusion4j.likelihood.FixedStepSolver;
import org.diffusion4j.likelihood.HutchinsonDivergence;
import org.diffusion4j.likelihood.Likelihood;
import org.diffusion4j.likelihood.OdeSolver;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.DataTransform;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.likelihood.AutogradDivergence;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.path.GaussianPath;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j likelihood}: log-likelihood of data under a model by the probability-flow ODE
 * (Song et al. 2021, Sec. 4.3), optionally as bits/dim of 8-bit data with uniform dequantisation.
 */
@Command(name = "likelihood", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Exact log-likelihood through the probability-flow ODE: log p_eps(x) = log p_T(x_T) + integral of div v dt.",
      "The number reported is log p_eps(x), the density of the model's marginal at t = eps evaluated at the data "
          + "(Song et al. 2021); --convention rescaled gives the density of x0 + sigma(eps)/alpha(eps) z instead.",
      "With --bits-per-dim the data are integers in [0, 255], dequantised (k + u)/256 and scaled to [-1, 1] "
          + "(or [0, 1]); bits/dim = -(log p(z) + d log(a/256)) / (d log 2), a = 2 (or 1), "
          + "with the importance-weighted bound over --samples K.",
      "With an interpolant run directory (interpolant.json, gaussian source): the ODE model and, for each --sde-eps, "
          + "the SDE model's Jensen bound and log mean weight over --paths reweighted paths."
    })
final class LikelihoodCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "gmm:SPEC.json|RUN_DIR",
      description = "The model: gmm:SPEC.json or gmm:NAME (exact Gaussian mixture, on --path), or a training run "
          + "directory (its own path; divergence by autograd; its standardization.json is applied with its log-determinant), "
          + "or an interpolant run directory (see --sde-eps).")
  String model;

  @Option(names = "--prediction", paramLabel = "KIND",
      description = "Prediction kind a mixture model exposes (eps, x0, v, score, velocity); default eps.")
  String prediction;

  @Mixin PathOptions pathOptions;

  @Option(names = "--data", required = true, paramLabel = "X.npy", description = "Data points, shape (n, d) or (n, ...) flattened per row.")
  Path data;

  @Option(names = "--out", paramLabel = "LOGP.npy",
      description = "Writes the per-point log-likelihood in nats, shape (n,) (with --bits-per-dim: the bound on log P(k)).")
  Path out;

  @ArgGroup(exclusive = true)
  DivergenceChoice divergence = new DivergenceChoice();

  static final class DivergenceChoice {
    @Option(names = "--exact", description = "Exact divergence: d central-difference Jacobian-vector products (default).")
    boolean exact;

    @Option(names = "--hutchinson", paramLabel = "PROBES", description = "Hutchinson trace estimator with this many probes.")
    Integer probes;
  }

  @Option(names = "--probe", defaultValue = "rademacher", paramLabel = "KIND",
      description = "Hutchinson probe distribution: rademacher or gaussian; default ${DEFAULT-VALUE}.")
  String probe;

  @Option(names = "--bits-per-dim", description = "Treat the data as 8-bit integers and report bits/dim with dequantisation.")
  boolean bitsPerDim;

  @Option(names = "--dequantize", defaultValue = "uniform", paramLabel = "KIND", description = "Dequantisation: uniform (the only one).")
  String dequantize;

  @Option(names = "--samples", defaultValue = "1", paramLabel = "K", description = "Dequantisation samples per point (IW bound); default ${DEFAULT-VALUE}.")
  int samples;

  @Option(names = "--data-range", defaultValue = "symmetric", paramLabel = "RANGE",
      description = "Range the model sees 8-bit data in: symmetric ([-1, 1]) or unit ([0, 1]); default ${DEFAULT-VALUE}.")
  String dataRange;

  @Option(names = "--solver", defaultValue = "dopri5", paramLabel = "NAME",
      description = "ODE solver: dopri5 (adaptive), rk4 or dopri5-fixed (with --steps); default ${DEFAULT-VALUE}.")
  String solverName;

  @Option(names = "--steps", defaultValue = "100", paramLabel = "N",
      description = "Steps of a fixed-step solver, or Heun steps of an interpolant run's likelihood; default ${DEFAULT-VALUE}.")
  int steps;

  @Option(names = "--sde-eps", split = ",", paramLabel = "EPS",
      description = "Interpolant runs: diffusion coefficients eps of the SDE models (comma-separated; 0 = the ODE). Default: 0. "
          + "Uses --steps, --paths, --seed, --hutchinson and --out (n x 2: Jensen bound, log mean weight); the ODE-solver "
          + "options do not apply.")
  java.util.List<Double> sdeEps = new java.util.ArrayList<>();

  @Option(names = "--paths", defaultValue = "64", paramLabel = "M",
      description = "Interpolant runs: SDE paths per data point; default ${DEFAULT-VALUE}.")
  int paths;

  @Option(names = "--rtol", paramLabel = "TOL",
      description = "Relative tolerance of dopri5; default 1e-5 for gmm: models (exact, checked against closed"
          + " forms), 1e-4 for trained runs, whose own error is far larger. Trained 2-D run, 1000 points:"
          + " rtol 1e-3 / 1e-4 / 1e-5 cost 122 / 342 / 830 NFE per solve and move each log p by 0.012 / 0.004 /"
          + " 0.0006 nats (mean over points, against 1e-6), while the network is off the true density by 0.12"
          + " (docs/likelihood.md).")
  Double rtol;

  /** Default rtol for analytic (gmm:) models: their likelihood is validated against closed forms. */
  static final double GMM_RTOL = 1e-5;
  /**
   * Default rtol for trained runs: the solver error per point is then ~30x below the network's
   * own error, at 2.4x less cost than {@link #GMM_RTOL} (measured in docs/likelihood.md).
   */
  static final double TRAINED_RTOL = 1e-4;

  @Option(names = "--atol", paramLabel = "ATOL", description = "Absolute tolerance of dopri5; default: equal to --rtol.")
  Double atol;

  @Option(names = {"--t-end", "--eps"}, paramLabel = "EPS",
      description = "Data-end time, where the ODE starts (d4j sample's --t-end; --eps is an alias); default 1e-5 (or the"
          + " path's tMin if larger).")
  Double eps;

  @Option(names = {"--t-start", "--T"}, paramLabel = "T",
      description = "Noise-end time, where the ODE ends and the prior is evaluated (d4j sample's --t-start; --T is an"
          + " alias); default the path's tMax.")
  Double tEnd;

  @Option(names = "--prior", defaultValue = "gaussian", paramLabel = "gaussian|exact",
      description = "Density at T: gaussian, the path's N(0, priorStd(T)^2 I) (default), or exact, the model's own"
          + " marginal p_T (gmm: models only). exact removes the prior mismatch, the one error left against the"
          + " closed form (on vp-linear alpha(1) ~ 0.007 of the data survives at T = 1).")
  String prior;

  @Option(names = "--convention", defaultValue = "state-at-eps", paramLabel = "NAME",
      description = "state-at-eps (log p_eps(x)) or rescaled (log p_eps(alpha x) + d log alpha); default ${DEFAULT-VALUE}.")
  String convention;

  @Option(names = "--chunk", defaultValue = "128", paramLabel = "ROWS", description = "Rows per batched ODE solve; default ${DEFAULT-VALUE}.")
  int chunk;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of Hutchinson probes and dequantisation noise; default ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    if (!Files.exists(data)) {
      throw new UsageException("--data " + data + ": no such file");
    }
    Batch x = readData(data);
    CliChecks.requireFinite("--data", data, x);
    Path runDir = Path.of(model);
    if (!model.startsWith("gmm:") && TrainedRun.isInterpolantRun(runDir)) {
      CliChecks.requireMemory("--paths " + paths + " for " + x.n() + " points of dimension " + x.d(),
          CliChecks.product(Math.min(x.n(), chunk), paths, x.d(), 8, 6));
      if (bitsPerDim || prediction != null) {
        throw new UsageException("--bits-per-dim and --prediction do not apply to interpolant runs");
      }
      if (!prior.equals("gaussian")) {
        throw new UsageException("--prior " + prior + " applies to gmm: models; an interpolant run starts from its source");
      }
      if (divergence.probes != null && !probe.equalsIgnoreCase("rademacher")) {
        throw new UsageException("trained models use Rademacher probes; --probe " + probe + " is not available for them");
      }
      try (ProgressBar bar = ProgressBar.create(spec, "likelihood")) {
        return InterpolantLikelihoodReport.run(stdout, runDir, x, new InterpolantLikelihoodReport.Options(
            sdeEps.isEmpty() ? java.util.List.of(0.0) : sdeEps, paths, steps, divergence.probes, seed, out), bar);
      }
    }
    if (!sdeEps.isEmpty()) {
      throw new UsageException("--sde-eps applies to interpolant runs only");
    }
    try (ModelChoice m = resolve(x)) {
      return run(stdout, m, x);
    }
  }

  /** The model, its path and divergence; owns native memory of a trained network. */
  private static final class ModelChoice implements AutoCloseable {
    Denoiser denoiser;
    GaussianPath path;
    DivergenceEstimator divergence;
    DataTransform transform = DataTransform.IDENTITY;
    /** A trained network (float32, with its own approximation error) rather than an exact mixture. */
    boolean trained;
    /** The analytic mixture of a gmm: model (its exact marginal can be the prior), else null. */
    GaussianMixture mixture;
    String description;
    final java.util.List<AutoCloseable> owned = new java.util.ArrayList<>();

    @Override
    public void close() {
      for (AutoCloseable c : owned) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing " + c + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private ModelChoice resolve(Batch x) throws IOException {
    ModelChoice m = new ModelChoice();
    Path dir = Path.of(model);
    if (!model.startsWith("gmm:") && Files.isDirectory(dir) && Checkpoint.exists(dir)) {
      if (prediction != null) {
        throw new UsageException("--prediction applies to mixture models; a trained run predicts its own kind");
      }
      if (divergence.probes != null && !probe.equalsIgnoreCase("rademacher")) {
        throw new UsageException("trained models use Rademacher probes; --probe " + probe + " is not available for them");
      }
      NeuralDenoiser nd = NeuralDenoiser.load(dir);
      m.owned.add(nd);
      AutogradDivergence ad = AutogradDivergence.load(dir, divergence.probes == null ? 0 : divergence.probes, seed);
      m.owned.add(ad);
      m.denoiser = nd;
      m.path = nd.path();
      m.divergence = ad;
      m.transform = TrainedRun.open(dir).transform(nd.dim());
      m.trained = true;
      m.description = "run " + dir + " (" + nd.prediction().cliName() + " network)";
    } else {
      ModelSpecs.ResolvedModel r = ModelSpecs.resolve(model, pathOptions.create(),
          prediction == null ? null : Prediction.parse(prediction));
      m.denoiser = r.denoiser();
      m.path = r.path();
      m.divergence = divergence.probes == null ? new ExactDivergence()
          : new HutchinsonDivergence(divergence.probes, parseProbe(probe), seed);
      m.description = r.description();
      m.mixture = r.mixture();
    }
    if (x.d() != m.denoiser.dim()) {
      throw new UsageException(data + " has points of dimension " + x.d() + " but the model has dimension " + m.denoiser.dim());
    }
    return m;
  }

  private int run(PrintWriter stdout, ModelChoice m, Batch x) throws IOException {
    Denoiser denoiser = m.denoiser;
    GaussianPath path = m.path;
    DivergenceEstimator div = m.divergence;
    // log p_x(x) = log p_z(T(x)) + log |det dT/dx| (for standardisation: - sum_j log std_j).
    double standardizationLogDet = m.transform.logDetToModel();
    Likelihood.Builder b = Likelihood.builder(denoiser, path).divergence(div).solver(solver(m.trained))
        .convention(parseConvention(convention)).chunkRows(chunk);
    if (eps != null) {
      b.eps(eps);
    }
    if (tEnd != null) {
      b.tEnd(tEnd);
    }
    String priorText = priorOf(m, b, tEnd != null ? tEnd : path.tMax());
    BitsPerDim bpd = null;
    Batch points = m.transform.toModel(x);
    if (bitsPerDim) {
      if (!dequantize.equals("uniform")) {
        throw new UsageException("unknown --dequantize '" + dequantize + "'; only uniform is available");
      }
      double scale = switch (dataRange) {
        case "symmetric" -> 2;
        case "unit" -> 1;
        default -> throw new UsageException("unknown --data-range '" + dataRange + "'; expected symmetric or unit");
      };
      bpd = new BitsPerDim(256, scale, scale == 2 ? -1 : 0, samples);
      points = bpd.dequantize(x, seed);
      points = m.transform.toModel(points);
    } else if (samples != 1) {
      throw new UsageException("--samples needs --bits-per-dim");
    }
    Likelihood.Result r;
    double seconds;
    try (ProgressBar bar = ProgressBar.create(spec, "likelihood")) {
      Likelihood lik = b.listener(bar).build();
      r = lik.evaluate(points);
      seconds = bar.elapsedSeconds();
    }
    double[] logp = r.logp().clone();
    for (int i = 0; i < logp.length; i++) {
      logp[i] += standardizationLogDet;
    }
    BitsPerDim.Result discrete = bpd == null ? null : bpd.combine(logp, x.d());
    if (discrete != null) {
      logp = discrete.logProb();
    }
    if (out != null) {
      Npy.write(out, new long[] {logp.length}, logp);
    }
    int d = x.d();
    String what = r.convention() == Likelihood.Convention.STATE_AT_EPS
        ? "log p_eps(x), the model's marginal density at t = eps evaluated at the data (Song et al. 2021)"
        : "log p_eps(alpha(eps) x) + d log alpha(eps), the density of x0 + sigma(eps)/alpha(eps) z";
    stdout.printf(Locale.ROOT, "model      %s on %s, d = %d, %d points%n", m.description, path.name(), d, x.n());
    if (m.transform != DataTransform.IDENTITY) {
      stdout.printf(Locale.ROOT, "scaling    standardization.json of the run applied; its log-determinant %s added%n",
          num(standardizationLogDet));
    }
    stdout.printf(Locale.ROOT, "quantity   %s%n", what);
    stdout.printf(Locale.ROOT, "times      eps = %s, T = %s, prior %s%n", num(r.eps()), num(r.tEnd()), priorText);
    stdout.printf(Locale.ROOT, "method     %s, divergence %s%n", r.solver(), r.divergence());
    if (discrete == null) {
      double mean = 0;
      for (double v : logp) {
        mean += v / logp.length;
      }
      double ss = 0;
      for (double v : logp) {
        ss += (v - mean) * (v - mean);
      }
      double se = logp.length < 2 ? 0 : Math.sqrt(ss / (logp.length - 1) / logp.length);
      stdout.printf(Locale.ROOT, "log p      %.6f +- %.6f nats (mean +- standard error)%n", mean, se);
      stdout.printf(Locale.ROOT, "bits/dim   %.6f +- %.6f (continuous: -log p / (d log 2))%n",
          -mean / (d * Math.log(2)), se / (d * Math.log(2)));
    } else {
      double mean = -discrete.meanBitsPerDim() * d * Math.log(2);
      stdout.printf(Locale.ROOT, "log P(k)   %.6f +- %.6f nats (importance-weighted bound, K = %d, uniform dequantisation)%n",
          mean, discrete.standardError() * d * Math.log(2), samples);
      stdout.printf(Locale.ROOT, "bits/dim   %.6f +- %.6f (8-bit data scaled to %s)%n", discrete.meanBitsPerDim(),
          discrete.standardError(), dataRange.equals("symmetric") ? "[-1, 1]" : "[0, 1]");
    }
    stdout.printf(Locale.ROOT, "cost       NFE %.0f per solve (%d batched solve%s of <= %d rows; %d steps, %d rejected), "
        + "%.0f model evaluations per point, %.2f s%n", r.nfePerSolve(), r.solves(), r.solves() == 1 ? "" : "s", chunk,
        r.acceptedSteps(), r.rejectedSteps(), r.modelEvaluationsPerPoint(), seconds);
    if (out != null) {
      stdout.println("wrote      " + out);
    }
    return ExitCodes.OK;
  }

  /**
   * Sets the density at T on {@code b} for --prior and describes it: the path's Gaussian (the
   * builder's default), or the mixture's exact marginal p_T (GaussianMixture.logDensity).
   */
  private String priorOf(ModelChoice m, Likelihood.Builder b, double t) {
    switch (prior) {
      case "gaussian" -> {
        return "N(0, " + num(m.path.priorStd(t)) + "^2 I)";
      }
      case "exact" -> {
        if (m.mixture == null) {
          throw new UsageException("--prior exact needs a gmm: model (its marginal at T in closed form), not " + model);
        }
        GaussianMixture g = m.mixture;
        GaussianPath path = m.path;
        b.prior(z -> g.logDensity(path, t, z));
        return "exact marginal p_T of the mixture";
      }
      default -> throw new UsageException("--prior must be gaussian or exact, got '" + prior + "'");
    }
  }

  /** Six significant digits without trailing zeros: 1e-05, 1, 0.999978. */
  static String num(double v) {
    String s = String.format(Locale.ROOT, "%.6g", v);
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return e < 0 ? mantissa : mantissa + s.substring(e);
  }

  private OdeSolver solver(boolean trained) {
    double r = rtol != null ? rtol : trained ? TRAINED_RTOL : GMM_RTOL;
    return switch (solverName) {
      case "dopri5" -> new DormandPrince(r, atol == null ? r : atol);
      case "rk4" -> FixedStepSolver.rk4(steps);
      case "dopri5-fixed" -> FixedStepSolver.dopri5(steps);
      default -> throw new UsageException("unknown --solver '" + solverName + "'; expected dopri5, rk4 or dopri5-fixed");
    };
  }

  private static HutchinsonDivergence.Probe parseProbe(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "rademacher" -> HutchinsonDivergence.Probe.RADEMACHER;
      case "gaussian" -> HutchinsonDivergence.Probe.GAUSSIAN;
      default -> throw new UsageException("unknown --probe '" + s + "'; expected rademacher or gaussian");
    };
  }

  private static Likelihood.Convention parseConvention(String s) {
    return switch (s) {
      case "state-at-eps" -> Likelihood.Convention.STATE_AT_EPS;
      case "rescaled" -> Likelihood.Convention.DATA_RESCALED;
      default -> throw new UsageException("unknown --convention '" + s + "'; expected state-at-eps or rescaled");
    };
  }

  /** Reads (n, d) data; higher-rank arrays (n, ...) are flattened per row. */
  private static Batch readData(Path file) throws IOException {
    NdArray a = Npy.read(file);
    long[] shape = a.shape();
    if (shape.length == 0) {
      throw new UsageException(file + " holds a scalar; expected points of shape (n, d)");
    }
    long n = shape[0];
    long d = 1;
    for (int i = 1; i < shape.length; i++) {
      d *= shape[i];
    }
    if (n < 1 || d < 1 || d > Integer.MAX_VALUE) {
      throw new UsageException(file + " has shape " + java.util.Arrays.toString(shape) + "; expected (n, d) with n, d >= 1");
    }
    return new Batch((int) n, (int) d, a.data());
  }
}
