package org.diffusion4j.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared run bookkeeping: loss history, recent loss, the divergence guard and the loop cadence. */
class RunLogTest {
  @Test
  void recordsLossesAndAveragesTheRecentFiniteOnes() {
    RunLog log = RunLog.of(null);
    for (int k = 0; k < 100; k++) {
      if (k % 10 == 9) {
        log.skip(k, "diverged", "remedy");
        log.record(k, Double.NaN);
      } else {
        log.applied();
        log.record(k, k);
      }
    }
    assertEquals(100, log.stepsDone());
    assertEquals(10, log.skippedSteps());
    assertEquals(100, log.losses().length);
    assertTrue(Float.isNaN(log.losses()[99]));
    // The last 3 finite losses are 98, 97, 96 (99 was skipped).
    assertEquals(97, log.recentLoss(3), 0);
    assertTrue(Double.isNaN(RunLog.of(null).recentLoss(5)));
  }

  @Test
  void guardStopsAfterTwentyConsecutiveSkipsOnly() {
    RunLog log = RunLog.of(null);
    long k = 0;
    for (int i = 0; i < RunLog.MAX_CONSECUTIVE_SKIPS - 1; i++, k++) {
      log.skip(k, "diverged", "remedy");
      log.record(k, Double.NaN);
    }
    log.applied();
    log.record(k++, 1.0);
    for (int i = 0; i < RunLog.MAX_CONSECUTIVE_SKIPS - 1; i++, k++) {
      log.skip(k, "diverged", "remedy");
      log.record(k, Double.NaN);
    }
    long last = k;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> log.skip(last, "training diverged: loss NaN",
        "lower --lr"));
    assertEquals("training diverged: loss NaN at step " + last + " after 20 consecutive skipped steps; lower --lr",
        e.getMessage());
  }

  @Test
  void loopCheckpointsOnTheCadenceAndAtTheEnd() throws Exception {
    RunLog log = RunLog.of(null);
    List<Long> saved = new ArrayList<>();
    List<Long> reported = new ArrayList<>();
    log.train(10, 4, true, new RunLog.Steps() {
      @Override
      public void step() {
        log.applied();
        log.record(log.stepsDone(), 1);
      }

      @Override
      public void checkpoint() {
        saved.add(log.stepsDone());
      }
    }, (done, total, status) -> reported.add(done));
    assertArrayEquals(new Object[] {4L, 8L, 10L}, saved.toArray());
    assertEquals(10L, reported.get(reported.size() - 1));
    // Without checkpoints nothing is written.
    saved.clear();
    log.train(12, 1, false, new RunLog.Steps() {
      @Override
      public void step() {
        log.record(log.stepsDone(), 1);
      }

      @Override
      public void checkpoint() {
        saved.add(log.stepsDone());
      }
    }, null);
    assertEquals(12, log.stepsDone());
    assertTrue(saved.isEmpty());
  }

  @Test
  void timeLimitStopsAfterTheStepThatCrossesItWithACheckpoint() throws Exception {
    RunLog log = RunLog.of(null);
    List<Long> saved = new ArrayList<>();
    List<Long> stepEnds = new ArrayList<>();
    long start = System.nanoTime();
    log.train(1000, 0, true, new RunLog.Steps() {
      @Override
      public void step() {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        log.record(log.stepsDone(), 1);
        stepEnds.add(System.nanoTime() - start);
      }

      @Override
      public void checkpoint() {
        saved.add(log.stepsDone());
      }
    }, null, 50_000_000L);
    // It stops after the first step that ends past the 50 ms limit: not before (the last step ends
    // past it) and not later (the step before ended within it, up to the few ms between our clock
    // start and the trainer's). A loaded machine makes steps longer, so the step count may vary.
    int n = stepEnds.size();
    assertEquals(n, log.stepsDone());
    assertTrue(n >= 1 && n < 1000, "steps " + n);
    assertTrue(stepEnds.get(n - 1) >= 50_000_000L, "stopped early: last step ended at " + stepEnds.get(n - 1) + " ns");
    assertTrue(n == 1 || stepEnds.get(n - 2) < 60_000_000L, "stopped late: step before ended at " + stepEnds.get(n - 2) + " ns");
    assertEquals(List.of(log.stepsDone()), saved);
  }
}
