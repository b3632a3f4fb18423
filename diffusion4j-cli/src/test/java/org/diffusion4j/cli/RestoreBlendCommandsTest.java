package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.data.Mnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** d4j mr-restore (train, run, bench) and d4j blend on tiny runs, with their usage errors. */
class RestoreBlendCommandsTest {
  private static TrainCommandTest.Run run(String... args) {
    return TrainCommandTest.run(args);
  }

  @Test
  void mrRestoreTrainsRunsAndBenches(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("mr");
    TrainCommandTest.Run t = run("mr-restore", "train", "--task", "sr4", "--out", model.toString(), "--steps", "2");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("trained 2 steps"), t.out());
    // Measurements of sr4 are 7 x 7 = 49 values.
    Batch clean = Mnist.rows(Mnist.heldOut(), 0, 3, "three").data();
    Batch y = new Batch(3, 49);
    for (int i = 0; i < 3; i++) {
      for (int r = 0; r < 7; r++) {
        for (int c = 0; c < 7; c++) {
          double s = 0;
          for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
              s += clean.get(i, (4 * r + a) * 28 + 4 * c + b) / 16;
            }
          }
          y.set(i, r * 7 + c, s);
        }
      }
    }
    Path in = dir.resolve("y.npy");
    Npy.write(in, y);
    Path out = dir.resolve("x.npy");
    TrainCommandTest.Run r = run("mr-restore", "run", "--model", model.toString(), "--input", in.toString(), "--steps",
        "3", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Batch x = Npy.readBatch(out);
    assertEquals(3, x.n());
    assertEquals(784, x.d());
    assertEquals(-1, x.firstNonFinite());
    // Same seed, same result.
    Path again = dir.resolve("x2.npy");
    assertEquals(0, run("mr-restore", "run", "--model", model.toString(), "--input", in.toString(), "--steps", "3",
        "--out", again.toString()).code());
    assertArrayEquals(x.data(), Npy.readBatch(again).data());

    Path perImage = dir.resolve("psnr.csv");
    TrainCommandTest.Run b = run("mr-restore", "bench", "--model", model.toString(), "--n", "4", "--first", "2",
        "--mrs-steps", "2", "--em-steps", "3", "--png", dir.resolve("g.png").toString(), "--per-image",
        perImage.toString());
    assertEquals(0, b.code(), b.err());
    assertTrue(b.out().contains("| MRS SDE") && b.out().contains("| Euler-Maruyama") && b.out().contains("| bicubic x4"),
        b.out());
    assertTrue(b.out().contains("digits 8002-8005 (4)") && b.out().contains("paired PSNR difference"), b.out());
    assertTrue(Files.exists(dir.resolve("g.png")));
    // One PSNR column per table row (degraded, bicubic, MRS SDE, MRS ODE, Euler-Maruyama), one line per digit.
    java.util.List<String> lines = Files.readAllLines(perImage);
    assertEquals(5, lines.size(), String.join("\n", lines));
    assertEquals(5, lines.get(1).split(",").length, lines.get(1));
    TrainCommandTest.Run pastEnd = run("mr-restore", "bench", "--model", model.toString(), "--first", "1999", "--n",
        "2");
    assertEquals(2, pastEnd.code());
    assertTrue(pastEnd.err().contains("first + n <= 2000"), pastEnd.err());

    Path wide = dir.resolve("wide.npy");
    Npy.write(wide, new Batch(2, 50));
    TrainCommandTest.Run bad = run("mr-restore", "run", "--model", model.toString(), "--input", wide.toString(), "--out",
        out.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("50 values per row") && bad.err().contains("49"), bad.err());
    TrainCommandTest.Run badSampler = run("mr-restore", "run", "--model", model.toString(), "--input", in.toString(),
        "--sampler", "heun", "--out", out.toString());
    assertEquals(2, badSampler.code());
    TrainCommandTest.Run nonlinear = run("mr-restore", "train", "--task", "saturate", "--out", dir.resolve("s").toString());
    assertEquals(2, nonlinear.code());
    assertTrue(nonlinear.err().contains("linear"), nonlinear.err());
    TrainCommandTest.Run notModel = run("mr-restore", "bench", "--model", dir.toString());
    assertEquals(2, notModel.code());
  }

  @Test
  void blendSamplesAGridAndRefusesBadUsage(@TempDir Path dir) throws Exception {
    Path runDir = dir.resolve("mnist");
    String[] tiny = {"train", "--data", "mnist", "--conditional", "--steps", "1", "--out", runDir.toString(), "--net",
        "unet", "--net-option", "baseChannels=8", "--net-option", "channelMult=1,2", "--net-option", "numResBlocks=1",
        "--net-option", "attentionResolutions=14", "--net-option", "groups=4", "--net-option", "heads=2", "--batch", "8",
        "--warmup", "1"};
    assertEquals(0, run(tiny).code());
    Path png = dir.resolve("blend.png");
    TrainCommandTest.Run lin = run("blend", "--model", runDir.toString(), "--classes", "3,8", "--schedule", "linear",
        "--n", "2", "--steps", "3", "--png", png.toString());
    assertEquals(0, lin.code(), lin.err());
    assertTrue(lin.out().contains("linear blend of classes 3 and 8"), lin.out());
    assertTrue(Files.exists(png));
    TrainCommandTest.Run noClassifier = run("blend", "--model", runDir.toString(), "--classes", "3,8", "--n", "2",
        "--png", png.toString());
    assertEquals(2, noClassifier.code());
    assertTrue(noClassifier.err().contains("--classifier"), noClassifier.err());
    TrainCommandTest.Run same = run("blend", "--model", runDir.toString(), "--classes", "3,3", "--schedule", "linear",
        "--png", png.toString());
    assertEquals(2, same.code());
    assertTrue(same.err().contains("two different classes"), same.err());
    TrainCommandTest.Run range = run("blend", "--model", runDir.toString(), "--classes", "3,12", "--schedule", "switch",
        "--png", png.toString());
    assertEquals(2, range.code());
    assertTrue(range.err().contains("[0, 9]"), range.err());
    TrainCommandTest.Run schedule = run("blend", "--model", runDir.toString(), "--classes", "3,8", "--schedule", "cubic",
        "--png", png.toString());
    assertEquals(2, schedule.code());
    assertTrue(schedule.err().contains("black-scholes, linear or switch"), schedule.err());
  }
}
