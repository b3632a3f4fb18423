package org.diffusion4j.spark;

import java.io.Serializable;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How a job is spread on Spark: the number of partitions, and a fault-injection hook for tests
 * ({@code failFirstAttemptOf >= 0}: the first attempt of that partition throws, as a lost
 * executor would, so that Spark retries it; needs a master that retries, e.g. {@code local[2,3]}).
 */
public record SparkRun(int partitions, int failFirstAttemptOf) implements Serializable {
  public SparkRun {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
  }

  /** {@code partitions} partitions, no injected failure. */
  public static SparkRun of(int partitions) {
    return new SparkRun(partitions, -1);
  }

  /** Message of the injected failure. */
  static final String INJECTED = "injected failure of the first attempt of partition ";

  /** Inside a task: throws on the first attempt of partition {@code partition} (a test hook; -1: never). */
  static void maybeFail(int partition) {
    TaskContext tc = TaskContext.get();
    if (partition >= 0 && tc != null && tc.partitionId() == partition && tc.attemptNumber() == 0) {
      throw new IllegalStateException(INJECTED + partition);
    }
  }

  /**
   * Runs {@code body} on a one-thread fork-join pool: a Spark executor runs one task per core, so
   * the core's row-parallel loops ({@link org.diffusion4j.array.Parallel}) must not fan out again.
   */
  static <T> T singleThreaded(Supplier<T> body) {
    ForkJoinPool pool = new ForkJoinPool(1);
    try {
      return pool.submit(body::get).join();
    } finally {
      pool.shutdown();
    }
  }

  /**
   * After a failed job: waits (up to {@code timeoutMs}) until no executor runs a task, so that no
   * straggler of the failed job writes into a staging directory that is about to be deleted.
   * Spark kills the failed job's remaining tasks (interrupting them: jobs run with
   * interruptOnCancel) but does not wait for them.
   */
  static void awaitNoRunningTasks(JavaSparkContext sc, long timeoutMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < end) {
      int running = 0;
      for (SparkExecutorInfo e : sc.sc().statusTracker().getExecutorInfos()) {
        running += e.numRunningTasks();
      }
      if (running == 0) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
