package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.inverse.ImageShape;
import org.diffusion4j.inverse.Operators;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.data.Mnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** d4j restore on a tiny U-Net: degrade-and-restore round trip, measurement consistency of projection, usage errors. */
class RestoreCommandTest {
  private static final String[] TINY = {"--net", "unet", "--net-option", "baseChannels=8",
      "--net-option", "channelMult=1,2", "--net-option", "numResBlocks=1", "--net-option", "attentionResolutions=14",
      "--net-option", "groups=4", "--net-option", "heads=2", "--batch", "8", "--warmup", "1"};

  @Test
  void restoresSuperResolutionConsistentlyAndRefusesBadUsage(@TempDir Path dir) throws Exception {
    Path runDir = dir.resolve("mnist");
    String[] train = {"train", "--data", "mnist", "--steps", "2", "--out", runDir.toString()};
    String[] args = java.util.Arrays.copyOf(train, train.length + TINY.length);
    System.arraycopy(TINY, 0, args, train.length, TINY.length);
    TrainCommandTest.Run t = TrainCommandTest.run(args);
    assertEquals(0, t.code(), t.err());

    Path clean = dir.resolve("clean.npy");
    Npy.write(clean, Mnist.rows(Mnist.heldOut(), 0, 3, "three").data());
    Path y = dir.resolve("y.npy");
    Path x = dir.resolve("x.npy");
    TrainCommandTest.Run r = TrainCommandTest.run("restore", "--model", runDir.toString(), "--task", "sr2", "--method",
        "projection", "--nfe", "3", "--clean", clean.toString(), "--save-measurement", y.toString(), "--out",
        x.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("| sr2 | projection | 3 | 3 |"), r.out());
    Batch ys = Npy.readBatch(y);
    assertEquals(196, ys.d());
    // Restoring from the saved measurements: projection ends exactly on the measurement set.
    TrainCommandTest.Run r2 = TrainCommandTest.run("restore", "--model", runDir.toString(), "--task", "sr2",
        "--method", "projection", "--nfe", "3", "--input", y.toString(), "--out", x.toString());
    assertEquals(0, r2.code(), r2.err());
    Batch xs = Npy.readBatch(x);
    Batch ax = Operators.forTask("sr2", ImageShape.grey(28), 0).apply(xs);
    assertTrue(ax.maxAbsDistance(ys) < 1e-12, "A x = y: " + ax.maxAbsDistance(ys));

    TrainCommandTest.Run both = TrainCommandTest.run("restore", "--model", runDir.toString(), "--task", "sr2",
        "--input", y.toString(), "--clean", clean.toString(), "--out", x.toString());
    assertEquals(2, both.code());
    assertTrue(both.err().contains("exactly one of --input"), both.err());
    TrainCommandTest.Run shape = TrainCommandTest.run("restore", "--model", runDir.toString(), "--task", "sr4",
        "--input", y.toString(), "--out", x.toString());
    assertEquals(2, shape.code());
    assertTrue(shape.err().contains("196") && shape.err().contains("49"), shape.err());
    assertFalse(shape.err().contains("\tat "), "no stack trace: " + shape.err());
    TrainCommandTest.Run task = TrainCommandTest.run("restore", "--model", runDir.toString(), "--task", "sr3",
        "--input", y.toString(), "--out", x.toString());
    assertEquals(2, task.code());
    assertTrue(task.err().contains("unknown task 'sr3'"), task.err());
    TrainCommandTest.Run sigma = TrainCommandTest.run("restore", "--model", runDir.toString(), "--task", "sr2",
        "--input", y.toString(), "--out", x.toString(), "--sigma-y", "-1");
    assertEquals(2, sigma.code());
    assertTrue(sigma.err().contains("--sigma-y"), sigma.err());
    TrainCommandTest.Run nonlinear = TrainCommandTest.run("restore", "--model", runDir.toString(), "--task", "saturate",
        "--method", "ddrm", "--nfe", "2", "--clean", clean.toString(), "--out", x.toString());
    assertEquals(2, nonlinear.code());
    assertTrue(nonlinear.err().contains("non-linear"), nonlinear.err());
  }
}
