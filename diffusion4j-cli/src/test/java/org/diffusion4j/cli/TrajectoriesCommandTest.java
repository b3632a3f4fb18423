package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrajectoriesCommandTest {
  @Test
  void trainSampleAndEvalRunEndToEnd(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("geotdm");
    TrainCommandTest.Run t = TrainCommandTest.run("trajectories", "train", "--cond-frames", "3", "--frames", "3",
        "--systems", "6", "--hidden", "8", "--depth", "1", "--prior-depth", "1", "--time-embed", "8", "--steps", "2",
        "--batch", "4", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(Files.exists(run.resolve("data").resolve("positions.npy")), "the training data is saved as NPY");
    Path npy = dir.resolve("f.npy");
    Path png = dir.resolve("f.png");
    TrainCommandTest.Run s = TrainCommandTest.run("trajectories", "sample", "--model", run.toString(), "--systems",
        "2", "--out", npy.toString(), "--plot", png.toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(Files.size(npy) > 2 * 3 * 5 * 3 * 8 && Files.size(png) > 1000);
    TrainCommandTest.Run e = TrainCommandTest.run("trajectories", "eval", "--model", run.toString(), "--systems", "4",
        "--samples", "2");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("constant-velocity") && e.out().contains("(geotdm)") && e.out().contains("prior"),
        e.out());
  }

  @Test
  void badUsageIsAOneLineError(@TempDir Path dir) throws Exception {
    TrainCommandTest.Run a = TrainCommandTest.run("trajectories", "eval", "--model", dir.resolve("none").toString());
    assertEquals(2, a.code());
    assertTrue(a.err().contains("is not a trajectory run") && a.err().trim().split("\n").length == 1, a.err());
    TrainCommandTest.Run b = TrainCommandTest.run("trajectories", "train", "--kind", "foo", "--out",
        dir.resolve("x").toString());
    assertEquals(2, b.code());
    assertTrue(b.err().contains("unknown trajectory model 'foo'"), b.err());
    TrainCommandTest.Run c = TrainCommandTest.run("trajectories", "train", "--cond-frames", "1", "--out",
        dir.resolve("y").toString());
    assertEquals(2, c.code());
    assertTrue(c.err().contains("cond-frames=1"), c.err());
  }
}
