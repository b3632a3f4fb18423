package org.diffusion4j.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.cli.UsageException;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.spark.stats.ExactMoments;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code d4j spark sde|sample|likelihood|pilots}: the Spark jobs from the command line, and the main class
 * of the application jar for {@code spark-submit}. Like {@code d4j}: exit 0 on success, 1 on a
 * runtime failure, 2 on bad usage, every error one line on stderr (stack traces with --debug).
 * The {@code d4j} launcher runs this class for {@code d4j spark ...}, so the CLI module itself
 * never depends on Spark.
 */
@Command(name = "d4j spark", mixinStandardHelpOptions = true,
    description = "Scale out on Apache Spark with the same bytes as one machine.",
    subcommands = {SparkMain.Sde.class, SparkMain.Sample.class, SparkMain.LikelihoodJob.class,
        SparkMain.Pilots.class})
public final class SparkMain implements Runnable {
  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces for errors.")
  boolean debug;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing job: sde, sample or likelihood");
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line and returns its exit code (never exits the JVM). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    SparkMain root = new SparkMain();
    CommandLine cl = new CommandLine(root);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("d4j spark: " + ex.getMessage());
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      Throwable cause = rootCause(ex);
      boolean usage = cause instanceof UsageException || cause instanceof IllegalArgumentException
          || cause instanceof java.nio.file.NoSuchFileException;
      String msg = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      err.println("d4j spark: " + msg.lines().findFirst().orElse(msg));
      if (root.debug) {
        ex.printStackTrace(err);
      }
      return usage ? 2 : 1;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The user's error inside Spark's wrappers (a task failure arrives as a SparkException around it). */
  static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  /** Options every job shares. */
  static final class Cluster {
    @Option(names = "--master", paramLabel = "URL", description = "Spark master: local[2], spark://HOST:7077, yarn, ... "
        + "(default: what spark-submit set).")
    String master;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions (default: the cluster's default "
        + "parallelism). Outputs do not depend on it.")
    Integer partitions;

    @Option(names = "--single-machine", description = "Run the same job without Spark, on this JVM's cores (the reference).")
    boolean singleMachine;

    /** A job's two forms: the single-machine reference and the Spark run. */
    interface Local<T> {
      T run() throws Exception;
    }

    interface OnSpark<T> {
      T run(JavaSparkContext sc, SparkRun run) throws Exception;
    }

    /** What ran where, how long the job took (without the Spark context's start) and its value. */
    record Done<T>(T value, String where, double seconds) {}

    /** Runs {@code local} with --single-machine, else {@code spark} on a context for --master. */
    <T> Done<T> execute(String app, Local<T> local, OnSpark<T> spark) throws Exception {
      if (singleMachine) {
        long begin = System.nanoTime();
        T v = local.run();
        return new Done<>(v, "single machine", (System.nanoTime() - begin) / 1e9);
      }
      try (JavaSparkContext sc = SparkContexts.create(master, app)) {
        sc.setLogLevel("WARN");
        SparkRun run = SparkRun.of(partitions != null ? partitions : sc.defaultParallelism());
        long begin = System.nanoTime();
        T v = spark.run(sc, run);
        return new Done<>(v, sc.master() + ", " + run.partitions() + " partitions", (System.nanoTime() - begin) / 1e9);
      }
    }
  }

  @Command(name = "sde", mixinStandardHelpOptions = true, sortOptions = false,
      description = "SDE Monte Carlo reduced to statistics (exact moments, DDSketch quantiles, histograms) per save "
          + "time and component; paths are never collected.")
  static final class Sde implements Callable<Integer> {
    @Spec CommandSpec command;
    @Mixin Cluster cluster;

    @Option(names = "--model", required = true, description = "Built-in model (gbm, ou, cir, double-well, lorenz, heston, fou).")
    String model;

    @Option(names = {"-P", "--param"}, description = "Model option key=value (as d4j sde -P).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--y0", split = ",", description = "Initial state (default: the model's).")
    double[] y0 = new double[0];

    @Option(names = "--t0", defaultValue = "0") double t0;
    @Option(names = "--t1", defaultValue = "1") double t1;
    @Option(names = "--dt", defaultValue = "1e-3", description = "Fixed step (default ${DEFAULT-VALUE}).") double dt;
    @Option(names = "--rtol", defaultValue = "0", description = "Adaptive steps on a Brownian tree with this tolerance.")
    double rtol;
    @Option(names = "--solver", description = "euler, milstein, heun, sri, sra, ... (default: the model's).") String solver;
    @Option(names = "--save-at", split = ",", description = "Save times (default: t1).") double[] saveAt = new double[0];
    @Option(names = "--paths", defaultValue = "100000") long paths;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--block-paths", defaultValue = "16384", description = "Paths solved at once in a task (memory only).")
    int blockPaths;
    @Option(names = "--sketch-accuracy", defaultValue = "0.005", description = "DDSketch relative error of the quantiles.")
    double alpha;
    @Option(names = "--hist", split = ",", paramLabel = "LO,HI,BINS", description = "Histogram over [LO, HI) in BINS bins.")
    double[] hist;
    @Option(names = "--out", paramLabel = "STATS.json", description = "Write the statistics as JSON (atomically).")
    Path out;

    @Override
    public Integer call() throws Exception {
      if (hist != null && hist.length != 3) {
        throw new UsageException("--hist needs LO,HI,BINS, got " + hist.length + " values");
      }
      var spec = new SdeMonteCarlo.Spec(model, params, y0, t0, t1, dt, solver, rtol, rtol, saveAt, paths, seed,
          blockPaths, alpha, hist == null ? 0 : hist[0], hist == null ? 1 : hist[1], hist == null ? 0 : (int) hist[2]);
      var done = cluster.execute("d4j spark sde", () -> SdeMonteCarlo.runLocal(spec),
          (sc, run) -> SdeMonteCarlo.runSpark(sc, spec, run));
      SdeStatistics s = done.value();
      PrintWriter o = command.commandLine().getOut();
      o.printf(Locale.ROOT, "model %s, %d paths, %d steps, %s, %.2f s (%.3g path-steps/s)%n", model, s.paths(),
          s.steps(), done.where(), done.seconds(), s.steps() / done.seconds());
      o.println("t         component  mean          std           q0.05         q0.5          q0.95");
      for (int k = 0; k < s.times().length; k++) {
        for (int i = 0; i < s.dim(); i++) {
          ExactMoments m = s.column(k, i).moments();
          var q = s.column(k, i).sketch();
          o.printf(Locale.ROOT, "%-9.4g %-10d %-13.6g %-13.6g %-13.6g %-13.6g %-13.6g%n", s.times()[k], i, m.mean(),
              Math.sqrt(m.variance()), q.quantile(0.05), q.quantile(0.5), q.quantile(0.95));
        }
      }
      if (out != null) {
        AtomicFiles.writeString(out, s.toJson());
        o.println("wrote " + out);
      }
      return 0;
    }
  }

  @Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Sample a model (gmm:NAME, gmm:FILE.json or a d4j train run directory) with a deterministic solver "
          + "into sharded NPY, committed whole.")
  static final class Sample implements Callable<Integer> {
    @Spec CommandSpec command;
    @Mixin Cluster cluster;
    @Mixin ModelChoice m;
    @Option(names = "--solver", defaultValue = "dpm-solver++-2m") String solver;
    @Option(names = "--nfe", defaultValue = "0") int nfe;
    @Option(names = "--steps", defaultValue = "0") int steps;
    @Option(names = "--n", defaultValue = "1000") long n;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--shard-rows", defaultValue = "65536", description = "Rows per output shard (default ${DEFAULT-VALUE}).")
    int shardRows;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (must not exist).")
    Path out;

    @Override
    public Integer call() throws Exception {
      var spec = new ShardedSampling.Spec(m.model, m.path, m.pathOptions, m.prediction, solver, nfe, steps,
          n, seed, shardRows);
      var done = cluster.execute("d4j spark sample", () -> {
        ShardedSampling.runLocal(spec, out);
        return null;
      }, (sc, run) -> {
        ShardedSampling.runSpark(sc, spec, out, run);
        return null;
      });
      command.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d rows in %d shards, %s, %.2f s (%.3g rows/s)%n",
          out, n, spec.shards(), done.where(), done.seconds(), n / done.seconds());
      return 0;
    }
  }

  @Command(name = "likelihood", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Log-likelihood (probability-flow ODE) of NPY shards or Parquet under a mixture; per-row log p "
          + "and the mean, standard error and bits/dim, committed whole.")
  static final class LikelihoodJob implements Callable<Integer> {
    @Spec CommandSpec command;
    @Mixin Cluster cluster;
    @Mixin ModelChoice m;
    @Option(names = "--data", required = true, split = ",", paramLabel = "DIR|X.npy",
        description = "A directory of .npy shards (name order), shard files, or Parquet (*.parquet: row bigint, "
            + "x array<double>).")
    List<Path> data = new ArrayList<>();
    @Option(names = "--hutchinson", defaultValue = "0", paramLabel = "PROBES", description = "Hutchinson probes (0: exact).")
    int probes;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--rtol", defaultValue = "1e-5") double rtol;
    @Option(names = "--chunk", defaultValue = "128") int chunk;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;

    @Override
    public Integer call() throws Exception {
      var spec = new ShardedLikelihood.Spec(m.model, m.path, m.pathOptions, m.prediction, probes, seed, rtol, chunk);
      boolean parquet = data.stream().anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
      if (parquet && cluster.singleMachine) {
        throw new UsageException("Parquet input runs on Spark (use --master local[N] on one machine)");
      }
      var done = cluster.execute("d4j spark likelihood", () -> ShardedLikelihood.runLocal(spec, data, out),
          (sc, run) -> parquet ? ParquetLikelihood.runSpark(sc, spec, data, out, run)
              : ShardedLikelihood.runSpark(sc, spec, data, out, run));
      ShardedLikelihood.Summary s = done.value();
      command.commandLine().getOut().printf(Locale.ROOT, "%d rows, d=%d: log p %.6f +- %.6f nats, bits/dim %.6f; %s, "
          + "%.2f s; wrote %s%n", s.rows(), s.dim(), s.meanLogp(), s.standardError(), s.bitsPerDim(), done.where(),
          done.seconds(), out);
      return 0;
    }
  }

  @Command(name = "pilots", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Pilot objective of candidate solver schedules (d4j search-schedule's: the larger RMSE of the two "
          + "pilot halves against the probability-flow reference), partitioned by pilot block, reduced exactly.")
  static final class Pilots implements Callable<Integer> {
    @Spec CommandSpec command;
    @Mixin Cluster cluster;
    @Mixin ModelChoice m;
    @Option(names = "--plan", required = true, split = ",", paramLabel = "PLAN.json",
        description = "Candidate schedules (d4j search-schedule --out files); all must span the same times.")
    List<Path> plans = new ArrayList<>();
    @Option(names = "--pilots", defaultValue = "256", description = "Pilot noises (default: ${DEFAULT-VALUE}).")
    int pilots;
    @Option(names = "--pilot-seed", defaultValue = "1001", description = "Seed of the pilot noise (default: ${DEFAULT-VALUE}).")
    long pilotSeed;
    @Option(names = "--block-pilots", defaultValue = "256",
        description = "Pilots per work unit (reference batch; default ${DEFAULT-VALUE}); changes the reference, never "
            + "with the partitioning.")
    int blockPilots;
    @Option(names = "--reference-tol", defaultValue = "1e-9", description = "Reference tolerance (default ${DEFAULT-VALUE}).")
    double referenceTol;

    @Override
    public Integer call() throws Exception {
      var spec = new PilotEvaluation.Spec(m.model, m.path, m.pathOptions, m.prediction, pilots, pilotSeed,
          blockPilots, referenceTol, PilotEvaluation.readPlans(plans));
      var done = cluster.execute("d4j spark pilots", () -> PilotEvaluation.runLocal(spec),
          (sc, run) -> PilotEvaluation.runSpark(sc, spec, run));
      PrintWriter o = command.commandLine().getOut();
      o.printf(Locale.ROOT, "%d pilots, d=%d, %s, %.2f s%n", pilots, done.value().dim(), done.where(), done.seconds());
      for (int k = 0; k < plans.size(); k++) {
        o.printf(Locale.ROOT, "%-40s rmse %s%n", plans.get(k), Double.toString(done.value().rmse()[k]));
      }
      return 0;
    }
  }

  /**
   * The model as {@code d4j sample --model}, on a Gaussian path given by name and options (as
   * {@code d4j}'s --path and --path-option, e.g. beta-max=20; a trained run brings its own path).
   */
  static final class ModelChoice {
    @Option(names = "--model", required = true, paramLabel = "SPEC",
        description = "gmm:NAME, gmm:FILE.json or (sample) a d4j train run directory.")
    String model;

    @Option(names = "--path", defaultValue = "vp-linear", paramLabel = "NAME",
        description = "Gaussian path: vp-linear, vp-cosine, discrete, ve, sub-vp, edm, cond-ot, trig (default ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--path-option", paramLabel = "KEY=VALUE", description = "Path option, e.g. beta-max=20, s=0.008.")
    Map<String, String> pathOptions = new LinkedHashMap<>();

    @Option(names = "--prediction", paramLabel = "KIND", description = "Prediction kind a mixture exposes (default eps).")
    String prediction;
  }
}
