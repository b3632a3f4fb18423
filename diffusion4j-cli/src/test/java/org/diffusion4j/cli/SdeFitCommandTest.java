package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdeFitCommandTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  /** Two OU-like series on 21 times (a deterministic AR(1) with fixed shocks). */
  private static Path data(Path dir) throws Exception {
    StringBuilder sb = new StringBuilder("t,a,b\n");
    java.util.Random r = new java.util.Random(1);
    double a = 0.5;
    double b = -0.3;
    for (int k = 0; k <= 20; k++) {
      sb.append(k * 0.1).append(',').append(a).append(',').append(b).append('\n');
      a += -0.1 * a + 0.15 * r.nextGaussian();
      b += -0.1 * b + 0.15 * r.nextGaussian();
    }
    Path f = dir.resolve("ou.csv");
    Files.writeString(f, sb.toString());
    return f;
  }

  @Test
  void fitsWritesARunAndSamplesFromIt(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    Result fit = run("sde", "fit", "--model", "latent", "--data", data(dir).toString(), "--out", run.toString(), "--iterations", "20");
    assertEquals(0, fit.code(), fit.err());
    assertTrue(fit.out().contains("theta") && fit.out().contains("sigma"), fit.out());
    assertTrue(Files.size(run.resolve("fit.png")) > 1000);
    Path npy = dir.resolve("s.npy");
    Result s = run("sde", "sample", "--model", run.toString(), "--t1", "3", "--paths", "7", "--saves", "11", "--out", npy.toString(),
        "--plot", dir.resolve("s.png").toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("shape (7, 11)"), s.out());
    Result f = run("sde", "fit", "--model", "fbm-latent", "--data", data(dir).toString(), "--out", dir.resolve("f").toString(),
        "--iterations", "3", "-P", "k=3", "-P", "posterior=bridge");
    assertEquals(0, f.code(), f.err());
    assertTrue(f.out().contains("hurst"), f.out());
    Path gruRun = dir.resolve("g");
    Result g = run("sde", "fit", "--model", "latent", "--data", data(dir).toString(), "--out", gruRun.toString(),
        "--iterations", "3", "-P", "posterior=gru", "-P", "hidden=4", "-P", "context=2", "-P", "time-input=1");
    assertEquals(0, g.code(), g.err());
    assertTrue(g.out().contains("sigma"), g.out());
    Result gs = run("sde", "sample", "--model", gruRun.toString(), "--t1", "3", "--paths", "3", "--saves", "5", "--out", dir.resolve("g.npy").toString());
    assertEquals(0, gs.code(), gs.err());
  }

  @Test
  void badInputIsOneLineExitTwo(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "t,a\n0,1\n0.2,2\n0.1,3\n");
    Result r = run("sde", "fit", "--model", "latent", "--data", bad.toString(), "--out", dir.resolve("r").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("strictly increasing"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    Result m = run("sde", "fit", "--model", "nope", "--data", bad.toString(), "--out", dir.resolve("r").toString());
    assertEquals(2, m.code());
    assertTrue(m.err().contains("known: latent, fbm-latent"), m.err());
    Result p = run("sde", "fit", "--model", "latent", "--data", data(dir).toString(), "--out", dir.resolve("r").toString(), "-P", "k=3");
    assertEquals(2, p.code());
    assertTrue(p.err().contains("no option 'k'"), p.err());
    Result q = run("sde", "fit", "--model", "latent", "--data", data(dir).toString(), "--out", dir.resolve("r").toString(), "-P", "posterior=nope");
    assertEquals(2, q.code());
    assertTrue(q.err().contains("posterior must be exact, bridge or gru, got 'nope'"), q.err());
    Result h = run("sde", "fit", "--model", "latent", "--data", data(dir).toString(), "--out", dir.resolve("r").toString(),
        "-P", "posterior=gru", "-P", "hidden=0");
    assertEquals(2, h.code());
    assertTrue(h.err().contains("hidden width and context size must be >= 1, got 0"), h.err());
    Result s = run("sde", "sample", "--model", dir.toString(), "--t1", "1");
    assertEquals(2, s.code());
    assertTrue(s.err().contains("not an SDE fit run"), s.err());
    Result none = run("sde");
    assertEquals(2, none.code());
  }
}
