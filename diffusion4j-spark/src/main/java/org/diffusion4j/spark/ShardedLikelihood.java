package org.diffusion4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.array.Batch;
import org.diffusion4j.cli.ModelSpecs;
import org.diffusion4j.io.Npy;
import org.diffusion4j.likelihood.DivergenceEstimator;
import org.diffusion4j.likelihood.DormandPrince;
import org.diffusion4j.likelihood.ExactDivergence;
import org.diffusion4j.likelihood.HutchinsonDivergence;
import org.diffusion4j.likelihood.Likelihood;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.Paths;
import org.diffusion4j.spark.stats.ExactMoments;

/**
 * Log-likelihood (probability-flow ODE, {@link Likelihood}, as {@code d4j likelihood}) of a data
 * set given as NPY shards, partitioned by shard. Row i of the data set (rows numbered across the
 * shards in file-name order) is evaluated with global index i, which seeds the Hutchinson probes
 * ({@link Likelihood#evaluate(Batch, long)}), and each shard is solved in chunks of
 * {@code chunkRows} rows from its first row; so the per-row values are bitwise those of the
 * single-machine run over the same shards for any partitioning, and bitwise those of one
 * {@code Likelihood.evaluate} over the whole data set when every shard but the last holds a
 * multiple of chunkRows rows (the adaptive ODE solver controls its error per chunk).
 *
 * <p>Output, committed whole: {@code logp-00000.npy ...} (float64, shape (rows, 1), nats, one per
 * input shard) and {@code manifest.json} with the mean log-likelihood, its standard error and
 * bits/dim = -mean / (d ln 2) of the continuous density, from exactly merged moments. Models:
 * Gaussian mixtures ({@code gmm:}); trained runs need their autograd divergence and data
 * standardisation and are not offered here yet.
 */
public final class ShardedLikelihood {
  private ShardedLikelihood() {}

  /**
   * A job: mixture {@code model} on {@code path}, exact divergence ({@code probes == 0}) or
   * Hutchinson with Rademacher probes seeded by {@code seed}, dopri5 at {@code rtol}, chunks of
   * {@code chunkRows} rows.
   */
  public record Spec(String model, String path, Map<String, String> pathOptions, String prediction, int probes,
      long seed, double rtol, int chunkRows) implements Serializable {
    public Spec {
      pathOptions = new TreeMap<>(pathOptions);
      if (!model.startsWith("gmm:")) {
        throw new IllegalArgumentException("spark likelihood takes a mixture model (gmm:NAME or gmm:FILE.json), got '"
            + model + "'; for a trained run use d4j likelihood");
      }
      if (probes < 0) {
        throw new IllegalArgumentException("--hutchinson probes must be >= 1 (0: exact divergence), got " + probes);
      }
      if (!(rtol > 0 && rtol < 1)) {
        throw new IllegalArgumentException("--rtol must be in (0, 1), got " + rtol);
      }
      if (chunkRows < 1) {
        throw new IllegalArgumentException("--chunk must be >= 1, got " + chunkRows);
      }
    }

    Likelihood likelihood(ModelShipment shipment) throws IOException {
      var path = Paths.create(this.path, pathOptions);
      Prediction kind = prediction == null ? null : Prediction.parse(prediction);
      ModelSpecs.ResolvedModel m = ModelSpecs.resolve(new ModelSpecs.Request(shipment.localSpec(), path, kind));
      DivergenceEstimator div = probes == 0 ? new ExactDivergence()
          : new HutchinsonDivergence(probes, HutchinsonDivergence.Probe.RADEMACHER, seed);
      return Likelihood.builder(m.denoiser(), m.path()).divergence(div).solver(new DormandPrince(rtol, rtol))
          .chunkRows(chunkRows).build();
    }
  }

  /** The input shards: the *.npy files of a directory in name order, or the given files. */
  public static List<Path> shards(List<Path> inputs) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p)) {
        List<Path> in = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "*.npy")) {
          ds.forEach(in::add);
        }
        if (in.isEmpty()) {
          throw new IllegalArgumentException("input directory " + p + " has no .npy shards");
        }
        in.sort(null);
        out.addAll(in);
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** The global index of each shard's first row, and the total as the last entry; a missing shard is named. */
  static long[] offsets(List<String> shards) throws IOException {
    long[] first = new long[shards.size() + 1];
    for (int k = 0; k < shards.size(); k++) {
      try {
        first[k + 1] = first[k] + NpyShape.rows(Path.of(shards.get(k)));
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("missing input shard " + shards.get(k) + " (shard " + k + " of "
            + shards.size() + ")");
      }
    }
    return first;
  }

  /** Shard k's log-likelihoods, written to the staging directory, and their moments. */
  private static ExactMoments evaluateShard(Spec spec, ModelShipment shipment, List<String> shards, long[] first,
      int k, String staging) {
    try {
      Path file = Path.of(shards.get(k));
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("missing input shard " + file + " (shard " + k + ")");
      }
      Batch x = Npy.readBatch(file);
      if (x.n() != first[k + 1] - first[k]) {
        throw new IllegalArgumentException("shard " + file + " changed during the job: " + x.n() + " rows, expected "
            + (first[k + 1] - first[k]));
      }
      double[] logp = spec.likelihood(shipment).evaluate(x, first[k]).logp();
      CommittedOutput.writeShard(staging, CommittedOutput.shardName("logp", k), new Batch(logp.length, 1, logp));
      return ExactMoments.of(logp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a run reports: moments of log p over all rows and the data dimension. */
  public record Summary(long rows, int dim, double meanLogp, double standardError, double bitsPerDim) {
    static Summary of(ExactMoments m, int dim) {
      double se = m.count() < 2 ? 0 : Math.sqrt(m.variance() / m.count());
      return new Summary(m.count(), dim, m.mean(), se, -m.mean() / (dim * Math.log(2)));
    }

    String toJson(List<String> shards) {
      return "{\n  \"job\": \"likelihood\",\n  \"rows\": " + rows + ",\n  \"dim\": " + dim + ",\n  \"shards\": "
          + shards.size() + ",\n  \"mean_logp_nats\": " + meanLogp + ",\n  \"standard_error\": " + standardError
          + ",\n  \"bits_per_dim\": " + bitsPerDim + "\n}\n";
    }
  }

  /** The single-machine run over every shard, then the commit. */
  public static Summary runLocal(Spec spec, List<Path> inputs, Path out) throws IOException {
    List<String> shards = names(inputs);
    long[] first = offsets(shards);
    ModelShipment shipment = ModelShipment.of(spec.model());
    int dim = spec.likelihood(shipment).flow().dim();
    CommittedOutput o = CommittedOutput.begin(out);
    try {
      ExactMoments all = new ExactMoments();
      for (int k = 0; k < shards.size(); k++) {
        all.merge(evaluateShard(spec, shipment, shards, first, k, o.staging()));
      }
      Summary s = Summary.of(all, dim);
      o.commit(CommittedOutput.shardNames("logp", shards.size()), s.toJson(shards));
      return s;
    } catch (Exception e) {
      o.abort();
      throw e;
    }
  }

  /** The run on Spark, shards spread over {@code run.partitions()} contiguous ranges. */
  public static Summary runSpark(JavaSparkContext sc, Spec spec, List<Path> inputs, Path out, SparkRun run)
      throws IOException {
    List<String> shards = names(inputs);
    long[] first = offsets(shards);
    ModelShipment shipment = ModelShipment.of(spec.model());
    int dim = spec.likelihood(shipment).flow().dim();
    return CommittedOutput.onSpark(sc, out, shipment, "likelihood", (staging, shared) -> {
      int inject = run.failFirstAttemptOf();
      ExactMoments all = sc.parallelize(Ranges.split(shards.size(), run.partitions()), run.partitions()).map(r -> {
        ExactMoments m = new ExactMoments();
        for (long k = r[0]; k < r[1]; k++) {
          m.merge(evaluateShard(spec, shared.value(), shards, first, (int) k, staging));
          SparkRun.maybeFail(inject);
        }
        return m;
      }).treeReduce(ExactMoments::mergedWith);
      Summary s = Summary.of(all, dim);
      return new CommittedOutput.Committed<>(s, CommittedOutput.shardNames("logp", shards.size()), s.toJson(shards));
    });
  }

  private static List<String> names(List<Path> inputs) throws IOException {
    List<String> s = new ArrayList<>();
    for (Path p : shards(inputs)) {
      s.add(p.toAbsolutePath().toString());
    }
    return s;
  }
}
