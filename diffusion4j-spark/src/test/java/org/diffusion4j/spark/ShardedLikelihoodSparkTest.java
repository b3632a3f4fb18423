package org.diffusion4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Likelihood over NPY shards on Spark: the single-machine bytes, for any partitioning; clear errors. */
class ShardedLikelihoodSparkTest {
  private static final ShardedLikelihood.Spec SPEC = new ShardedLikelihood.Spec("gmm:ring8-2d", "vp-linear", Map.of(),
      null, 2, 9, 1e-4, 32);

  /** 168 rows in shards of 64, 64 and 40 rows (multiples of the 32-row chunk but the last). */
  private static Batch writeShards(Path dir) throws IOException {
    Batch all = Noise.standardNormal(3, 168, 2).scale(1.5);
    Files.createDirectories(dir);
    int[] sizes = {64, 64, 40};
    int at = 0;
    for (int k = 0; k < sizes.length; k++) {
      double[] rows = java.util.Arrays.copyOfRange(all.data(), at * 2, (at + sizes[k]) * 2);
      Npy.write(dir.resolve("part-" + k + ".npy"), new Batch(sizes[k], 2, rows));
      at += sizes[k];
    }
    return all;
  }

  @Test
  void perRowLogLikelihoodsAreTheSingleMachineBytesForEveryPartitioning(@TempDir Path dir) throws IOException {
    Batch all = writeShards(dir.resolve("data"));
    List<Path> in = List.of(dir.resolve("data"));
    ShardedLikelihood.Summary local = ShardedLikelihood.runLocal(SPEC, in, dir.resolve("local"));
    // Per-row values are those of one evaluation over the whole data set (rows seeded by global index).
    double[] whole = SPEC.likelihood(ModelShipment.of(SPEC.model())).evaluate(all, 0).logp();
    assertArrayEquals(whole, ShardedSamplingSparkTest.concat(dir.resolve("local")).data());
    assertEquals(168, local.rows());
    try (JavaSparkContext sc = SparkContexts.create("local[2,3]", "likelihood-test")) {
      for (int parts : new int[] {1, 2, 3}) {
        Path out = dir.resolve("spark-" + parts);
        ShardedLikelihood.Summary s = ShardedLikelihood.runSpark(sc, SPEC, in, out, SparkRun.of(parts));
        ShardedSamplingSparkTest.assertSameFiles(dir.resolve("local"), out);
        assertEquals(local, s);
      }
      Path retried = dir.resolve("retried");
      assertEquals(local, ShardedLikelihood.runSpark(sc, SPEC, in, retried, new SparkRun(3, 1)));
      ShardedSamplingSparkTest.assertSameFiles(dir.resolve("local"), retried);
      // A missing shard is named before anything runs; nothing is published.
      Path missing = dir.resolve("data/part-9.npy");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardedLikelihood.runSpark(sc,
          SPEC, List.of(dir.resolve("data/part-0.npy"), missing), dir.resolve("bad"), SparkRun.of(2)));
      assertTrue(e.getMessage().contains("missing input shard") && e.getMessage().contains("part-9.npy"),
          e.getMessage());
      assertFalse(Files.exists(dir.resolve("bad")));
    }
  }

  @Test
  void aTrainedRunOrBadOptionsAreRefusedWithAClearMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ShardedLikelihood.Spec("runs/mnist", "vp-linear", Map.of(), null, 0, 0, 1e-5, 128));
    assertTrue(e.getMessage().contains("mixture"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ShardedLikelihood.Spec("gmm:ring8-2d", "vp-linear", Map.of(), null, -1, 0, 1e-5, 128));
  }
}
