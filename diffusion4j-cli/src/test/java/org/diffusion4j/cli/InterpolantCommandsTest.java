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

/** The train-interpolant, sample-interpolant and reflow contracts (tiny budgets: files, shapes, exit codes). */
class InterpolantCommandsTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run d4j(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void trainSampleAndReflowWriteRunsAndSamples() throws Exception {
    Path run = dir.resolve("run");
    Run t = d4j("train-interpolant", "--source", "moons", "--target", "checkerboard", "--coupling", "ot", "--steps", "20",
        "--batch", "64", "--width", "32", "--depth", "1", "--n-train", "2000", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(Files.exists(run.resolve("interpolant.json")));
    Path s = dir.resolve("samples");
    Run r = d4j("sample-interpolant", "--model", run.toString(), "--sde-eps", "0.5", "--n", "50", "--steps", "4",
        "--out", s.toString(), "--plot", dir.resolve("p.png").toString());
    assertEquals(0, r.code(), r.err());
    Batch ode = Npy.readBatch(s.resolve("samples-ode.npy"));
    assertEquals(50, ode.n());
    assertEquals(2, ode.d());
    assertTrue(Files.exists(s.resolve("samples-eps-0.5.npy")));
    assertTrue(Files.size(dir.resolve("p.png")) > 0);
    assertTrue(r.out().contains("sde eps=0.5"), r.out());
    Path re = dir.resolve("reflow");
    Run f = d4j("reflow", "--model", run.toString(), "--pairs", "100", "--ode-steps", "4", "--steps", "10", "--out",
        re.toString());
    assertEquals(0, f.code(), f.err());
    assertTrue(f.out().contains("straightness"), f.out());
    assertEquals(100, Npy.readBatch(re.resolve("reflow-x1.npy")).n());
    // A reflow run is evaluated against the original end points.
    Run e = d4j("sample-interpolant", "--model", re.toString(), "--source", "moons", "--reference", "checkerboard", "--n",
        "50", "--steps", "2", "--out", dir.resolve("e").toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("moons -> checkerboard") && e.out().contains("(two-sample)"), e.out());
    // The reflowed run has no score: an SDE is a usage error.
    assertEquals(2, d4j("sample-interpolant", "--model", re.toString(), "--sde-eps", "0.5", "--n", "10", "--out",
        dir.resolve("x").toString()).code());
  }

  @Test
  void badInputIsExitTwo() {
    assertEquals(2, d4j("train-interpolant", "--target", "moons", "--coupling", "nope", "--out", dir.resolve("a").toString()).code());
    assertEquals(2, d4j("train-interpolant", "--target", "moons", "--interpolant", "spline", "--out", dir.resolve("b").toString()).code());
    assertEquals(2, d4j("sample-interpolant", "--model", dir.toString(), "--out", dir.resolve("c").toString()).code());
  }

  /** d4j likelihood on an interpolant run: ODE and SDE rows, the (n, 2) output, and the usage errors. */
  @Test
  void likelihoodOfAnInterpolantRun() throws Exception {
    Path run = dir.resolve("lrun");
    Run t = d4j("train-interpolant", "--source", "gaussian", "--target", "8gaussians", "--steps", "20", "--batch", "64",
        "--width", "32", "--depth", "1", "--n-train", "2000", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    Path data = dir.resolve("x.npy");
    Npy.write(data, org.diffusion4j.random.Noise.standardNormal(4, 5, 2));
    Run r = d4j("likelihood", "--model", run.toString(), "--data", data.toString(), "--sde-eps", "0,0.5", "--paths", "8",
        "--steps", "10");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("jensen bound") && r.out().contains("row 4"), r.out());
    Path out = dir.resolve("lp.npy");
    Run w = d4j("likelihood", "--model", run.toString(), "--data", data.toString(), "--sde-eps", "0.5", "--paths", "4",
        "--steps", "5", "--hutchinson", "1", "--out", out.toString());
    assertEquals(0, w.code(), w.err());
    Batch lp = Npy.readBatch(out);
    assertEquals(5, lp.n());
    assertEquals(2, lp.d());
    for (int i = 0; i < 5; i++) {
      assertTrue(lp.get(i, 0) <= lp.get(i, 1) + 1e-12, "Jensen bound above the log mean weight, row " + i);
    }
    assertEquals(2, d4j("likelihood", "--model", run.toString(), "--data", data.toString(), "--sde-eps", "0,0.5", "--out",
        out.toString()).code());
    assertEquals(2, d4j("likelihood", "--model", run.toString(), "--data", data.toString(), "--sde-eps", "-1").code());
    assertEquals(2, d4j("likelihood", "--model", run.toString(), "--data", data.toString(), "--paths", "0").code());
  }
}
