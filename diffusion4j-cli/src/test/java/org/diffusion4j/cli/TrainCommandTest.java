package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void trainResumeAndSampleFromTheRun(@TempDir Path dir) throws Exception {
    Path runDir = dir.resolve("run");
    String[] small = {"--data", "moons", "--out", runDir.toString(), "--width", "16", "--depth", "1", "--batch", "64",
        "--n-train", "2000", "--checkpoint-every", "20"};
    Run r = run(concat(new String[] {"train", "--steps", "40"}, small));
    assertEquals(0, r.code, r.err);
    assertTrue(Files.exists(runDir.resolve("loss.png")) && Files.exists(runDir.resolve("losses.csv")));
    assertTrue(r.out.contains("steps 0 -> 40"), r.out);
    // Without --resume an existing run is protected.
    Run again = run(concat(new String[] {"train", "--steps", "40"}, small));
    assertEquals(2, again.code);
    assertTrue(again.err.contains("--resume"), again.err);
    // Resume with only the new budget; a conflicting option is named.
    Run resumed = run("train", "--data", "moons", "--out", runDir.toString(), "--steps", "60", "--resume");
    assertEquals(0, resumed.code, resumed.err);
    assertTrue(resumed.out.contains("steps 40 -> 60"), resumed.out);
    Run conflict = run("train", "--data", "moons", "--out", runDir.toString(), "--steps", "80", "--resume", "--width", "32");
    assertEquals(2, conflict.code);
    assertTrue(conflict.err.contains("network"), conflict.err);
    // The run is a --model for d4j sample.
    Path samples = dir.resolve("s.npy");
    Run s = run("sample", "--model", runDir.toString(), "--solver", "dpm-solver++-2m", "--nfe", "6", "--n", "300",
        "--out", samples.toString());
    assertEquals(0, s.code, s.err);
    Batch x = Npy.readBatch(samples);
    assertEquals(300, x.n());
    assertEquals(2, x.d());
    assertEquals(-1, x.firstNonFinite());
  }

  @Test
  void badDataIsAUsageError(@TempDir Path dir) {
    Run r = run("train", "--data", "nonsense", "--out", dir.resolve("r").toString(), "--steps", "5");
    assertEquals(2, r.code);
    assertTrue(r.err.contains("nonsense") && r.err.contains("checkerboard"), r.err);
  }

  @Test
  void demoPrintsTheTableAndWritesItsFiles(@TempDir Path dir) {
    Path out = dir.resolve("demo");
    Run r = run("demo", "--steps", "30", "--n", "200", "--out", out.toString());
    assertEquals(0, r.code, r.err);
    for (String solver : new String[] {"euler", "heun", "dpm-solver++-2m", "(data vs data)"}) {
      assertTrue(r.out.contains(solver), r.out);
    }
    for (String f : new String[] {"demo.png", "results.csv", "heldout.npy", "samples-euler-nfe10.npy",
        "samples-dpm-solver++-2m-nfe100.npy", "model/loss.png", "model/checkpoints/LATEST"}) {
      assertTrue(Files.exists(out.resolve(f)), "missing " + f);
    }
  }

  static String[] concat(String[] a, String[] b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
