package org.diffusion4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Likelihood of a Parquet data set: single-machine values whatever the file layout; schema errors are clear. */
class ParquetLikelihoodSparkTest {
  private static final ShardedLikelihood.Spec SPEC = new ShardedLikelihood.Spec("gmm:ring8-2d", "vp-linear", Map.of(),
      null, 2, 9, 1e-4, 32);

  @Test
  void valuesEqualTheWholeDataEvaluationAndBadSchemasAreNamed(@TempDir Path dir) throws Exception {
    Batch all = Noise.standardNormal(4, 150, 2).scale(1.5);
    double[] expected = SPEC.likelihood(ModelShipment.of(SPEC.model())).evaluate(all, 0).logp();
    try (JavaSparkContext sc = SparkContexts.create("local[2,3]", "parquet-test")) {
      SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
      List<Row> rows = new ArrayList<>();
      for (int i = all.n() - 1; i >= 0; i--) { // stored out of order, in 3 files
        rows.add(RowFactory.create((long) i, List.of(all.data()[2 * i], all.data()[2 * i + 1])));
      }
      Path data = dir.resolve("data.parquet");
      spark.createDataFrame(rows, ParquetLikelihood.SCHEMA).repartition(3).write().parquet(data.toString());
      for (SparkRun run : new SparkRun[] {SparkRun.of(4), new SparkRun(3, 1)}) {
        Path out = dir.resolve("out-" + run.partitions() + "-" + run.failFirstAttemptOf());
        ShardedLikelihood.Summary s = ParquetLikelihood.runSpark(sc, SPEC, List.of(data), out, run);
        assertEquals(150, s.rows());
        Dataset<Row> got = spark.read().parquet(out.resolve("logp.parquet").toString()).sort("row");
        double[] logp = got.collectAsList().stream().mapToDouble(r -> r.getDouble(1)).toArray();
        assertArrayEquals(expected, logp, "bitwise the single-machine values, " + run);
        assertTrue(Files.exists(out.resolve("manifest.json")));
      }
      // A schema mismatch: coordinates as a string column.
      StructType wrong = new StructType(new StructField[] {
        DataTypes.createStructField("row", DataTypes.LongType, false),
        DataTypes.createStructField("x", DataTypes.StringType, false)});
      Path bad = dir.resolve("bad.parquet");
      spark.createDataFrame(List.of(RowFactory.create(0L, "1,2")), wrong).write().parquet(bad.toString());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ParquetLikelihood.runSpark(sc, SPEC, List.of(bad), dir.resolve("o1"), SparkRun.of(2)));
      assertTrue(e.getMessage().contains("schema mismatch") && e.getMessage().contains("x:string"), e.getMessage());
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
          () -> ParquetLikelihood.runSpark(sc, SPEC, List.of(dir.resolve("nope.parquet")), dir.resolve("o2"),
              SparkRun.of(2)));
      assertTrue(missing.getMessage().contains("nope.parquet"), missing.getMessage());
      assertFalse(Files.exists(dir.resolve("o1")) || Files.exists(dir.resolve("o2")));
    }
  }
}
