package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** d4j quantize and d4j finetune on a tiny MNIST U-Net run, their outputs load in d4j sample, and usage errors. */
class CompressCommandsTest {
  private static TrainCommandTest.Run run(String... args) {
    return TrainCommandTest.run(args);
  }

  @Test
  void quantizeAndFinetuneWriteRunsThatSample(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("mnist");
    TrainCommandTest.Run t = run("train", "--data", "mnist", "--conditional", "--steps", "2", "--out", base.toString(),
        "--net", "unet", "--net-option", "baseChannels=8", "--net-option", "channelMult=1,2", "--net-option",
        "numResBlocks=1", "--net-option", "attentionResolutions=14", "--net-option", "groups=4", "--net-option",
        "heads=2", "--batch", "8", "--warmup", "1");
    assertEquals(0, t.code(), t.err());

    Path q = dir.resolve("w8a8");
    TrainCommandTest.Run qr = run("quantize", "--model", base.toString(), "--weights-bits", "8", "--activation-bits", "8",
        "--granularity", "channel", "--calibration", "ptq4dm", "--calibration-samples", "8", "--chain-steps", "2",
        "--out", q.toString());
    assertEquals(0, qr.code(), qr.err());
    assertTrue(qr.out().contains("W8A8") && qr.out().contains("simulated"), qr.out());
    assertTrue(Files.isRegularFile(q.resolve("quantization.json")));
    Path npy = dir.resolve("x.npy");
    TrainCommandTest.Run s = run("sample", "--model", q.toString(), "--n", "4", "--nfe", "2", "--solver", "ddim",
        "--class", "3", "--out", npy.toString());
    assertEquals(0, s.code(), s.err());
    Batch x = Npy.readBatch(npy);
    assertEquals(784, x.d());
    assertEquals(-1, x.firstNonFinite());

    Path f = dir.resolve("sara");
    TrainCommandTest.Run fr = run("finetune", "--model", base.toString(), "--method", "sara", "--subdomain", "class:3",
        "--steps", "2", "--batch", "4", "--out", f.toString());
    assertEquals(0, fr.code(), fr.err());
    assertTrue(fr.out().contains("parameters trained"), fr.out());
    TrainCommandTest.Run fs = run("sample", "--model", f.toString(), "--n", "2", "--nfe", "2", "--solver", "ddim",
        "--class", "3", "--out", npy.toString());
    assertEquals(0, fs.code(), fs.err());

    TrainCommandTest.Run again = run("quantize", "--model", base.toString(), "--out", q.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("already holds a run"), again.err());
    TrainCommandTest.Run gran = run("quantize", "--model", base.toString(), "--granularity", "row", "--out",
        dir.resolve("g").toString());
    assertEquals(2, gran.code());
    assertTrue(gran.err().contains("--granularity must be channel or tensor"), gran.err());
    TrainCommandTest.Run bits = run("quantize", "--model", base.toString(), "--weights-bits", "1", "--out",
        dir.resolve("b").toString());
    assertEquals(2, bits.code());
    assertTrue(bits.err().contains("bit width must be in [2, 16], got 1"), bits.err());
    TrainCommandTest.Run sub = run("finetune", "--model", base.toString(), "--subdomain", "rotated", "--out",
        dir.resolve("r").toString());
    assertEquals(2, sub.code());
    assertTrue(sub.err().contains("unknown sub-domain 'rotated'"), sub.err());
    TrainCommandTest.Run meth = run("finetune", "--model", base.toString(), "--method", "adapter", "--subdomain",
        "thick", "--out", dir.resolve("m").toString());
    assertEquals(2, meth.code());
    assertTrue(meth.err().contains("expected sara, lora or full"), meth.err());
  }
}
