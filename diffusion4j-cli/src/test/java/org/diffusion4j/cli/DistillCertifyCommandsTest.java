package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** d4j distill (cd and ct), sampling the result with --solver consistency, and d4j certify, with usage errors. */
class DistillCertifyCommandsTest {
  private static final String[] TINY = {"--net", "unet", "--net-option", "baseChannels=8",
      "--net-option", "channelMult=1,2", "--net-option", "numResBlocks=1", "--net-option", "attentionResolutions=14",
      "--net-option", "groups=4", "--net-option", "heads=2", "--batch", "8", "--warmup", "1"};

  private static TrainCommandTest.Run run(String... args) {
    return TrainCommandTest.run(args);
  }

  @Test
  void distillSampleAndCertifyEndToEnd(@TempDir Path dir) throws Exception {
    Path teacher = dir.resolve("teacher");
    String[] train = {"train", "--data", "mnist", "--conditional", "--objective", "flow", "--steps", "2", "--out",
        teacher.toString()};
    String[] args = java.util.Arrays.copyOf(train, train.length + TINY.length);
    System.arraycopy(TINY, 0, args, train.length, TINY.length);
    TrainCommandTest.Run t = run(args);
    assertEquals(0, t.code(), t.err());

    Path cd = dir.resolve("cd");
    TrainCommandTest.Run d = run("distill", "--model", teacher.toString(), "--method", "cd", "--steps", "2", "--batch",
        "4", "--out", cd.toString());
    assertEquals(0, d.code(), d.err());
    assertTrue(d.out().contains("cd: 2 steps"), d.out());
    assertTrue(Files.isRegularFile(cd.resolve("consistency.json")));
    for (String nfe : new String[] {"1", "2"}) {
      Path npy = dir.resolve("x" + nfe + ".npy");
      TrainCommandTest.Run s = run("sample", "--model", cd.toString(), "--n", "3", "--class", "3", "--solver",
          "consistency", "--nfe", nfe, "--out", npy.toString());
      assertEquals(0, s.code(), s.err());
      assertTrue(s.err().contains("nfe=" + nfe), s.err());
      Batch x = Npy.readBatch(npy);
      assertEquals(3, x.n());
      assertEquals(-1, x.firstNonFinite());
    }
    Path ct = dir.resolve("ct");
    TrainCommandTest.Run c = run("distill", "--model", teacher.toString(), "--method", "ct", "--steps", "2", "--batch",
        "4", "--out", ct.toString());
    assertEquals(0, c.code(), c.err());

    Path clf = dir.resolve("clf");
    assertEquals(0, run("classifier", "train", "--steps", "3", "--out", clf.toString()).code());
    Path csv = dir.resolve("curve.csv");
    Path png = dir.resolve("curve.png");
    TrainCommandTest.Run cert = run("certify", "--denoiser", cd.toString(), "--classifier", clf.toString(), "--sigma",
        "0.25", "--n", "8", "--n0", "4", "--count", "2", "--batch", "8", "--out", csv.toString(), "--png",
        png.toString());
    assertEquals(0, cert.code(), cert.err());
    assertTrue(cert.out().contains("0.50\t"), cert.out());
    assertEquals(3, Files.readAllLines(csv).size(), "header + 2 digits");
    assertTrue(Files.size(png) > 0);
  }

  @Test
  void badUsageIsOneLineWithExitTwo(@TempDir Path dir) {
    TrainCommandTest.Run m = run("distill", "--model", dir.toString(), "--method", "xx", "--steps", "2", "--out",
        dir.resolve("o").toString());
    assertEquals(2, m.code());
    assertTrue(m.err().contains("--method must be cd or ct"), m.err());
    assertFalse(m.err().contains("\tat "), m.err());
    TrainCommandTest.Run r = run("distill", "--model", dir.toString(), "--method", "cd", "--steps", "2", "--out",
        dir.resolve("o").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("is not a diffusion or flow run"), r.err());
    TrainCommandTest.Run s = run("certify", "--denoiser", "none", "--classifier", dir.toString(), "--sigma", "0",
        "--out", dir.resolve("c.csv").toString());
    assertEquals(2, s.code());
    assertTrue(s.err().contains("--sigma must be positive"), s.err());
  }
}
