package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanPolicyCommandTest {
  @Test
  void planTrainAndEvalRunEndToEnd(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("plan");
    TrainCommandTest.Run t = TrainCommandTest.run("plan", "train", "--episodes", "2", "--episode-steps", "60",
        "--horizon", "8", "--diffusion-steps", "4", "--refine-level", "2", "--width", "8", "--depth", "2",
        "--train-steps", "2", "--proposal-steps", "2", "--batch", "4", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(Files.exists(run.resolve("dataset").resolve("observations.npy")), "the dataset is saved as NPY");
    Path png = dir.resolve("paths.png");
    TrainCommandTest.Run e = TrainCommandTest.run("plan", "eval", "--model", run.toString(), "--methods",
        "diffuser,td,bc,bc-blind", "--episodes", "2", "--timed-plans", "1", "--plot", png.toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("trajectory_diffuser") && e.out().contains("speed-up"), e.out());
    assertTrue(Files.size(png) > 1000);
  }

  @Test
  void policyTrainAndEvalRunEndToEnd(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("policy");
    TrainCommandTest.Run t = TrainCommandTest.run("policy", "train", "--episodes", "4", "--train-steps", "2",
        "--batch", "4", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    TrainCommandTest.Run e = TrainCommandTest.run("policy", "eval", "--model", run.toString(), "--rti", "--level", "2",
        "--episodes", "2", "--timed-episodes", "0", "--plot", dir.resolve("a.png").toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("rti") && e.out().contains("ddim"), e.out());
  }

  @Test
  void badUsageIsAOneLineError(@TempDir Path dir) throws Exception {
    TrainCommandTest.Run a = TrainCommandTest.run("plan", "eval", "--model", dir.resolve("none").toString());
    assertEquals(2, a.code());
    assertTrue(a.err().contains("is not a planning run") && a.err().trim().split("\n").length == 1, a.err());
    TrainCommandTest.Run b = TrainCommandTest.run("plan", "train", "--models", "diffuser,foo", "--out",
        dir.resolve("x").toString());
    assertEquals(2, b.code());
    assertTrue(b.err().contains("unknown model 'foo'"), b.err());
    TrainCommandTest.Run c = TrainCommandTest.run("policy", "eval", "--model", dir.resolve("none").toString());
    assertEquals(2, c.code());
    assertTrue(c.err().contains("is not a policy run"), c.err());
  }
}
