package org.diffusion4j.spark.bench;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.spark.SdeMonteCarlo;
import org.diffusion4j.spark.SdeStatistics;
import org.diffusion4j.spark.ShardedSampling;
import org.diffusion4j.spark.SparkContexts;
import org.diffusion4j.spark.SparkRun;

/**
 * local[2] against the single-machine engine on the same 2 cores (docs/spark.md): SDE Monte Carlo
 * of 1e8 path-steps (OU, 1e5 paths x 1000 Euler steps) and sampling (gmm64-12, dpm-solver++-2m,
 * 10 evaluations), plus the per-task overhead (many empty-ish tasks) and the result size.
 * Run: java -cp ... org.diffusion4j.spark.bench.SparkOverheadBench [reps] [sampleRows]
 */
public final class SparkOverheadBench {
  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
    SdeMonteCarlo.Spec sde = new SdeMonteCarlo.Spec("ou", Map.of(), new double[0], 0, 1, 1e-3, null, 0, 0,
        new double[0], 100_000, 1, 16_384, 0.005, -3, 3, 100);
    ShardedSampling.Spec sample = new ShardedSampling.Spec("gmm:gmm64-12", "vp-linear", Map.of(), null,
        "dpm-solver++-2m", 10, 0, rows, 1, 16_384);
    Path tmp = Files.createTempDirectory("d4j-spark-bench");
    ForkJoinPool two = new ForkJoinPool(2);
    long t = System.nanoTime();
    JavaSparkContext sc = SparkContexts.create("local[2]", "bench");
    sc.setLogLevel("ERROR");
    double startup = (System.nanoTime() - t) / 1e9;
    System.out.printf(Locale.ROOT, "spark context startup %.2f s; load average %s%n", startup, load());
    // Warm-up: JIT both paths.
    SdeMonteCarlo.runLocal(sde.withBlockPaths(4096));
    SdeMonteCarlo.runSpark(sc, sde, SparkRun.of(2));
    int[] counter = {0};
    for (int r = 0; r < reps; r++) {
      double local = time(() -> two.submit(() -> SdeMonteCarlo.runLocal(sde)).get());
      double common = time(() -> SdeMonteCarlo.runLocal(sde));
      double p2 = time(() -> SdeMonteCarlo.runSpark(sc, sde, SparkRun.of(2)));
      double p8 = time(() -> SdeMonteCarlo.runSpark(sc, sde, SparkRun.of(8)));
      System.out.printf(Locale.ROOT, "sde 1e8 path-steps: single machine (2-thread pool) %.2f s, (common pool) %.2f s,"
          + " local[2] 2 partitions %.2f s (x%.2f), 8 partitions %.2f s (x%.2f); load %s%n", local, common, p2,
          p2 / local, p8, p8 / local, load());
    }
    for (int r = 0; r < reps; r++) {
      double local = time(() -> {
        two.submit(() -> {
          ShardedSampling.runLocal(sample, tmp.resolve("l" + counter[0]++));
          return null;
        }).get();
        return null;
      });
      double p2 = time(() -> {
        ShardedSampling.runSpark(sc, sample, tmp.resolve("s" + counter[0]++), SparkRun.of(2));
        return null;
      });
      double p8 = time(() -> {
        ShardedSampling.runSpark(sc, sample, tmp.resolve("s" + counter[0]++), SparkRun.of(8));
        return null;
      });
      System.out.printf(Locale.ROOT, "sample %d rows: single machine %.2f s, local[2] 2 partitions %.2f s (x%.2f),"
          + " 8 partitions %.2f s (x%.2f); load %s%n", rows, local, p2, p2 / local, p8, p8 / local, load());
    }
    // Per-task overhead: 400 partitions of 25 paths x 10 steps (the work itself is ~0.1 ms per task).
    SdeMonteCarlo.Spec tiny = new SdeMonteCarlo.Spec("ou", Map.of(), new double[0], 0, 1, 0.1, null, 0, 0,
        new double[0], 10_000, 1, 16_384, 0.005, -3, 3, 100);
    SdeMonteCarlo.runSpark(sc, tiny, SparkRun.of(400));
    for (int r = 0; r < reps; r++) {
      double few = time(() -> SdeMonteCarlo.runSpark(sc, tiny, SparkRun.of(2)));
      double many = time(() -> SdeMonteCarlo.runSpark(sc, tiny, SparkRun.of(400)));
      System.out.printf(Locale.ROOT, "task overhead: (%.3f s for 400 tasks - %.3f s for 2) / 398 = %.2f ms per task%n",
          many, few, (many - few) / 398 * 1e3);
    }
    SdeStatistics s = SdeMonteCarlo.runLocal(tiny);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
      o.writeObject(s);
    }
    System.out.printf(Locale.ROOT, "result size: %d bytes per partition (1 save x 1 component, 100-bin histogram)%n",
        bytes.size());
    sc.stop();
    two.shutdown();
  }

  private static double time(Callable<?> body) throws Exception {
    long t = System.nanoTime();
    body.call();
    return (System.nanoTime() - t) / 1e9;
  }

  private static String load() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }
}
