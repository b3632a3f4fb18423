package org.diffusion4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child JVM killed with SIGKILL in the middle of writing a checkpoint leaves the previous one usable. */
class KillDuringCheckpointTest {
  /** Child: checkpoint at step 20, then start a second checkpoint and hang in the middle of it. */
  public static void main(String[] args) throws IOException, InterruptedException {
    Path dir = Path.of(args[0]);
    try (Trainer tr = Trainer.create(CheckpointTest.config(40), CheckpointTest.DATA)) {
      for (int i = 0; i < 20; i++) {
        tr.trainStep();
      }
      tr.checkpoint().write(dir, 2, Checkpoint.WriteHook.NONE);
      for (int i = 0; i < 5; i++) {
        tr.trainStep();
      }
      tr.checkpoint().write(dir, 2, file -> {
        if (file.equals("adam-v.bin")) {
          Files.writeString(dir.resolve("in-the-middle"), "weights.bin, ema.bin, adam-m.bin written");
          try {
            Thread.sleep(120_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
    }
  }

  @Test
  void killNineMidWrite(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", KillDuringCheckpointTest.class.getName(),
        dir.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!Files.exists(dir.resolve("in-the-middle"))) {
        assertTrue(child.isAlive(), () -> "child exited early: " + readLog(dir));
        assertTrue(System.nanoTime() < deadline, "child did not reach the checkpoint write");
        Thread.sleep(50);
      }
      child.destroyForcibly(); // SIGKILL on Linux
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    // The torn write is a hidden temporary; LATEST still names step 20, which loads and resumes.
    try (Stream<Path> s = Files.list(Checkpoint.folder(dir))) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-step-000000025")), "no torn temporary");
    }
    Checkpoint c = Checkpoint.readLatest(dir);
    assertEquals(20, c.step());
    float[] expected;
    try (Trainer ref = Trainer.create(CheckpointTest.config(40), CheckpointTest.DATA)) {
      for (int i = 0; i < 20; i++) {
        ref.trainStep();
      }
      expected = ref.losses();
    }
    assertArrayEquals(expected, c.losses(), "the surviving checkpoint is not the child's step-20 state");
    try (Trainer resumed = Trainer.resume(dir, CheckpointTest.DATA, null)) {
      resumed.train(dir, (d, t, s) -> {}, 0, null);
      assertEquals(40, resumed.stepsDone());
    }
    try (Stream<Path> s = Files.list(Checkpoint.folder(dir))) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "torn temporary not cleaned up");
    }
  }

  private static String readLog(Path dir) {
    try {
      return Files.readString(dir.resolve("child.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
