package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdeCommandTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void gbmWritesNpyWithDocumentedLayoutAndPlot() throws Exception {
    Path npy = dir.resolve("paths.npy");
    Path png = dir.resolve("paths.png");
    Result r = run("sde", "--model", "gbm", "--mu", "0.05", "--sigma", "0.2", "--y0", "1", "--t1", "1",
        "--paths", "2000", "--solver", "milstein", "--dt", "1e-2", "--save-at", "0.25,0.5,1", "--seed", "1",
        "--out", npy.toString(), "--plot", png.toString(), "--plot-paths", "5");
    assertEquals(0, r.code(), r.err());
    NdArray a = Npy.read(npy);
    assertArrayEquals(new long[] {2000, 3}, a.shape());
    double mean = 0;
    for (int p = 0; p < 2000; p++) {
      mean += a.flat(p * 3 + 2) / 2000;
    }
    // E[Y_1] = e^{0.05}; the standard deviation of the mean is 0.21 / sqrt(2000) ~ 0.0047.
    assertEquals(Math.exp(0.05), mean, 0.02);
    assertTrue(Files.size(png) > 1000);
    assertTrue(r.out().contains("exact mean"), r.out());
    // Same seed, same file content.
    Path again = dir.resolve("again.npy");
    assertEquals(0, run("sde", "--model", "gbm", "--mu", "0.05", "--sigma", "0.2", "--paths", "2000", "--solver",
        "milstein", "--dt", "1e-2", "--save-at", "0.25,0.5,1", "--seed", "1", "--out", again.toString()).code());
    assertArrayEquals(Files.readAllBytes(npy), Files.readAllBytes(again));
  }

  @Test
  void multiDimensionalAndAdaptiveRuns() throws Exception {
    Path npy = dir.resolve("lorenz.npy");
    Result r = run("sde", "--model", "lorenz", "--t1", "0.5", "--paths", "50", "--solver", "sri", "--rtol", "1e-3",
        "--save-at", "0.25,0.5", "--out", npy.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(new long[] {50, 6}, Npy.read(npy).shape());
    Result ou = run("sde", "--model", "ou", "-P", "dim=2", "--theta", "2", "--y0", "1,2", "--paths", "100", "--solver", "sra", "--dt", "0.01");
    assertEquals(0, ou.code(), ou.err());
    Path fou = dir.resolve("fou.npy");
    Result f = run("sde", "--model", "fou", "-P", "hurst=0.7", "-P", "k=3", "--paths", "20", "--dt", "0.01", "--out", fou.toString());
    assertEquals(0, f.code(), f.err());
    assertArrayEquals(new long[] {20, 4}, Npy.read(fou).shape());
  }

  @Test
  void badInputExitsWithTwoAndOneLine() {
    Path npy = dir.resolve("never.npy");
    Result[] bad = {
      run("sde", "--model", "nope", "--out", npy.toString()),
      run("sde", "--model", "gbm", "--dt", "-0.1", "--out", npy.toString()),
      run("sde", "--model", "gbm", "--t0", "1", "--t1", "0.5", "--out", npy.toString()),
      run("sde", "--model", "gbm", "--solver", "sra", "--out", npy.toString()),
      run("sde", "--model", "gbm", "--y0", "1,2", "--out", npy.toString()),
      run("sde", "--model", "gbm", "--save-at", "0.5,2", "--out", npy.toString()),
      run("sde", "--model", "gbm", "-P", "colour=red", "--out", npy.toString()),
    };
    String[] expect = {"unknown SDE model 'nope'", "dt", "t1", "sra", "--y0", "save time", "colour"};
    for (int i = 0; i < bad.length; i++) {
      assertEquals(2, bad[i].code(), bad[i].err());
      assertTrue(bad[i].err().contains(expect[i]), bad[i].err());
      assertEquals(1, bad[i].err().strip().lines().count(), bad[i].err());
    }
    assertFalse(Files.exists(npy));
  }

  @Test
  void divergingSolveExitsWithOne() {
    // Euler on a stiff OU (theta * dt = 300): the state overflows to infinity.
    Result r = run("sde", "--model", "ou", "--theta", "3e4", "--dt", "0.01", "--t1", "10", "--paths", "10");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("non-finite") && r.err().contains("path"), r.err());
  }

  @Test
  void threadsOptionGivesBitwiseIdenticalFiles() throws Exception {
    Path one = dir.resolve("one.npy");
    Path two = dir.resolve("two.npy");
    Path all = dir.resolve("all.npy");
    String[] common = {"sde", "--model", "lorenz", "--paths", "300", "--dt", "0.01", "--t1", "0.5", "--solver", "sri", "--seed", "4"};
    assertEquals(0, run(concat(common, "--threads", "1", "--out", one.toString())).code());
    assertEquals(0, run(concat(common, "--threads", "2", "--out", two.toString())).code());
    assertEquals(0, run(concat(common, "--out", all.toString())).code());
    assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
    assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(all));
    Result bad = run("sde", "--model", "gbm", "--threads", "0");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--threads") && bad.err().contains("0"), bad.err());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void refusalsAdviseOnlySolversThatAcceptTheModel() {
    Result heston = run("sde", "--model", "heston", "--solver", "milstein", "--paths", "10");
    assertEquals(2, heston.code(), heston.err());
    assertTrue(heston.err().contains("euler") && !heston.err().contains("heun"), heston.err());
    Result adaptiveEuler = run("sde", "--model", "gbm", "--solver", "euler", "--rtol", "1e-3", "--paths", "10");
    assertEquals(2, adaptiveEuler.code(), adaptiveEuler.err());
    assertTrue(adaptiveEuler.err().contains("adaptive") && adaptiveEuler.err().contains("milstein"), adaptiveEuler.err());
    // Without --solver, --rtol picks a solver whose steps can be controlled.
    Result byDefault = run("sde", "--model", "gbm", "--rtol", "1e-3", "--paths", "10");
    assertEquals(0, byDefault.code(), byDefault.err());
    assertTrue(byDefault.out().contains("solver milstein"), byDefault.out());
  }

  @Test
  void saveRangesAndSummaryTable() throws Exception {
    Path npy = dir.resolve("range.npy");
    Result r = run("sde", "--model", "ou", "--paths", "20", "--dt", "1e-3", "--save-at", "0:1:0.001", "--out", npy.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(new long[] {20, 1001}, Npy.read(npy).shape());
    assertTrue(r.out().lines().count() < 20, r.out());
    assertTrue(r.out().contains("991 more save times"), r.out());
    Path every = dir.resolve("every.npy");
    Result e = run("sde", "--model", "ou", "--paths", "20", "--save-every", "0.3", "--out", every.toString());
    assertEquals(0, e.code(), e.err());
    assertArrayEquals(new long[] {20, 4}, Npy.read(every).shape()); // 0.3, 0.6, 0.9, 1
    Result both = run("sde", "--model", "ou", "--save-every", "0.3", "--save-at", "1");
    assertEquals(2, both.code());
    Result badRange = run("sde", "--model", "ou", "--save-at", "0:1");
    assertEquals(2, badRange.code());
    assertTrue(badRange.err().contains("0:1"), badRange.err());
  }

  @Test
  void dimOptionAndOneValueForAllComponents() throws Exception {
    Path npy = dir.resolve("gbm3.npy");
    Result r = run("sde", "--model", "gbm", "--dim", "3", "--y0", "2", "--paths", "10", "--dt", "0.1", "--out", npy.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(new long[] {10, 3}, Npy.read(npy).shape());
    assertTrue(r.out().contains("dim 3"), r.out());
    Result lorenz = run("sde", "--model", "lorenz", "--dim", "2");
    assertEquals(2, lorenz.code());
    assertTrue(lorenz.err().contains("--dim") && lorenz.err().contains("gbm"), lorenz.err());
  }

  @Test
  void explicitSchemeLeavingTheDomainFails() {
    Result r = run("sde", "--model", "gbm", "--sigma", "50", "--dt", "0.1", "--paths", "1000");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("left the domain") && r.err().contains("--dt"), r.err());
    Result fine = run("sde", "--model", "cir", "--paths", "200", "--dt", "1e-3");
    assertEquals(0, fine.code(), fine.err());
  }
}
