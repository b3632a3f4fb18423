package org.diffusion4j.nn.interpolant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.CheckpointException;
import org.diffusion4j.io.AtomicFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill-at-every-write-point injection for interpolant checkpoints (issue 23, item 2): a crash is
 * injected before each file write of each checkpoint (interpolant.json, every file, rename and
 * LATEST of the velocity and the denoiser checkpoint, and the run's commit point); after each, the
 * run is resumed from whatever consistent pair it holds (or restarted if none was committed) and
 * must finish bit-identical to an uninterrupted run: weights, EMA, Adam moments and loss curve.
 */
class InterpolantCrashConsistencyTest {
  private static final Dataset SRC = Toy2d.MOONS.sample(1, 256);
  private static final Dataset TGT = Toy2d.CHECKERBOARD.sample(2, 256);
  private static final long STEPS = 4;

  private static InterpolantTrainConfig config(long steps) {
    return new InterpolantTrainConfig("linear", Map.of(), "moons", "checkerboard", "independent", true,
        InterpolantTrainConfig.DENOISER, 1e-3,
        InterpolantTrainerTest.small(steps, 8).toBuilder()
            .network(org.diffusion4j.nn.net.MlpConfig.defaults(2).withWidth(16).withDepth(1)).batch(16).checkpointEvery(2).keepCheckpoints(1).build());
  }

  /**
   * fsync makes each of the ~6,000 file writes cost ~13 ms here; the order of writes, not the
   * disk's durability, is what a process kill tests, so this class writes without fsync.
   */
  @BeforeAll
  static void noFsync() {
    System.setProperty(AtomicFiles.SYNC_PROPERTY, "false");
  }

  @AfterAll
  static void fsyncAgain() {
    System.clearProperty(AtomicFiles.SYNC_PROPERTY);
  }

  /** Thrown by the hook: the process "dies" here. */
  private static final class Killed extends IOException {
    Killed(String at) {
      super("killed before " + at);
    }
  }

  private static void assertSamePair(InterpolantTrainer.Pair want, InterpolantTrainer.Pair got, String context) {
    for (Checkpoint[] p : new Checkpoint[][] {{want.velocity(), got.velocity()}, {want.denoiser(), got.denoiser()}}) {
      assertEquals(p[0].step(), p[1].step(), context);
      assertArrayEquals(p[0].losses(), p[1].losses(), context + ": losses");
      for (int i = 0; i < p[0].weights().length; i++) {
        assertArrayEquals(p[0].weights()[i], p[1].weights()[i], context + ": weights " + i);
        assertArrayEquals(p[0].ema()[i], p[1].ema()[i], context + ": EMA " + i);
        assertArrayEquals(p[0].adamM()[i], p[1].adamM()[i], context + ": Adam m " + i);
        assertArrayEquals(p[0].adamV()[i], p[1].adamV()[i], context + ": Adam v " + i);
      }
    }
  }

  @Test
  void resumeAfterAKillAtEveryWritePointIsBitIdentical(@TempDir Path tmp) throws IOException {
    Path ref = tmp.resolve("ref");
    List<String> points = new ArrayList<>();
    try (InterpolantTrainer t = InterpolantTrainer.create(config(STEPS), SRC, TGT)) {
      t.writeHook(points::add).train(ref, null);
    }
    InterpolantTrainer.Pair want = InterpolantTrainer.latestPair(ref, true);
    assertEquals(STEPS, want.velocity().step());
    // 2 checkpoints x (interpolant.json + 2 x (7 files, manifest, rename, LATEST) + commit point)
    assertEquals(2 * 22, points.size(), points.toString());
    int resumed = 0;
    for (int k = 0; k < points.size(); k++) {
      Path dir = tmp.resolve("kill-" + k);
      int killAt = k;
      int[] calls = {0};
      try (InterpolantTrainer t = InterpolantTrainer.create(config(STEPS), SRC, TGT)) {
        t.writeHook(f -> {
          if (calls[0]++ == killAt) {
            throw new Killed(f);
          }
        });
        assertThrows(Killed.class, () -> t.train(dir, null), "kill point " + k);
      }
      boolean committed;
      try {
        InterpolantTrainer.latestPair(dir, true);
        committed = true;
      } catch (CheckpointException e) {
        committed = false;
        assertTrue(k < 20, "only a kill in the first checkpoint may leave nothing committed; point " + k + ": " + e);
      }
      try (InterpolantTrainer t = committed ? InterpolantTrainer.resume(dir, SRC, TGT, STEPS)
          : InterpolantTrainer.create(config(STEPS), SRC, TGT)) {
        resumed += committed ? 1 : 0;
        t.train(dir, null);
      }
      assertSamePair(want, InterpolantTrainer.latestPair(dir, true), "kill before " + points.get(k) + " (point " + k + ")");
    }
    // from the kill before the denoiser's LATEST on, the first pair is complete (the scan finds it)
    assertEquals(points.size() - 20, resumed, "kills that resume from a consistent pair");
  }

  @Test
  void loadFallsBackToTheNewestConsistentPair(@TempDir Path dir) throws IOException {
    try (InterpolantTrainer t = InterpolantTrainer.create(config(4), SRC, TGT)) {
      t.train(dir, null);
    }
    // a run of an earlier version: no commit point, and a newer velocity than denoiser checkpoint
    Files.delete(dir.resolve(InterpolantTrainer.LATEST_FILE));
    Path denoiser4 = Checkpoint.folder(dir.resolve(InterpolantTrainer.DENOISER_DIR)).resolve(Checkpoint.stepName(4));
    Checkpoint.read(denoiser4);
    Files.writeString(denoiser4.resolve("weights.bin"), "torn");
    assertEquals(2, InterpolantTrainer.latestPair(dir, true).velocity().step());
    try (LearnedInterpolant m = LearnedInterpolant.load(dir)) {
      assertEquals(2, m.dim());
    }
    try (InterpolantTrainer t = InterpolantTrainer.resume(dir, SRC, TGT, 4)) {
      assertEquals(2, t.stepsDone());
    }
  }
}
