package org.diffusion4j.cli;

import org.diffusion4j.nn.run.RunGuards;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two trainers on one run directory at once (issue 23, item 7): a d4j process trains, a second
 * trainer on the same --out is refused with the first one's pid, and the first one finishes.
 */
class RunGuardsTest {
  @Test
  void twoConcurrentTrainersOneWinsTheOtherIsToldWhoHoldsTheLock(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    String[] train = {"train", "--data", "moons", "--steps", "300", "--batch", "16", "--width", "8", "--depth", "1",
        "--n-train", "200", "--checkpoint-every", "0", "--out", run.toString()};
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), D4j.class.getName()));
    cmd.addAll(List.of(train));
    Process first = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Path lock = run.resolve(RunGuards.LOCK_FILE);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(lock) && Files.size(lock) > 0) && System.nanoTime() < deadline && first.isAlive()) {
      Thread.sleep(5);
    }
    TrainCommandTest.Run second = TrainCommandTest.run(train);
    String firstOut = new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(first.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, first.exitValue(), firstOut);
    assertEquals(1, second.code(), second.err());
    assertEquals(1, second.err().lines().count(), second.err());
    assertTrue(second.err().contains("is in use by another d4j process (pid " + first.pid() + ", lock " + lock + ")"),
        second.err());
    // released when the owner ends: the next trainer gets in (and is told the directory holds a run)
    TrainCommandTest.Run third = TrainCommandTest.run(train);
    assertEquals(2, third.code(), third.err());
    assertTrue(third.err().contains("--resume"), third.err());
  }
}
