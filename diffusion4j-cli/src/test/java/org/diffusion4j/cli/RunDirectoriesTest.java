package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two trainers on one run directory at once (issue 23, item 7): one wins, the other gets the lock message. */
class RunDirectoriesTest {
  @Test
  void twoConcurrentTrainersOneWinsTheOtherIsToldWhoHoldsTheLock(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    String[] train = {"train", "--data", "moons", "--steps", "3000", "--batch", "16", "--width", "8", "--depth", "1",
        "--n-train", "200", "--checkpoint-every", "0", "--out", run.toString()};
    CompletableFuture<TrainCommandTest.Run> first = CompletableFuture.supplyAsync(() -> TrainCommandTest.run(train));
    Path lock = run.resolve(RunDirectories.LOCK_FILE);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(lock) && Files.size(lock) > 0) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    TrainCommandTest.Run second = TrainCommandTest.run(train);
    TrainCommandTest.Run winner = first.get(120, TimeUnit.SECONDS);
    assertEquals(0, winner.code(), winner.err());
    assertEquals(1, second.code(), second.err());
    assertEquals(1, second.err().lines().count(), second.err());
    assertTrue(second.err().contains("is in use by another d4j process (pid " + ProcessHandle.current().pid() + ", lock "
        + lock + ")"), second.err());
    // released at the end: the next command may use the directory (and is told it holds a run)
    TrainCommandTest.Run third = TrainCommandTest.run(train);
    assertEquals(2, third.code(), third.err());
    assertTrue(third.err().contains("--resume"), third.err());
  }
}
