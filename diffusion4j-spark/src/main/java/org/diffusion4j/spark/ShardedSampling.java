package org.diffusion4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.array.Batch;
import org.diffusion4j.cli.ModelSpecs;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Rng;
import org.diffusion4j.random.Seeds;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;

/**
 * Sampling a model into sharded NPY output, partitioned by shard. Shard k holds rows
 * [k R, min(n, (k+1) R)) of the run; row i starts from the noise {@code d4j sample} draws for it
 * (N(0, 1) from {@code Rng.of(seed).stream(i)}, scaled by the prior's standard deviation at
 * t-start, as {@link org.diffusion4j.random.Noise}) and is integrated by a deterministic sampler,
 * so each row is a function of (seed, i) alone: the shards are bitwise the rows of the
 * single-machine run, for any partitioning and executor count. (For the mixtures, whose
 * denoiser is row-wise, this is also bitwise {@code d4j sample} over all n rows at once; a neural
 * network's batched arithmetic may depend on the batch size, so a trained run is bitwise the
 * single-machine run of the same shards.)
 *
 * <p>Stochastic samplers are refused: their in-run noise is drawn per row of the batch
 * ({@code BaseSampler.gaussian}), not per row of the run, so a shard would repeat the noise of
 * shard 0; making them shardable needs a row offset in the core's samplers.
 *
 * <p>The output directory is committed whole ({@link CommittedOutput}): {@code shard-00000.npy ...}
 * (float64, shape (rows, d), in data units) and {@code manifest.json}.
 */
public final class ShardedSampling {
  private ShardedSampling() {}

  /**
   * A job: {@code model} as {@code d4j sample --model} (gmm:NAME, gmm:FILE.json or a run directory),
   * Gaussian path {@code path} with options (used by mixtures; a trained run brings its own), the
   * prediction kind a mixture exposes (null: eps), a deterministic {@code solver} with {@code nfe}
   * evaluations (or {@code steps} grid steps when nfe is 0), n rows from {@code seed}, R =
   * {@code shardRows} rows per shard.
   */
  public record Spec(String model, String path, Map<String, String> pathOptions, String prediction, String solver,
      int nfe, int steps, long n, long seed, int shardRows) implements Serializable {
    public Spec {
      pathOptions = new TreeMap<>(pathOptions);
      if (n < 1) {
        throw new IllegalArgumentException("--n must be at least 1, got " + n);
      }
      if (shardRows < 1) {
        throw new IllegalArgumentException("--shard-rows must be at least 1, got " + shardRows);
      }
      if (nfe < 0 || steps < 0 || (nfe == 0 && steps == 0)) {
        throw new IllegalArgumentException("give --nfe N or --steps N (>= 1), got nfe " + nfe + ", steps " + steps);
      }
      Sampler s = Samplers.create(solver);
      if (s.stochastic()) {
        throw new IllegalArgumentException("solver " + solver + " is stochastic; sharded sampling needs a deterministic "
            + "(ODE) solver, e.g. dpm-solver++-2m, heun, ddim, unipc");
      }
    }

    /** The number of shards, ceil(n / R). */
    public long shards() {
      return (n + shardRows - 1) / shardRows;
    }
  }

  /** Resolved models per executor JVM and task thread (a neural model is not shared between threads). */
  private static final Map<String, ModelSpecs.ResolvedModel> MODELS = new ConcurrentHashMap<>();

  private static ModelSpecs.ResolvedModel model(Spec spec, ModelShipment shipment) throws IOException {
    return model(shipment, spec.path(), spec.pathOptions(), spec.prediction());
  }

  /** The shipped model on a path (cached per executor JVM and task thread). */
  static ModelSpecs.ResolvedModel model(ModelShipment shipment, String pathName, Map<String, String> pathOptions,
      String prediction) throws IOException {
    String key = shipment.hash() + "|" + pathName + pathOptions + "|" + prediction + "|"
        + Thread.currentThread().getId();
    ModelSpecs.ResolvedModel m = MODELS.get(key);
    if (m == null) {
      GaussianPath path = Paths.create(pathName, pathOptions);
      Prediction kind = prediction == null ? null : Prediction.parse(prediction);
      m = ModelSpecs.resolve(new ModelSpecs.Request(shipment.localSpec(), path, kind));
      MODELS.put(key, m);
    }
    return m;
  }

  /** Rows of shard {@code k}: a (rows, d) batch in data units. */
  static Batch sampleShard(Spec spec, ModelShipment shipment, long k) throws IOException {
    ModelSpecs.ResolvedModel m = model(spec, shipment);
    GaussianPath path = m.path();
    long first = k * spec.shardRows();
    int rows = (int) Math.min(spec.shardRows(), spec.n() - first);
    int d = m.denoiser().dim();
    double tStart = Sampling.defaultStart(path);
    double tEnd = Sampling.defaultEnd(path);
    Batch x = new Batch(rows, d);
    Rng root = Rng.of(spec.seed());
    for (int r = 0; r < rows; r++) {
      root.stream(first + r).fillGaussian(x.data(), r * d, d); // as Noise.standardNormal does for row first + r
    }
    x = x.scale(path.priorStd(tStart));
    Sampling.Builder run = Sampling.with(Samplers.create(spec.solver()), m.denoiser(), path).times(tStart, tEnd)
        .seed(Seeds.samplerNoise(spec.seed()));
    if (spec.nfe() > 0) {
      run.nfe(spec.nfe());
    } else {
      run.steps(spec.steps());
    }
    return m.toDataUnits().apply(run.run(x).x());
  }

  private static void writeShard(Spec spec, ModelShipment shipment, String staging, long k) {
    try {
      CommittedOutput.writeShard(staging, CommittedOutput.shardName("shard", k), sampleShard(spec, shipment, k));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The single-machine run: every shard on this JVM (all cores), then the commit. */
  public static void runLocal(Spec spec, Path out) throws IOException {
    ModelShipment shipment = ModelShipment.of(spec.model());
    model(spec, shipment); // bad model or path: fail before creating anything
    CommittedOutput o = CommittedOutput.begin(out);
    try {
      for (long k = 0; k < spec.shards(); k++) {
        writeShard(spec, shipment, o.staging(), k);
      }
      o.commit(CommittedOutput.shardNames("shard", spec.shards()), manifest(spec));
    } catch (Exception e) { // also the SparkException that Spark throws undeclared
      o.abort();
      throw e;
    }
  }

  /**
   * The run on Spark: shards spread over {@code run.partitions()} contiguous ranges; the model
   * travels as a broadcast of its files. The output appears only when every shard is written.
   */
  public static void runSpark(JavaSparkContext sc, Spec spec, Path out, SparkRun run) throws IOException {
    ModelShipment shipment = ModelShipment.of(spec.model());
    model(spec, shipment);
    CommittedOutput.onSpark(sc, out, shipment, "sample", (staging, shared) -> {
      int inject = run.failFirstAttemptOf();
      sc.parallelize(Ranges.split(spec.shards(), run.partitions()), run.partitions()).foreach(r -> {
        for (long k = r[0]; k < r[1]; k++) {
          writeShard(spec, shared.value(), staging, k);
          if (k == r[0]) {
            SparkRun.maybeFail(inject); // after a shard is written: the retry must not duplicate it
          }
        }
      });
      return new CommittedOutput.Committed<>(null, CommittedOutput.shardNames("shard", spec.shards()), manifest(spec));
    });
  }

  private static String manifest(Spec spec) {
    return "{\n  \"job\": \"sample\",\n  \"model\": \"" + spec.model().replace("\\", "\\\\").replace("\"", "\\\"")
        + "\",\n  \"solver\": \"" + spec.solver() + "\",\n  \"nfe\": " + spec.nfe() + ",\n  \"steps\": " + spec.steps()
        + ",\n  \"rows\": " + spec.n() + ",\n  \"seed\": " + spec.seed() + ",\n  \"shard_rows\": " + spec.shardRows()
        + ",\n  \"shards\": " + spec.shards() + "\n}\n";
  }
}
