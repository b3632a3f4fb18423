package org.diffusion4j.cli;

import org.diffusion4j.random.Seeds;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.FlowConversions;
import org.diffusion4j.interpolant.FlowSampling;
import org.diffusion4j.interpolant.Gamma;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.interpolant.InterpolantGenerator;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.interpolant.RolloverBudgetForcing;
import org.diffusion4j.model.VectorField;
import org.diffusion4j.io.Npy;
import org.diffusion4j.metrics.SlicedWasserstein;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.nn.data.Datasets;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.interpolant.InterpolantTrainConfig;
import org.diffusion4j.nn.interpolant.LearnedInterpolant;
import org.diffusion4j.path.CondOtPath;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The interpolant side of {@code d4j sample}: a run of {@code d4j train --objective interpolant}
 * (detected by RUN/interpolant.json), the SDE of a flow ({@code --sde-eps}) and reward-guided
 * sampling with rollover budget forcing ({@code --reward}, {@code --budget}).
 *
 * <p>Generation (Albergo, Boffi &amp; Vanden-Eijnden 2023): the probability-flow ODE dX = b dt,
 * or the forward SDE dX = (b + eps s) dt + sqrt(2 eps) dW (Eq. 2.20), which has the same
 * marginals for any eps(t) &gt;= 0. For an interpolant with gamma &gt; 0 the score s is the
 * learned one, eps(t) = EPS is constant and time runs on [m, 1 - m]. For a flow (Gaussian x0,
 * gamma = 0, independent coupling; or a diffusion model on the cond-ot or trig path, whose
 * velocity is that of the one-sided linear / trigonometric interpolant) the score is computed
 * from the velocity ({@link FlowConversions#scoreFromVelocity}, Kim, Yoon &amp; Sung 2025) and,
 * since it grows as 1 / alpha(t) towards the data, eps(t) = EPS alpha(t)^2 so that the noise
 * vanishes there; time runs on [0, 1 - m]. {@code --reward} runs
 * {@link RolloverBudgetForcing} on that flow SDE (Euler-Maruyama); with {@code --budget 1} it is
 * plain {@code --sde-eps} sampling with {@code --solver euler} (bit for bit for a batch-independent
 * field such as an exact mixture; to float32 rounding for a network, evaluated row by row here).
 */
final class InterpolantSampling {
  /** Default eps of reward-guided sampling (eps(t) = 2 alpha(t)^2). */
  static final double REWARD_EPS = 2;
  /** Default number of time steps. */
  static final int DEFAULT_STEPS = 100;
  /** Where a flow SDE stops (1 - this) for a diffusion model; a run uses its time margin if larger. */
  static final double END_MARGIN = 1e-3;

  /** The options of d4j sample that belong to interpolants, flow SDEs and reward guidance. */
  static final class Options {
    @Option(names = "--source", paramLabel = "gaussian|NAME|FILE",
        description = "Interpolant run: draw x0 from this instead of the run's source (a file in its own units).")
    String source;

    @Option(names = "--sde-eps", paramLabel = "EPS",
        description = "Sample the SDE dX = (b + eps s) dt + sqrt(2 eps) dW instead of the ODE: an interpolant run,"
            + " or a flow (diffusion model on --path cond-ot or trig). eps(t) = EPS, or EPS alpha(t)^2 for flows.")
    Double sdeEps;

    @Option(names = "--reference", paramLabel = "NAME|FILE",
        description = "Interpolant run or flow SDE: print the sliced W1 of the samples to held-out draws of this toy set"
            + " (or a file's rows), mean of 5, and the two-sample floor.")
    String reference;

    @Option(names = "--reward", paramLabel = "SPEC",
        description = "Reward-guided flow sampling (rollover budget forcing): " + Rewards.FORMS + "; in data units.")
    String reward;

    @Option(names = "--budget", paramLabel = "N",
        description = "With --reward: velocity evaluations per step (unspent ones roll over; default 1 = plain sampling).")
    Integer budget;
  }

  /** Options an interpolant run or a flow SDE accepts, next to its own. */
  private static final Set<String> COMMON = Set.of("--model", "--n", "--seed", "--out", "--plot", "--steps", "--nfe",
      "--solver", "--sde-eps", "--reward", "--budget", "--reference", "--debug");
  /** What a diffusion model additionally accepts on the flow-SDE branch. */
  private static final Set<String> MODEL = Set.of("--prediction", "--path", "--path-option", "--beta-min", "--beta-max",
      "--sigma-min", "--sigma-max");

  private InterpolantSampling() {}

  /** Whether {@code d4j sample} goes this way: an interpolant run, or --sde-eps / --reward / --budget. */
  static boolean handles(SampleCommand c) {
    Options o = c.interpolantOptions;
    return isRun(c.model) || o.sdeEps != null || o.reward != null || o.budget != null || o.source != null;
  }

  static boolean isRun(String model) {
    try {
      return TrainedRun.isInterpolantRun(Path.of(model));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  /** A flow in interpolant time: one-sided interpolant, velocity, where to stop, and the map to data units. */
  private record Flow(Interpolant oneSided, VectorField velocity, double end, UnaryOperator<Batch> toData) {}

  static int sample(SampleCommand c) throws IOException {
    if (c.out == null && c.plot == null) {
      throw new UsageException("give --out X.npy or --plot X.png");
    }
    Options o = c.interpolantOptions;
    ParseResult pr = c.spec.commandLine().getParseResult();
    boolean run = isRun(c.model);
    if (!run && o.source != null) {
      throw new UsageException("--source applies to interpolant runs (a directory with interpolant.json), not --model "
          + c.model);
    }
    for (OptionSpec given : pr.matchedOptions()) {
      String name = given.longestName();
      if (!COMMON.contains(name) && !(run ? name.equals("--source") : MODEL.contains(name))) {
        throw new UsageException(name + (run ? " does not apply to an interpolant run" : " does not apply with --sde-eps"
            + " or --reward (flow SDE sampling)"));
      }
    }
    if (c.n < 1) {
      throw new UsageException("--n must be at least 1, got " + c.n);
    }
    if (c.steps != null && c.nfe != null) {
      throw new UsageException("give --steps or --nfe, not both");
    }
    int steps = c.steps == null ? DEFAULT_STEPS : c.steps;
    if (steps < 1) {
      throw new UsageException("--steps must be at least 1, got " + steps);
    }
    if (o.sdeEps != null && !(o.sdeEps >= 0 && Double.isFinite(o.sdeEps))) {
      throw new UsageException("--sde-eps must be finite and >= 0, got " + o.sdeEps);
    }
    if (o.budget != null && o.reward == null) {
      throw new UsageException("--budget needs --reward SPEC");
    }
    if (o.budget != null && o.budget < 1) {
      throw new UsageException("--budget must be at least 1, got " + o.budget);
    }
    Scheme scheme = scheme(pr, c.solver, o.reward != null);
    return run ? sampleRun(c, Path.of(c.model), steps, scheme) : sampleFlowModel(c, steps, scheme);
  }

  private static Scheme scheme(ParseResult pr, String solver, boolean reward) {
    if (!pr.hasMatchedOption("--solver")) {
      return reward ? Scheme.EULER : Scheme.HEUN;
    }
    Scheme s = switch (solver) {
      case "euler" -> Scheme.EULER;
      case "heun" -> Scheme.HEUN;
      default -> throw new UsageException("--solver must be euler or heun for interpolant / flow SDE sampling, got " + solver);
    };
    if (reward && s != Scheme.EULER) {
      throw new UsageException("--reward runs Euler-Maruyama steps; drop --solver " + solver);
    }
    return s;
  }

  /** A run of d4j train --objective interpolant. */
  private static int sampleRun(SampleCommand c, Path dir, int steps, Scheme scheme) throws IOException {
    Options o = c.interpolantOptions;
    try (LearnedInterpolant m = LearnedInterpolant.load(dir)) {
      InterpolantTrainConfig cfg = m.config();
      int dim = m.dim();
      TrainedRun run = TrainedRun.open(dir);
      UnaryOperator<Batch> toData = run.transform(dim)::toData;
      String sourceSpec = o.source != null ? o.source : InterpolantRuns.trustedEnd(dir, cfg.source(), "--source");
      CliChecks.requireMemory("--n " + c.n + " samples of dimension " + dim, CliChecks.product(c.n, dim, 8, 8));
      Batch x0 = InterpolantRuns.draws(sourceSpec, dim, c.seed, c.n);
      if (isFile(sourceSpec)) {
        x0 = run.sourceTransform(dim).toModel(x0);
      }
      double margin = Math.max(cfg.timeMargin(), END_MARGIN);
      Interpolant it = m.interpolant();
      Interpolant oneSided = flowOf(cfg, it);
      Flow flow = oneSided == null ? null : new Flow(oneSided, m.velocityField(), 1 - margin, toData);
      if (o.reward != null || (o.sdeEps != null && o.sdeEps > 0 && oneSided != null)) {
        if (oneSided == null) {
          throw new UsageException("--reward needs a flow: a run trained from --source gaussian with --gamma zero (or"
              + " --interpolant one-sided-linear) and independent coupling; " + dir + " is " + cfg.interpolant()
              + " with gamma " + it.gamma().name() + ", source " + cfg.source() + ", coupling " + cfg.coupling());
        }
        if (!sourceSpec.equals("gaussian")) {
          throw new UsageException("flow SDE sampling draws x0 from N(0, I); drop --source " + sourceSpec);
        }
        return sampleFlow(c, flow, x0, steps, scheme, dir.toString());
      }
      if (o.sdeEps == null || o.sdeEps == 0) {
        // With gamma > 0, gamma' (hence b) is singular at t = 0 and 1 and the network was trained on
        // [m, 1 - m] only: the ODE runs there too (the gamma(m) z left at the ends is ~sqrt(2m)).
        double end = it.gamma() instanceof Gamma.Zero ? 0 : margin;
        FlowSampling.Result r = budget(c, FlowSampling.with(m.velocityField(), dim).solver(scheme).times(end, 1 - end),
            steps, false).run(x0);
        return write(c, toData.apply(r.x()), r.nfe(), dir + ", ode");
      } else {
        if (!m.hasScore()) {
          throw new UsageException("--sde-eps > 0 needs a score, but " + dir + " was trained with --no-score and is not"
              + " a flow (Gaussian source, gamma zero, independent coupling)");
        }
        double e = o.sdeEps;
        FlowSampling.Result r = budget(c, FlowSampling.with(m.velocityField(), dim).score(m.scoreField()).eps(e)
            .solver(scheme).times(margin, 1 - margin).seed(Seeds.sdeNoise(c.seed)), steps, true).run(x0);
        return write(c, toData.apply(r.x()), r.nfe() + r.scoreNfe(), dir + ", sde eps=" + e);
      }
    }
  }

  /** A diffusion model (gmm: or a d4j train run) on the cond-ot or trig path, as a flow. */
  private static int sampleFlowModel(SampleCommand c, int steps, Scheme scheme) throws IOException {
    GaussianPath path = c.pathOptions.create();
    // An analytic model exposes the velocity itself: a converted eps or x0 prediction would be
    // singular at the noise end (alpha = 0), where the flow starts.
    Prediction kind = c.prediction == null ? Prediction.VELOCITY : Prediction.parse(c.prediction);
    ModelSpecs.ResolvedModel m = ModelSpecs.resolve(c.model, path, kind);
    GaussianPath full = TrainedRun.flowPath(m.path());
    if (full == null) {
      throw new UsageException("--sde-eps and --reward convert a flow's ODE into an SDE and need the cond-ot or trig path,"
          + " not " + m.path().name() + "; for stochastic sampling on it choose a stochastic --solver (e.g. euler-maruyama)");
    }
    Interpolant oneSided = full instanceof CondOtPath ? Interpolant.oneSidedLinear() : Interpolant.oneSidedTrigonometric();
    Flow flow = new Flow(oneSided, FlowConversions.velocityOf(m.denoiser(), full), 1 - END_MARGIN, m.toDataUnits());
    Batch x0 = Noise.standardNormal(c.seed, c.n, m.denoiser().dim());
    // The flow starts at the noise end, alpha = 0, where an eps or score prediction cannot be
    // converted to a velocity (x0 = (x - sigma eps) / alpha): say so instead of failing at step 0.
    Batch probe = new Batch(1, x0.d());
    System.arraycopy(x0.data(), 0, probe.data(), 0, x0.d());
    Batch v = probe.zerosLike();
    flow.velocity().evaluate(probe, 0, v);
    if (v.firstNonFinite() >= 0) {
      throw new UsageException("the velocity of " + m.description() + " is not finite at the noise end (alpha = 0),"
          + " where the flow SDE starts; use a velocity / x0 / v model (e.g. d4j train --objective flow)");
    }
    return sampleFlow(c, flow, x0, steps, scheme, m.description());
  }

  /**
   * Sets the run's length: {@code --nfe N} network evaluations (with a score, every evaluation
   * point costs a velocity and a score evaluation, so N must be even), else {@code steps}.
   */
  private static FlowSampling.Builder budget(SampleCommand c, FlowSampling.Builder b, int steps, boolean withScore) {
    if (c.nfe == null) {
      return b.steps(steps);
    }
    if (c.nfe < 1) {
      throw new UsageException("--nfe must be at least 1, got " + c.nfe);
    }
    if (withScore && c.nfe % 2 != 0) {
      throw new UsageException("--nfe " + c.nfe + ": with --sde-eps every point costs a velocity and a score evaluation;"
          + " give an even --nfe");
    }
    return b.nfe(withScore ? c.nfe / 2 : c.nfe);
  }

  /** The flow's SDE (score from the velocity, eps(t) = EPS alpha(t)^2), reward-guided with --reward. */
  private static int sampleFlow(SampleCommand c, Flow flow, Batch x0, int steps, Scheme scheme, String what)
      throws IOException {
    Options o = c.interpolantOptions;
    Interpolant it = flow.oneSided();
    double e = o.sdeEps != null ? o.sdeEps : o.reward != null ? REWARD_EPS : 0;
    DoubleUnaryOperator eps = t -> e * it.alpha(t) * it.alpha(t);
    long noiseSeed = Seeds.sdeNoise(c.seed);
    if (o.reward == null) {
      FlowSampling.Builder b = FlowSampling.with(flow.velocity(), x0.d()).solver(scheme).times(0, flow.end())
          .seed(noiseSeed);
      if (e > 0) {
        b.score(FlowConversions.scoreFromVelocity(it, flow.velocity())).eps(eps);
      }
      FlowSampling.Result r = budget(c, b, steps, e > 0).run(x0);
      return write(c, flow.toData().apply(r.x()), r.nfe() + r.scoreNfe(), what + ", flow sde eps=" + e);
    }
    int dim = x0.d();
    RolloverBudgetForcing.Reward inData = Rewards.parse(o.reward, dim);
    UnaryOperator<Batch> toData = flow.toData();
    RolloverBudgetForcing.Reward reward = x -> {
      Batch b = new Batch(1, dim);
      System.arraycopy(x, 0, b.data(), 0, dim);
      return inData.of(toData.apply(b).data());
    };
    int budget = o.budget == null ? 1 : o.budget;
    RolloverBudgetForcing.Result r;
    try (ProgressBar bar = ProgressBar.create(c.spec, "sampling")) {
      r = RolloverBudgetForcing.sample(it, flow.velocity(), eps, reward, x0, flow.end(), steps, budget, noiseSeed);
      bar.onProgress(1, 1, "done");
    }
    long nfe = 0;
    int max = 0;
    for (int v : r.evaluations()) {
      nfe += v;
      max = Math.max(max, v);
    }
    PrintWriter err = c.spec.commandLine().getErr();
    err.printf("reward mean=%.4f budget=%d nfe=%d (%.1f per sample, max %d, cap %d)%n", r.meanReward(), budget, nfe,
        (double) nfe / x0.n(), max, 1 + (long) steps * budget);
    return write(c, toData.apply(r.samples()), -1, what + ", reward " + o.reward + ", budget " + budget);
  }

  private static int write(SampleCommand c, Batch result, long nfe, String title) throws IOException {
    if (c.out != null) {
      Npy.write(c.out, result);
    }
    if (c.plot != null) {
      SamplePlots.scatter(c.plot, result, null, null, -1, title);
    }
    PrintWriter err = c.spec.commandLine().getErr();
    if (nfe >= 0) {
      err.println("nfe=" + nfe);
    }
    String ref = c.interpolantOptions.reference;
    if (ref != null) {
      err.println(slicedW1(ref, result, c.seed));
    }
    return ExitCodes.OK;
  }

  /** Held-out reference draws the distance is averaged over (one two-sample SW1 on 2000 points varies by ~30%). */
  static final int REFS = 5;

  /**
   * The sliced Wasserstein-1 distance of {@code x} to {@link #REFS} held-out draws of {@code ref}
   * (as many rows as {@code x}), averaged, next to the same average between independent draws
   * (the two-sample floor). A file (or mnist) is one fixed sample: see {@link #slicedW1ToRows}.
   */
  static String slicedW1(String ref, Batch x, long seed) throws IOException {
    if (x.n() < 2) {
      throw new UsageException("--reference needs --n >= 2");
    }
    SlicedWasserstein sw = SlicedWasserstein.w1(SlicedWasserstein.DEFAULT_PROJECTIONS, seed);
    if (!ref.equals("gaussian") && !Datasets.isToy(ref)) {
      return slicedW1ToRows(ref, x, sw, seed);
    }
    Batch[] refs = new Batch[REFS + 1];
    for (int k = 0; k <= REFS; k++) {
      refs[k] = InterpolantRuns.draws(ref, x.d(), Seeds.reference(seed, k), x.n());
    }
    double d = 0;
    double floor = 0;
    for (int k = 0; k < REFS; k++) {
      d += sw.between(x, refs[k]) / REFS;
      floor += sw.between(refs[k + 1], refs[k]) / REFS;
    }
    return String.format("sliced W1 to %s=%.4f floor=%.4f ratio=%.2f", ref, d, floor, d / floor);
  }

  /**
   * SW1 to a file's rows with its two-sample floor: for each of {@link #REFS} seeded shuffles of
   * the rows, two disjoint sets A, B of m = min(n, rows / 2) rows; the distance averages SW1(x, A),
   * the floor SW1(B, A). Both compare sets of m rows (x is cut to its first m rows when the file
   * has fewer than 2n), because SW1 between finite samples shrinks as they grow.
   */
  private static String slicedW1ToRows(String ref, Batch x, SlicedWasserstein sw, long seed) throws IOException {
    Batch all = InterpolantRuns.load(ref, seed, x.n()).data();
    if (all.d() != x.d()) {
      throw new UsageException("--reference " + ref + " has rows of dimension " + all.d() + " but the samples have "
          + x.d());
    }
    int m = Math.min(x.n(), all.n() / 2);
    if (m < 2) {
      throw new UsageException("--reference " + ref + " has " + all.n() + " rows; the two-sample floor needs at least 4");
    }
    Batch xm = rows(x, identity(x.n()), 0, m);
    double d = 0;
    double floor = 0;
    for (int k = 0; k < REFS; k++) {
      int[] order = identity(all.n());
      Rng rng = Rng.of(Seeds.reference(seed, k));
      for (int i = 0; i < 2 * m; i++) { // partial Fisher-Yates: the first 2m entries are a uniform draw
        int j = i + rng.nextInt(all.n() - i);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      Batch a = rows(all, order, 0, m);
      d += sw.between(xm, a) / REFS;
      floor += sw.between(rows(all, order, m, m), a) / REFS;
    }
    String cut = m < x.n() ? String.format(" (first %d samples against %d-row halves of the file's %d rows)", m, m,
        all.n()) : "";
    return String.format("sliced W1 to %s=%.4f floor=%.4f ratio=%.2f%s", ref, d, floor, d / floor, cut);
  }

  private static int[] identity(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  /** Rows order[from], ..., order[from + count - 1] of {@code x}. */
  private static Batch rows(Batch x, int[] order, int from, int count) {
    int d = x.d();
    Batch out = new Batch(count, d);
    for (int i = 0; i < count; i++) {
      System.arraycopy(x.data(), order[from + i] * d, out.data(), i * d, d);
    }
    return out;
  }

  /**
   * The one-sided interpolant a run is equivalent to when its score follows from its velocity:
   * Gaussian x0 independent of x1 and gamma = 0 (linear and trig then coincide with the one-sided
   * linear and trigonometric interpolants), else null.
   */
  static Interpolant flowOf(InterpolantTrainConfig cfg, Interpolant it) {
    if (!cfg.gaussianSource() || !cfg.coupling().equals("independent") || !(it.gamma() instanceof Gamma.Zero)) {
      return null;
    }
    return switch (it.kind()) {
      case LINEAR, ONE_SIDED_LINEAR -> Interpolant.oneSidedLinear();
      case TRIGONOMETRIC, ONE_SIDED_TRIGONOMETRIC -> Interpolant.oneSidedTrigonometric();
      default -> null;
    };
  }

  private static boolean isFile(String spec) {
    return !spec.equals("gaussian") && !Datasets.isToy(spec) && !spec.equalsIgnoreCase("mnist");
  }

}
