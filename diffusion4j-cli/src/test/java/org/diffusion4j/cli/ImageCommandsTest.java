package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** d4j train --net unet on images and d4j sample --png/--class/--guidance, with their usage errors. */
class ImageCommandsTest {
  private static TrainCommandTest.Run run(String... args) {
    return TrainCommandTest.run(args);
  }

  /** A tiny U-Net so that a few steps take seconds. */
  private static final String[] TINY = {"--net", "unet", "--net-option", "baseChannels=8",
      "--net-option", "channelMult=1,2", "--net-option", "numResBlocks=1", "--net-option", "attentionResolutions=14",
      "--net-option", "groups=4", "--net-option", "heads=2", "--batch", "8", "--warmup", "1"};

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void conditionalUNetOnMnistTrainsAndSamplesAGuidedGrid(@TempDir Path dir) throws Exception {
    Path runDir = dir.resolve("mnist");
    TrainCommandTest.Run t = run(concat(new String[] {"train", "--data", "mnist", "--conditional", "--steps", "2",
        "--out", runDir.toString()}, TINY));
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("784-d"), t.out());
    Path png = dir.resolve("grid.png");
    Path npy = dir.resolve("x.npy");
    TrainCommandTest.Run s = run("sample", "--model", runDir.toString(), "--n", "4", "--nfe", "2", "--solver", "ddim",
        "--class", "3", "--guidance", "2", "--png", png.toString(), "--out", npy.toString());
    assertEquals(0, s.code(), s.err());
    var img = ImageIO.read(png.toFile());
    assertTrue(img.getWidth() > 2 * 28 && img.getHeight() > 2 * 28, img.getWidth() + "x" + img.getHeight());
    Batch x = Npy.readBatch(npy);
    assertEquals(4, x.n());
    assertEquals(784, x.d());
    assertEquals(-1, x.firstNonFinite());

    TrainCommandTest.Run badClass = run("sample", "--model", runDir.toString(), "--n", "4", "--nfe", "2", "--class",
        "10", "--out", npy.toString());
    assertEquals(2, badClass.code());
    assertTrue(badClass.err().contains("--class 10 is outside [0, 9]"), badClass.err());
    TrainCommandTest.Run noClass = run("sample", "--model", runDir.toString(), "--n", "4", "--nfe", "2", "--guidance",
        "2", "--out", npy.toString());
    assertEquals(2, noClass.code());
    assertTrue(noClass.err().contains("--guidance needs --class"), noClass.err());
  }

  @Test
  void aUNetThatDoesNotFitTheDataIsBadUsage(@TempDir Path dir) throws Exception {
    TrainCommandTest.Run toy = run(concat(new String[] {"train", "--data", "moons", "--steps", "1", "--out",
        dir.resolve("a").toString()}, TINY));
    assertEquals(2, toy.code());
    assertTrue(toy.err().contains("needs images") && toy.err().contains("[2]"), toy.err());
    assertFalse(toy.err().contains("\tat "), "no stack trace: " + toy.err());
    // Images of a shape the U-Net cannot halve twice: 27 x 28 with multipliers {1, 2}.
    Path odd = dir.resolve("odd.npy");
    Npy.write(odd, new long[] {4, 27, 28}, new double[4 * 27 * 28]);
    TrainCommandTest.Run shape = run(concat(new String[] {"train", "--data", odd.toString(), "--steps", "1", "--out",
        dir.resolve("b").toString()}, TINY));
    assertEquals(2, shape.code());
    assertTrue(shape.err().contains("27"), shape.err());
    TrainCommandTest.Run opt = run(concat(new String[] {"train", "--data", "mnist", "--steps", "1", "--out",
        dir.resolve("c").toString(), "--net-option", "kernel=5"}, TINY));
    assertEquals(2, opt.code());
    assertTrue(opt.err().contains("no option 'kernel'"), opt.err());
    TrainCommandTest.Run width = run("train", "--data", "mnist", "--net", "unet", "--width", "64", "--steps", "1",
        "--out", dir.resolve("d").toString());
    assertEquals(2, width.code());
    assertTrue(width.err().contains("--width applies to --net mlp"), width.err());
    assertFalse(Files.exists(dir.resolve("d").resolve("checkpoints")), "nothing written on bad usage");
  }

  @Test
  void pngNeedsAnImageModel(@TempDir Path dir) {
    TrainCommandTest.Run r = run("sample", "--model", "gmm:ring8-2d", "--nfe", "4", "--png",
        dir.resolve("g.png").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--png draws images"), r.err());
  }
}
