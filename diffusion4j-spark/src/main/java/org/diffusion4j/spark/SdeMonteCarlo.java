package org.diffusion4j.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.sde.BrownianIncrements;
import org.diffusion4j.sde.BrownianPath;
import org.diffusion4j.sde.BrownianSource;
import org.diffusion4j.sde.BrownianTree;
import org.diffusion4j.sde.PidController;
import org.diffusion4j.sde.SdeSolution;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.Solver;
import org.diffusion4j.sde.models.SdeModel;
import org.diffusion4j.sde.models.SdeModels;

/**
 * SDE Monte Carlo reduced to statistics, partitioned by path range. Path p uses Brownian path p
 * of the core's source for the seed ({@link BrownianIncrements} for fixed steps, a
 * {@link BrownianTree} for adaptive ones, as {@link SdeSolve} and {@code d4j sde} do), so a range
 * [from, to) computes exactly the paths p in [from, to) of the single-machine run. Each range is
 * reduced to {@link SdeStatistics} (exact moments, DDSketch quantiles, histograms) whose merge is
 * exactly associative: the statistics are bitwise the same for any partitioning, and no path is
 * ever collected to the driver.
 */
public final class SdeMonteCarlo {
  private SdeMonteCarlo() {}

  /**
   * A job: the built-in model {@code model} with {@code options} (as {@code d4j sde -P}), start
   * {@code y0} (empty: the model's default), fixed step {@code dt} or, with {@code rtol > 0},
   * adaptive steps; {@code solver} null or empty for the default; {@code saveAt} empty for {t1}.
   * {@code blockPaths} bounds the paths solved at once in a task (memory only: results do not
   * depend on it). Histogram over [histLo, histHi) with {@code histBins} bins (0: none); DDSketch
   * relative accuracy {@code sketchAccuracy}.
   */
  public record Spec(String model, Map<String, String> options, double[] y0, double t0, double t1, double dt,
      String solver, double rtol, double atol, double[] saveAt, long paths, long seed, int blockPaths,
      double sketchAccuracy, double histLo, double histHi, int histBins) implements Serializable {
    public Spec {
      options = new TreeMap<>(options);
      y0 = y0.clone();
      saveAt = saveAt.clone();
      if (paths < 1) {
        throw new IllegalArgumentException("paths must be >= 1, got " + paths);
      }
      if (blockPaths < 1) {
        throw new IllegalArgumentException("block paths must be >= 1, got " + blockPaths);
      }
      new ColumnCheck(sketchAccuracy, histLo, histHi, histBins).check();
    }

    /** A fixed-step Euler/Heun (model default) job with the model's default start, saving at t1, no histogram. */
    public static Spec of(String model, long paths, double t1, double dt, long seed) {
      return new Spec(model, Map.of(), new double[0], 0, t1, dt, null, 0, 0, new double[0], paths, seed, 1 << 14,
          0.005, 0, 1, 0);
    }

    /** This spec with a histogram. */
    public Spec withHistogram(double lo, double hi, int bins) {
      return new Spec(model, options, y0, t0, t1, dt, solver, rtol, atol, saveAt, paths, seed, blockPaths,
          sketchAccuracy, lo, hi, bins);
    }

    /** This spec with other save times. */
    public Spec withSaveAt(double... ts) {
      return new Spec(model, options, y0, t0, t1, dt, solver, rtol, atol, ts, paths, seed, blockPaths,
          sketchAccuracy, histLo, histHi, histBins);
    }

    /** This spec with another solver name. */
    public Spec withSolver(String name) {
      return new Spec(model, options, y0, t0, t1, dt, name, rtol, atol, saveAt, paths, seed, blockPaths,
          sketchAccuracy, histLo, histHi, histBins);
    }

    /** This spec with other paths per solve block. */
    public Spec withBlockPaths(int n) {
      return new Spec(model, options, y0, t0, t1, dt, solver, rtol, atol, saveAt, paths, seed, n,
          sketchAccuracy, histLo, histHi, histBins);
    }

    /** The model, built from its name and options (on whichever JVM calls it). */
    public SdeModel create() {
      return SdeModels.create(model, options);
    }

    double[] start(SdeModel m) {
      double[] s = y0.length == 0 ? m.defaultY0() : y0;
      if (s.length != m.dim()) {
        throw new IllegalArgumentException("y0 needs " + m.dim() + " values for model " + model + ", got " + s.length);
      }
      return s;
    }

    double[] saves() {
      return saveAt.length == 0 ? new double[] {t1} : saveAt;
    }

    /** A solve of {@code n} paths from the first; path r of it is path first + r of the whole run. */
    SdeSolve solve(SdeModel m, long first, int n) {
      SdeSolve s = SdeSolve.of(m).t0(t0).t1(t1).y0(start(m)).paths(n).saveAt(saves());
      if (solver != null && !solver.isEmpty()) {
        s.solver(Solver.byName(solver));
      }
      BrownianSource base;
      if (rtol > 0) {
        PidController c = PidController.of(rtol, atol > 0 ? atol : rtol).withDt0(Math.min(dt, (t1 - t0) / 10));
        s.controller(c);
        base = BrownianTree.of(seed, m.noiseDim(), t0, t1);
      } else {
        s.dt(dt);
        base = BrownianIncrements.of(seed, m.noiseDim());
      }
      return s.brownian(first == 0 ? base : new Offset(base, first));
    }
  }

  private record ColumnCheck(double alpha, double lo, double hi, int bins) {
    void check() {
      if (!(alpha > 0 && alpha < 0.5)) {
        throw new IllegalArgumentException("sketch accuracy must be in (0, 0.5), got " + alpha);
      }
      if (bins < 0) {
        throw new IllegalArgumentException("histogram bins must be >= 0, got " + bins);
      }
      if (bins > 0 && !(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi)) {
        throw new IllegalArgumentException("histogram range must be finite with lo < hi, got [" + lo + ", " + hi + ")");
      }
    }
  }

  /** Brownian path {@code first + index} of {@code base}: the paths of a range of the whole run. */
  private record Offset(BrownianSource base, long first) implements BrownianSource {
    @Override
    public int dim() {
      return base.dim();
    }

    @Override
    public BrownianPath path(long index) {
      return base.path(first + index);
    }

    @Override
    public boolean reproducible() {
      return base.reproducible();
    }
  }

  /** Statistics of paths [from, to), solved in blocks of {@code spec.blockPaths()} on the current pool. */
  public static SdeStatistics summarize(Spec spec, long from, long to) {
    if (from < 0 || to > spec.paths() || from > to) {
      throw new IllegalArgumentException("path range [" + from + ", " + to + ") is outside [0, " + spec.paths() + ")");
    }
    SdeModel m = spec.create();
    SdeStatistics stats = SdeStatistics.empty(spec, m.dim());
    for (long b = from; b < to; b += spec.blockPaths()) {
      int n = (int) Math.min(spec.blockPaths(), to - b);
      SdeSolution sol = spec.solve(m, b, n).run();
      stats.add(sol);
    }
    return stats;
  }

  /** The single-machine run: all paths on this JVM's cores. */
  public static SdeStatistics runLocal(Spec spec) {
    return summarize(spec, 0, spec.paths());
  }

  /**
   * The run on Spark, {@code partitions} contiguous path ranges; each task solves its range on one
   * thread (the executor's cores are used by concurrent tasks) and returns only its statistics.
   */
  public static SdeStatistics runSpark(JavaSparkContext sc, Spec spec, SparkRun run) {
    spec.create(); // fail on the driver for a bad model or option
    List<long[]> ranges = Ranges.split(spec.paths(), run.partitions());
    int inject = run.failFirstAttemptOf();
    return sc.parallelize(ranges, ranges.size())
        .map(r -> {
          SparkRun.maybeFail(inject);
          return SparkRun.singleThreaded(() -> summarize(spec, r[0], r[1]));
        })
        .treeReduce(SdeStatistics::merge);
  }
}
