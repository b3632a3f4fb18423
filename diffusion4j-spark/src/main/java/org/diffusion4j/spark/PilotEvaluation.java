package org.diffusion4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.diffusion4j.array.Batch;
import org.diffusion4j.cli.ModelSpecs;
import org.diffusion4j.io.JsonException;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;
import org.diffusion4j.sampler.ProbabilityFlowReference;
import org.diffusion4j.sampler.plan.ScheduleSampler;
import org.diffusion4j.sampler.plan.ScheduleSearch;
import org.diffusion4j.sampler.plan.SolverSchedule;
import org.diffusion4j.spark.stats.ExactSum;

/**
 * Pilot evaluation of candidate solver schedules ({@code d4j search-schedule}'s objective) on
 * Spark, partitioned by pilot block. As {@code ScheduleSearch} does: pilot noise i is N(0, 1) from
 * {@code Rng.of(pilotSeed).stream(i)} (as {@code Noise.standardNormal}) scaled by the prior's
 * standard deviation at the schedule's first time; the reference is the Dormand-Prince
 * probability-flow solve ({@link ProbabilityFlowReference}) from the same noise; each candidate
 * runs {@link ScheduleSampler} from it, and its objective is the larger of the RMSEs (per
 * coordinate) on the two halves of the pilots, pilots [0, n/2) and [n/2, n) (the RMSE over all
 * pilots when n = 1); a candidate that diverges scores +infinity.
 *
 * <p>Why the result does not depend on the partitioning: the reference integrates a batch as one
 * state vector with one step sequence, and a neural model's batched arithmetic may depend on the
 * batch size, so the work unit is a fixed block of {@code blockPilots} pilots whatever the
 * partitioning (a partition is a range of whole blocks; with one block of all pilots the reference
 * is {@code ScheduleSearch}'s). The squared differences are added into {@link ExactSum}s, which
 * are exact, so the merge of the partitions' sums is order-independent and the RMSE is rounded
 * once on the driver.
 */
public final class PilotEvaluation {
  private PilotEvaluation() {}

  /**
   * A job: {@code model} as {@code d4j sample --model} on the Gaussian path given by name and
   * options, {@code pilots} pilot noises from {@code pilotSeed} in blocks of {@code blockPilots},
   * reference tolerance {@code referenceTol}, and the candidates as schedule JSON
   * ({@link SolverSchedule#toJson}); every candidate must span the same times.
   */
  public record Spec(String model, String path, Map<String, String> pathOptions, String prediction, int pilots,
      long pilotSeed, int blockPilots, double referenceTol, List<String> scheduleJson) implements Serializable {
    public Spec {
      pathOptions = new TreeMap<>(pathOptions);
      scheduleJson = List.copyOf(scheduleJson);
      if (pilots < 1) {
        throw new IllegalArgumentException("--pilots must be at least 1, got " + pilots);
      }
      if (blockPilots < 1) {
        throw new IllegalArgumentException("--block-pilots must be at least 1, got " + blockPilots);
      }
      if (!(referenceTol > 0)) {
        throw new IllegalArgumentException("--reference-tol must be > 0, got " + referenceTol);
      }
      if (scheduleJson.isEmpty()) {
        throw new IllegalArgumentException("give at least one candidate schedule (--plan FILE.json)");
      }
      List<SolverSchedule> s = schedules(scheduleJson);
      double[] ts = s.get(0).times();
      for (int k = 0; k < s.size(); k++) {
        if (s.get(k).needsEms()) {
          throw new IllegalArgumentException("candidate " + k + " uses the EMS (dpm-solver-v3) form, which the Spark "
              + "pilot evaluation does not ship; use noise or data prediction steps");
        }
        double[] tk = s.get(k).times();
        if (tk[0] != ts[0] || tk[tk.length - 1] != ts[ts.length - 1]) {
          throw new IllegalArgumentException("candidate " + k + " spans [" + tk[0] + ", " + tk[tk.length - 1]
              + "], candidate 0 spans [" + ts[0] + ", " + ts[ts.length - 1] + "]; all must span the same times");
        }
      }
    }

    /** This job with other candidates. */
    public Spec withSchedules(List<String> json) {
      return new Spec(model, path, pathOptions, prediction, pilots, pilotSeed, blockPilots, referenceTol, json);
    }

    /** The number of pilot blocks, ceil(pilots / blockPilots). */
    public long blocks() {
      return (pilots + (long) blockPilots - 1) / blockPilots;
    }

    List<SolverSchedule> schedules() {
      return schedules(scheduleJson);
    }

    private static List<SolverSchedule> schedules(List<String> json) {
      List<SolverSchedule> out = new ArrayList<>();
      for (String j : json) {
        out.add(SolverSchedule.fromJson(j));
      }
      return out;
    }
  }

  /** Reads candidate schedule files; a bad file is an IllegalArgumentException naming it and the field. */
  public static List<String> readPlans(List<Path> files) {
    List<String> out = new ArrayList<>();
    for (Path f : files) {
      try {
        out.add(SolverSchedule.read(f).toJson());
      } catch (java.nio.file.NoSuchFileException e) {
        throw new IllegalArgumentException("bad plan file " + f + ": no such file");
      } catch (IOException | JsonException e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        String named = f + ": "; // SolverSchedule.read names the file itself
        throw new IllegalArgumentException("bad plan file " + f + ": "
            + (why.startsWith(named) ? why.substring(named.length()) : why));
      }
    }
    return out;
  }

  /**
   * Exact sums of squared differences per candidate and pilot half: {@code sums[2k]} over pilots
   * [0, n/2), {@code sums[2k+1]} over [n/2, n); and which candidates diverged somewhere.
   */
  public record Errors(ExactSum[] sums, boolean[] diverged) implements Serializable {
    static Errors empty(int candidates) {
      ExactSum[] s = new ExactSum[2 * candidates];
      for (int i = 0; i < s.length; i++) {
        s[i] = new ExactSum();
      }
      return new Errors(s, new boolean[candidates]);
    }

    /** Merges {@code o} into this (exact; associative and commutative bitwise). */
    Errors merge(Errors o) {
      for (int i = 0; i < sums.length; i++) {
        sums[i].merge(o.sums[i]);
      }
      for (int k = 0; k < diverged.length; k++) {
        diverged[k] |= o.diverged[k];
      }
      return this;
    }

    /** The objective of each candidate (as {@code ScheduleSearch}), rounded once from the exact sums. */
    double[] rmse(int pilots, int d) {
      double[] out = new double[diverged.length];
      int half = pilots / 2;
      for (int k = 0; k < out.length; k++) {
        double e;
        if (half == 0) {
          e = Math.sqrt(sums[2 * k].value() / d);
        } else {
          e = Math.sqrt(Math.max(sums[2 * k].value() / ((double) half * d),
              sums[2 * k + 1].value() / ((double) (pilots - half) * d)));
        }
        out[k] = diverged[k] || !Double.isFinite(e) ? Double.POSITIVE_INFINITY : e;
      }
      return out;
    }
  }

  /** The result: each candidate's pilot objective, in the order given. */
  public record Result(double[] rmse, int pilots, int dim) {}

  /**
   * Pilot noises and references of a block, per executor JVM (read-only once made): a search
   * evaluates hundreds of candidates on the same pilots, and the reference is the costly solve.
   */
  private static final Map<String, Batch[]> REFERENCES = new ConcurrentHashMap<>();

  /** Squared errors of every candidate on pilot block {@code b}. */
  static Errors evaluateBlock(Spec spec, ModelShipment shipment, long b) throws IOException {
    ModelSpecs.ResolvedModel m = ShardedSampling.model(shipment, spec.path(), spec.pathOptions(), spec.prediction());
    GaussianPath path = m.path();
    List<SolverSchedule> cands = spec.schedules();
    double[] ts = cands.get(0).times();
    double tStart = ts[0];
    double tEnd = ts[ts.length - 1];
    long first = b * spec.blockPilots();
    int rows = (int) Math.min(spec.blockPilots(), spec.pilots() - first);
    String key = shipment.hash() + "|" + spec.path() + spec.pathOptions() + "|" + spec.prediction() + "|"
        + spec.pilotSeed() + "|" + first + "+" + rows + "|" + spec.referenceTol() + "|" + tStart + "|" + tEnd;
    Batch[] pilot = REFERENCES.get(key);
    if (pilot == null) { // not computeIfAbsent: it would lock other keys of the bin during the long solve
      Batch xT = new Batch(rows, m.denoiser().dim());
      Rng root = Rng.of(spec.pilotSeed());
      for (int r = 0; r < rows; r++) {
        root.stream(first + r).fillGaussian(xT.data(), r * xT.d(), xT.d()); // as Noise.standardNormal, pilot first + r
      }
      xT.scale(path.priorStd(tStart)); // in place, as ScheduleSearch
      Batch ref = ProbabilityFlowReference.solve(m.denoiser(), path, xT, tStart, tEnd, spec.referenceTol()).x();
      REFERENCES.putIfAbsent(key, new Batch[] {xT, ref}); // equal bytes whichever thread made it
      pilot = REFERENCES.get(key);
    }
    Batch xT = pilot[0];
    Batch ref = pilot[1];
    int d = xT.d();
    Errors errors = Errors.empty(cands.size());
    long half = spec.pilots() / 2;
    for (int k = 0; k < cands.size(); k++) {
      Batch out;
      try {
        out = new ScheduleSampler(cands.get(k), null).sample(m.denoiser(), path, xT);
      } catch (RuntimeException unstable) { // as ScheduleSearch: a candidate that blows up is not better
        errors.diverged()[k] = true;
        continue;
      }
      for (int r = 0; r < rows; r++) {
        ExactSum into = errors.sums()[2 * k + (half > 0 && first + r >= half ? 1 : 0)];
        for (int j = r * d; j < (r + 1) * d; j++) {
          double diff = out.data()[j] - ref.data()[j];
          into.add(diff * diff);
        }
      }
    }
    return errors;
  }

  private static Result result(Spec spec, ModelShipment shipment, Errors e) throws IOException {
    int d = ShardedSampling.model(shipment, spec.path(), spec.pathOptions(), spec.prediction()).denoiser().dim();
    return new Result(e.rmse(spec.pilots(), d), spec.pilots(), d);
  }

  /** The single-machine evaluation: every block on this JVM, in order. */
  public static Result runLocal(Spec spec) throws IOException {
    ModelShipment shipment = ModelShipment.of(spec.model());
    Errors all = Errors.empty(spec.scheduleJson().size());
    for (long b = 0; b < spec.blocks(); b++) {
      all.merge(evaluateBlock(spec, shipment, b));
    }
    return result(spec, shipment, all);
  }

  /**
   * The evaluation on Spark: pilot blocks spread over {@code run.partitions()} contiguous ranges;
   * the model travels as a broadcast of its files; only the exact sums come back.
   */
  public static Result runSpark(JavaSparkContext sc, Spec spec, SparkRun run) throws IOException {
    ModelShipment shipment = ModelShipment.of(spec.model());
    ShardedSampling.model(shipment, spec.path(), spec.pathOptions(), spec.prediction()); // fail on the driver
    Broadcast<ModelShipment> shared = sc.broadcast(shipment);
    int inject = run.failFirstAttemptOf();
    int candidates = spec.scheduleJson().size();
    try {
      Errors e = sc.parallelize(Ranges.split(spec.blocks(), run.partitions()), run.partitions())
          .map(r -> {
            SparkRun.maybeFail(inject);
            return SparkRun.singleThreaded(() -> {
              Errors acc = Errors.empty(candidates);
              for (long b = r[0]; b < r[1]; b++) {
                try {
                  acc.merge(evaluateBlock(spec, shared.value(), b));
                } catch (IOException io) {
                  throw new java.io.UncheckedIOException(io);
                }
              }
              return acc;
            });
          })
          .treeReduce(Errors::merge);
      return result(spec, shipment, e);
    } finally {
      shared.destroy();
    }
  }

  /**
   * {@code spec}'s pilots as the objective of a {@link ScheduleSearch}, evaluated on this JVM
   * (the candidates of {@code spec} are ignored; the search's candidates must span their times).
   */
  public static ScheduleSearch.Objective localObjective(Spec spec) {
    return candidate -> {
      try {
        return runLocal(spec.withSchedules(List.of(candidate.toJson()))).rmse()[0];
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  /**
   * The same objective evaluated on Spark, one job per candidate (references are kept on the
   * executors between jobs): for any partitioning its values, and so the whole search, are those
   * of {@link #localObjective}.
   */
  public static ScheduleSearch.Objective sparkObjective(JavaSparkContext sc, Spec spec, SparkRun run) {
    return candidate -> {
      try {
        return runSpark(sc, spec.withSchedules(List.of(candidate.toJson())), run).rmse()[0];
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }
}
