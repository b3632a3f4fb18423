package org.diffusion4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.diffusion4j.array.Batch;
import org.diffusion4j.spark.stats.ExactMoments;
import scala.Tuple2;

/**
 * {@link ShardedLikelihood} for a data set in Parquet: one data point per record, schema
 * {@code row: bigint} (the point's global index, 0 .. n-1, each once) and {@code x: array<double>}
 * (its d coordinates). Records are grouped by chunk {@code row / chunkRows} (a shuffle of the data,
 * not to the driver) and each chunk is solved as the single-machine {@code Likelihood.evaluate}
 * over the whole data set solves it (same chunk boundaries, Hutchinson probes seeded by the global
 * row), so the per-row values are bitwise those of the single-machine run whatever the Parquet
 * file layout and partitioning. Output, committed whole: {@code logp.parquet} (row, logp, in chunk
 * order per file: sort by row to read; values bitwise fixed, file bytes up to Spark's writer) and {@code manifest.json} with the exactly
 * merged summary.
 */
public final class ParquetLikelihood {
  /** The schema a Parquet data set must have. */
  public static final StructType SCHEMA = new StructType(new StructField[] {
    DataTypes.createStructField("row", DataTypes.LongType, false),
    DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.DoubleType, false), false)});

  private ParquetLikelihood() {}

  /** Reads {@code inputs}, checking the schema by name and type (nullability aside). */
  static Dataset<Row> read(SparkSession spark, List<Path> inputs) {
    String[] paths = new String[inputs.size()];
    for (int k = 0; k < paths.length; k++) {
      if (!Files.exists(inputs.get(k))) {
        throw new IllegalArgumentException("missing Parquet input " + inputs.get(k));
      }
      paths[k] = inputs.get(k).toAbsolutePath().toString();
    }
    Dataset<Row> df = spark.read().parquet(paths);
    StructType s = df.schema();
    boolean ok = s.fields().length == 2 && s.fields()[0].name().equals("row")
        && s.fields()[0].dataType().equals(DataTypes.LongType) && s.fields()[1].name().equals("x")
        && s.fields()[1].dataType() instanceof ArrayType a && a.elementType().equals(DataTypes.DoubleType);
    if (!ok) {
      throw new IllegalArgumentException("Parquet schema mismatch in " + inputs + ": expected "
          + "struct<row:bigint,x:array<double>> (one data point per record), got " + s.simpleString());
    }
    return df;
  }

  /** Log-likelihoods of one chunk: rows first .. first + m - 1, which must all be present once. */
  private record Chunk(long first, double[] logp) implements java.io.Serializable {}

  /** The run on Spark; returns the summary and writes {@code out} whole. */
  public static ShardedLikelihood.Summary runSpark(JavaSparkContext sc, ShardedLikelihood.Spec spec,
      List<Path> inputs, Path out, SparkRun run) throws IOException {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    Dataset<Row> df = read(spark, inputs);
    ModelShipment shipment = ModelShipment.of(spec.model());
    int dim = spec.likelihood(shipment).flow().dim();
    int chunkRows = spec.chunkRows();
    return CommittedOutput.onSpark(sc, out, shipment, "likelihood", (staging, shared) -> {
      int inject = run.failFirstAttemptOf();
      JavaRDD<Chunk> chunks = df.javaRDD()
          .mapToPair(r -> new Tuple2<>(r.getLong(0) / chunkRows, new Tuple2<>(r.getLong(0), coordinates(r, dim))))
          .groupByKey(run.partitions())
          .map(g -> {
            SparkRun.maybeFail(inject);
            List<Tuple2<Long, double[]>> rows = new ArrayList<>();
            g._2().forEach(rows::add);
            rows.sort((a, b) -> Long.compare(a._1(), b._1()));
            long first = g._1() * chunkRows;
            Batch x = new Batch(rows.size(), dim);
            for (int i = 0; i < rows.size(); i++) {
              if (rows.get(i)._1() != first + i) {
                throw new IllegalArgumentException("Parquet rows are not 0 .. n-1 each once: chunk from row " + first
                    + " has row " + rows.get(i)._1() + " at position " + i);
              }
              System.arraycopy(rows.get(i)._2(), 0, x.data(), i * dim, dim);
            }
            return new Chunk(first, spec.likelihood(shared.value()).evaluate(x, first).logp());
          })
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        ExactMoments all = chunks.map(c -> ExactMoments.of(c.logp())).treeReduce(ExactMoments::mergedWith);
        StructType outSchema = new StructType(new StructField[] {
          DataTypes.createStructField("row", DataTypes.LongType, false),
          DataTypes.createStructField("logp", DataTypes.DoubleType, false)});
        JavaRDD<Row> rows = chunks.flatMap(c -> {
          List<Row> list = new ArrayList<>(c.logp().length);
          for (int i = 0; i < c.logp().length; i++) {
            list.add(RowFactory.create(c.first() + i, c.logp()[i]));
          }
          return list.iterator();
        });
        spark.createDataFrame(rows, outSchema).write().parquet(Path.of(staging, "logp.parquet").toString());
        ShardedLikelihood.Summary s = ShardedLikelihood.Summary.of(all, dim);
        return new CommittedOutput.Committed<>(s, List.of("logp.parquet"), s.toJson(List.of(inputs.toString())));
      } finally {
        chunks.unpersist(false);
      }
    });
  }

  private static double[] coordinates(Row r, int dim) {
    List<Double> x = r.getList(1);
    if (x.size() != dim) {
      throw new IllegalArgumentException("Parquet row " + r.getLong(0) + " has " + x.size() + " coordinates but the "
          + "model has dimension " + dim);
    }
    double[] a = new double[dim];
    for (int j = 0; j < dim; j++) {
      a[j] = x.get(j);
    }
    return a;
  }
}
