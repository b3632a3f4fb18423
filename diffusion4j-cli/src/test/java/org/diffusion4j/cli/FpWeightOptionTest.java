package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.diffusion4j.nn.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code d4j train --fp-weight}: stored in the run's config, checked on resume, validated. */
class FpWeightOptionTest {
  @Test
  void fpWeightIsStoredCheckedOnResumeAndValidated(@TempDir Path dir) throws Exception {
    Path runDir = dir.resolve("run");
    TrainCommandTest.Run r = TrainCommandTest.run("train", "--data", "moons", "--out", runDir.toString(), "--objective",
        "eps", "--width", "16", "--depth", "1", "--batch", "64", "--n-train", "1000", "--steps", "20",
        "--fp-weight", "0.5", "--fp-probes", "1");
    assertEquals(0, r.code(), r.err());
    assertEquals(0.5, Checkpoint.readLatest(runDir).config().fpWeight());
    assertEquals(1, Checkpoint.readLatest(runDir).config().fpProbes());
    TrainCommandTest.Run conflict = TrainCommandTest.run("train", "--data", "moons", "--out", runDir.toString(),
        "--steps", "30", "--resume", "--fp-weight", "0");
    assertEquals(2, conflict.code());
    assertTrue(conflict.err().contains("fpWeight"), conflict.err());
    TrainCommandTest.Run resumed = TrainCommandTest.run("train", "--data", "moons", "--out", runDir.toString(),
        "--steps", "30", "--resume");
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(0.5, Checkpoint.readLatest(runDir).config().fpWeight());
    TrainCommandTest.Run bad = TrainCommandTest.run("train", "--data", "moons", "--out", dir.resolve("b").toString(),
        "--steps", "5", "--fp-weight", "-1");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("fp-weight"), bad.err());
    TrainCommandTest.Run interp = TrainCommandTest.run("train", "--objective", "interpolant", "--target", "moons",
        "--out", dir.resolve("i").toString(), "--steps", "5", "--fp-weight", "1");
    assertEquals(2, interp.code(), interp.err());
    assertTrue(interp.err().contains("--fp-weight"), interp.err());
  }
}
