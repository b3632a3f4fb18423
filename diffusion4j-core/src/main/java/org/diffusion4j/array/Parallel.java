package org.diffusion4j.array;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Row-parallel loops, by default on a pool of {@code availableProcessors()} threads (the JDK's
 * common pool has one fewer: a single thread on a 2-core machine). Work is split into contiguous
 * row ranges; callers must make the result of each row independent of which thread runs it (for
 * random numbers: one {@link org.diffusion4j.random.Rng#stream(long)} per row), so output is the
 * same at any parallelism. Called from inside a {@link ForkJoinPool}, the loop runs in that pool;
 * {@link #withThreads(int, Callable)} runs a computation on a pool of a chosen size.
 */
public final class Parallel {
  /** Rows below this are run on the calling thread: forking costs more than it saves. */
  private static final int MIN_ROWS = 64;

  private Parallel() {}

  /** The default pool: one worker per available processor, created on first use (daemon threads). */
  private static final class DefaultPool {
    static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
  }

  /** Threads a parallel loop started outside any pool uses: {@code availableProcessors()}. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Runs {@code body} with every parallel loop inside it on a pool of {@code threads} workers
   * (1: on one worker thread), and returns its result. Results do not depend on the thread count.
   * An exception thrown by {@code body} is rethrown as is.
   */
  public static <T> T withThreads(int threads, Callable<T> body) throws Exception {
    if (threads < 1 || threads > 4096) {
      throw new IllegalArgumentException("threads must be in [1, 4096], got " + threads);
    }
    ForkJoinPool pool = new ForkJoinPool(threads);
    // Catch inside the task: the pool would rethrow a copy of the exception, wrapped.
    Object[] result = new Object[1];
    Exception[] failure = new Exception[1];
    try {
      pool.submit(() -> {
        try {
          result[0] = body.call();
        } catch (Exception e) {
          failure[0] = e;
        }
      }).get();
      if (failure[0] != null) {
        throw failure[0];
      }
      @SuppressWarnings("unchecked")
      T value = (T) result[0];
      return value;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error) {
        throw (Error) e.getCause();
      }
      throw e;
    } finally {
      pool.shutdown();
    }
  }

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
    // Inside a caller's pool (withThreads, or a test pinning 16 threads) we fork there; else the default pool.
    ForkJoinPool current = ForkJoinTask.getPool();
    ForkJoinPool pool = current != null ? current : DefaultPool.POOL;
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
