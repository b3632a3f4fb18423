package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** d4j ambient (train, sample) on a tiny run, with its usage errors. */
class AmbientCommandTest {
  private static TrainCommandTest.Run run(String... args) {
    return TrainCommandTest.run(args);
  }

  @Test
  void ambientTrainsSamplesAndRefusesBadUsage(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("amb");
    TrainCommandTest.Run t = run("ambient", "train", "--keep", "0.6", "--out", model.toString(), "--steps", "2");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("trained 2 steps"), t.out());
    Path out = dir.resolve("x.npy");
    TrainCommandTest.Run s = run("ambient", "sample", "--model", model.toString(), "--n", "3", "--steps", "2", "--out",
        out.toString(), "--png", dir.resolve("g.png").toString());
    assertEquals(0, s.code(), s.err());
    Batch x = Npy.readBatch(out);
    assertEquals(3, x.n());
    assertEquals(784, x.d());
    assertEquals(-1, x.firstNonFinite());
    assertTrue(Files.exists(dir.resolve("g.png")));
    Path again = dir.resolve("x2.npy");
    assertEquals(0, run("ambient", "sample", "--model", model.toString(), "--n", "3", "--steps", "2", "--out",
        again.toString()).code());
    assertArrayEquals(x.data(), Npy.readBatch(again).data());

    TrainCommandTest.Run badKeep = run("ambient", "train", "--keep", "0", "--out", dir.resolve("k").toString());
    assertEquals(2, badKeep.code());
    assertTrue(badKeep.err().contains("keep must be in (0, 1]"), badKeep.err());
    TrainCommandTest.Run noOutput = run("ambient", "sample", "--model", model.toString());
    assertEquals(2, noOutput.code());
    TrainCommandTest.Run notModel = run("ambient", "sample", "--model", dir.toString(), "--out", out.toString());
    assertEquals(2, notModel.code());
    assertTrue(notModel.err().contains("not an ambient model"), notModel.err());
  }
}
