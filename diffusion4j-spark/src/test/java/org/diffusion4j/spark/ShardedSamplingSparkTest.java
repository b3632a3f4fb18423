package org.diffusion4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.array.Batch;
import org.diffusion4j.cli.D4j;
import org.diffusion4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharded sampling on Spark writes the single-machine run's bytes, commits whole, survives a lost task. */
class ShardedSamplingSparkTest {
  private static final ShardedSampling.Spec GMM = new ShardedSampling.Spec("gmm:ring8-2d", "vp-linear", Map.of(),
      null, "dpm-solver++-2m", 8, 0, 1000, 5, 128);

  @Test
  void shardsAreBitwiseTheSingleMachineRunForEveryPartitioningAndMaster(@TempDir Path dir) throws IOException {
    Path local = dir.resolve("local");
    ShardedSampling.runLocal(GMM, local);
    // The shards, concatenated, are d4j sample's output for the same seed (all rows in one batch).
    Path whole = dir.resolve("whole.npy");
    assertEquals(0, d4j("sample", "--model", "gmm:ring8-2d", "--solver", "dpm-solver++-2m", "--nfe", "8", "--n", "1000",
        "--seed", "5", "--out", whole.toString()));
    assertArrayEquals(Npy.readBatch(whole).data(), concat(local).data());
    for (String master : new String[] {"local[1]", "local[2]"}) {
      try (JavaSparkContext sc = SparkContexts.create(master, "sample-test")) {
        for (int parts : new int[] {1, 3, 8}) {
          Path out = dir.resolve(master.replaceAll("\\W", "") + "-" + parts);
          ShardedSampling.runSpark(sc, GMM, out, SparkRun.of(parts));
          assertSameFiles(local, out);
        }
      }
    }
  }

  @Test
  void aLostTaskIsRetriedWithoutDuplicateOrMissingRowsAndNoPartialOutput(@TempDir Path dir) throws IOException {
    Path local = dir.resolve("local");
    ShardedSampling.runLocal(GMM, local);
    try (JavaSparkContext sc = SparkContexts.create("local[2,3]", "sample-retry-test")) {
      Path out = dir.resolve("retried");
      ShardedSampling.runSpark(sc, GMM, out, new SparkRun(3, 1));
      assertSameFiles(local, out);
      assertEquals(GMM.n(), concat(out).n(), "no duplicate or missing rows");
    }
    // Without retries (local[2]: one attempt per task) the job fails: nothing is published, no staging is left.
    try (JavaSparkContext sc = SparkContexts.create("local[2]", "sample-fail-test")) {
      Path failed = dir.resolve("failed");
      assertThrows(Exception.class, () -> ShardedSampling.runSpark(sc, GMM, failed, new SparkRun(3, 1)));
      assertFalse(Files.exists(failed), "a failed job publishes nothing");
      try (Stream<Path> s = Files.list(dir)) {
        List<String> left = s.map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of("local", "retried"), left, "no staging directory left");
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ShardedSampling.runSpark(sc, GMM, local, SparkRun.of(2)));
      assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }
  }

  @Test
  void aTrainedRunTravelsAsItsDirectoryAndGivesTheSingleMachineBytes(@TempDir Path dir) throws IOException {
    Path run = dir.resolve("run");
    assertEquals(0, d4j("train", "--data", "moons", "--out", run.toString(), "--steps", "10", "--width", "16",
        "--depth", "1", "--batch", "64", "--n-train", "500"));
    ShardedSampling.Spec spec = new ShardedSampling.Spec(run.toString(), "vp-linear", Map.of(), null, "ddim", 4, 0,
        300, 11, 64);
    Path local = dir.resolve("local");
    ShardedSampling.runLocal(spec, local);
    try (JavaSparkContext sc = SparkContexts.create("local[2]", "sample-run-test")) {
      for (int parts : new int[] {2, 5}) {
        Path out = dir.resolve("spark-" + parts);
        ShardedSampling.runSpark(sc, spec, out, SparkRun.of(parts));
        assertSameFiles(local, out);
      }
    }
    assertEquals(300, concat(local).n());
  }

  @Test
  void badInputGivesClearErrors() {
    IllegalArgumentException stochastic = assertThrows(IllegalArgumentException.class,
        () -> new ShardedSampling.Spec("gmm:ring8-2d", "vp-linear", Map.of(), null, "euler-maruyama", 8, 0, 10, 1, 4));
    assertTrue(stochastic.getMessage().contains("stochastic"), stochastic.getMessage());
    IllegalArgumentException master = assertThrows(IllegalArgumentException.class,
        () -> SparkContexts.create("lokal[2]", "x"));
    assertTrue(master.getMessage().contains("lokal[2]") && master.getMessage().contains("local[N]"),
        master.getMessage());
  }

  static int d4j(String... args) {
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(0, code, err.toString());
    return code;
  }

  static Batch concat(Path dir) throws IOException {
    List<Path> shards;
    try (Stream<Path> s = Files.list(dir)) {
      shards = s.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
    }
    int d = Npy.readBatch(shards.get(0)).d();
    int n = 0;
    for (Path p : shards) {
      n += Npy.readBatch(p).n();
    }
    Batch out = new Batch(n, d);
    int at = 0;
    for (Path p : shards) {
      Batch b = Npy.readBatch(p);
      System.arraycopy(b.data(), 0, out.data(), at, b.data().length);
      at += b.data().length;
    }
    return out;
  }

  static void assertSameFiles(Path expected, Path actual) throws IOException {
    List<String> a;
    List<String> b;
    try (Stream<Path> s = Files.list(expected); Stream<Path> t = Files.list(actual)) {
      a = s.map(p -> p.getFileName().toString()).sorted().toList();
      b = t.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(a, b, "same files");
    for (String name : a) {
      assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)), name);
    }
  }
}
