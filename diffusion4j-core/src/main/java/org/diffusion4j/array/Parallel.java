package org.diffusion4j.array;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Row-parallel loops on the common fork-join pool. Work is split into contiguous row ranges;
 * callers must make the result of each row independent of which thread runs it (for random
 * numbers: one {@link org.diffusion4j.random.Rng#stream(long)} per row), so output is the same
 * at any parallelism. Called from inside a {@link ForkJoinPool}, the loop runs in that pool, so
 * a caller controls the thread count with {@code new ForkJoinPool(k).submit(...)}.
 */
public final class Parallel {
  /** Rows below this are run on the calling thread: forking costs more than it saves. */
  private static final int MIN_ROWS = 64;

  private Parallel() {}

  /** A body over the half-open row range [from, to). */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  /** Runs {@code body} over [0, n) split into ranges, on all cores. */
  public static void forRows(int n, RangeBody body) {
    forRows(n, MIN_ROWS, body);
  }

  /** As {@link #forRows(int, RangeBody)} with a minimum range size of {@code grain} rows. */
  public static void forRows(int n, int grain, RangeBody body) {
    // Inside a caller's pool (e.g. a test pinning 16 threads) we fork there; else the common pool.
    ForkJoinPool current = ForkJoinTask.getPool();
    ForkJoinPool pool = current != null ? current : ForkJoinPool.commonPool();
    int threads = pool.getParallelism();
    if (n <= Math.max(1, grain) || threads <= 1) {
      body.run(0, n);
      return;
    }
    int chunk = Math.max(grain, (n + 4 * threads - 1) / (4 * threads));
    Split root = new Split(0, n, chunk, body);
    if (current != null) {
      root.invoke();
    } else {
      pool.invoke(root);
    }
  }

  private static final class Split extends RecursiveAction {
    private final int from;
    private final int to;
    private final int chunk;
    private final transient RangeBody body;

    Split(int from, int to, int chunk, RangeBody body) {
      this.from = from;
      this.to = to;
      this.chunk = chunk;
      this.body = body;
    }

    @Override
    protected void compute() {
      if (to - from <= chunk) {
        body.run(from, to);
        return;
      }
      int mid = (from + to) >>> 1;
      invokeAll(new Split(from, mid, chunk, body), new Split(mid, to, chunk, body));
    }
  }
}
