package org.diffusion4j.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelThreadsTest {
  /** Outside any pool the loop runs on the default pool of availableProcessors workers, not the common pool. */
  @Test
  void defaultPoolHasOneWorkerPerProcessor() {
    AtomicInteger parallelism = new AtomicInteger(-1);
    Parallel.forRows(10_000, 1, (from, to) -> {
      if (ForkJoinTask.getPool() != null) {
        parallelism.set(ForkJoinTask.getPool().getParallelism());
      }
    });
    if (Runtime.getRuntime().availableProcessors() > 1) {
      assertEquals(Runtime.getRuntime().availableProcessors(), parallelism.get());
    }
    assertEquals(Runtime.getRuntime().availableProcessors(), Parallel.defaultThreads());
  }

  @Test
  void withThreadsRunsTheLoopsOnAPoolOfThatSize() throws Exception {
    int seen = Parallel.withThreads(3, () -> {
      AtomicInteger p = new AtomicInteger();
      Parallel.forRows(1000, 1, (from, to) -> p.set(ForkJoinTask.getPool().getParallelism()));
      return p.get();
    });
    assertEquals(3, seen);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.withThreads(0, () -> 1));
    assertTrue(e.getMessage().contains("threads") && e.getMessage().contains("0"), e.getMessage());
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> Parallel.withThreads(2, () -> {
          throw new IllegalStateException("boom");
        }));
    assertEquals("boom", thrown.getMessage());
  }
}
