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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code d4j sde fit/sample} with the neural-SDE families of part 2 (lsde .. ncde, sde-gan) on a tiny series. */
class SdeNeuralFitCommandTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  /** Three AR(1) series on 10 irregular times. */
  private static Path data(Path dir) throws Exception {
    StringBuilder sb = new StringBuilder("t,a,b,c\n");
    java.util.Random r = new java.util.Random(3);
    double[] y = {0.5, -0.3, 0.1};
    double t = 0;
    for (int k = 0; k < 10; k++) {
      sb.append(t);
      for (int i = 0; i < 3; i++) {
        sb.append(',').append(y[i]);
        y[i] += -0.2 * y[i] + 0.3 * r.nextGaussian();
      }
      sb.append('\n');
      t += 0.1 + 0.1 * (k % 3);
    }
    Path f = dir.resolve("series.csv");
    Files.writeString(f, sb.toString());
    return f;
  }

  private static NdArray sample(Path run, Path npy, String seed) throws Exception {
    Result s = run("sde", "sample", "--model", run.toString(), "--t1", "1.5", "--paths", "5", "--saves", "7", "--seed", seed,
        "--out", npy.toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("shape (5, 7)"), s.out());
    return Npy.read(npy);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lsde", "lnsde", "gsde", "nsde", "ncde", "sde-gan"})
  void fitThenSampleRoundTrip(String model, @TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    Result fit = run("sde", "fit", "--model", model, "--data", data(dir).toString(), "--out", run.toString(),
        "--iterations", "3", "-P", "hidden=4");
    assertEquals(0, fit.code(), fit.err());
    assertTrue(fit.out().contains(model.equals("sde-gan") ? "mean_t1_gen" : "dropped_mse"), fit.out());
    assertTrue(Files.size(run.resolve("fit.png")) > 1000);
    String json = Files.readString(run.resolve("sde-model.json"));
    assertTrue(json.contains("\"model\": \"" + model + "\"") || json.contains("\"model\":\"" + model + "\""), json);

    NdArray a = sample(run, dir.resolve("a.npy"), "7");
    NdArray b = sample(run, dir.resolve("b.npy"), "7");
    assertArrayEquals(new long[] {5, 7}, a.shape());
    for (double v : a.data()) {
      assertTrue(Double.isFinite(v), model + ": non-finite sample " + v);
    }
    assertArrayEquals(a.data(), b.data(), 0.0, model + ": same seed, different samples");
    if (!model.equals("ncde")) { // the neural CDE is deterministic; every other family draws noise
      NdArray c = sample(run, dir.resolve("c.npy"), "8");
      assertFalse(java.util.Arrays.equals(a.data(), c.data()), model + ": another seed gave the same samples");
    }
  }

  @Test
  void interpolationFitIsSeededAndScoresTheDroppedValues(@TempDir Path dir) throws Exception {
    Path csv = data(dir);
    Result one = run("sde", "fit", "--model", "lsde", "--data", csv.toString(), "--out", dir.resolve("r1").toString(),
        "--iterations", "2", "-P", "hidden=4", "-P", "drop=0.5");
    Result two = run("sde", "fit", "--model", "lsde", "--data", csv.toString(), "--out", dir.resolve("r2").toString(),
        "--iterations", "2", "-P", "hidden=4", "-P", "drop=0.5");
    assertEquals(0, one.code(), one.err());
    assertEquals(Files.readString(dir.resolve("r1/sde-model.json")), Files.readString(dir.resolve("r2/sde-model.json")));
    var w1 = org.diffusion4j.io.Npz.read(dir.resolve("r1/weights.npz"));
    var w2 = org.diffusion4j.io.Npz.read(dir.resolve("r2/weights.npz"));
    assertEquals(w1.keySet(), w2.keySet());
    for (String k : w1.keySet()) {
      assertArrayEquals(w1.get(k).data(), w2.get(k).data(), 0.0, k);
    }
    // 50% of 10 time points of 3 series are dropped: 15 values scored against the linear-interpolation baseline.
    assertTrue(one.out().contains("dropped    15"), one.out());
  }

  @Test
  void badInputIsOneLineExitTwo(@TempDir Path dir) throws Exception {
    Path csv = data(dir);
    for (String model : new String[] {"lsde", "sde-gan"}) {
      Result p = run("sde", "fit", "--model", model, "--data", csv.toString(), "--out", dir.resolve("r").toString(),
          "--iterations", "1", "-P", "obs-std=0.1");
      assertEquals(2, p.code(), p.err());
      assertTrue(p.err().contains("no option 'obs-std'"), p.err());
      assertEquals(1, p.err().strip().lines().count(), p.err());
    }
    Result d = run("sde", "fit", "--model", "ncde", "--data", csv.toString(), "--out", dir.resolve("r").toString(),
        "--iterations", "1", "-P", "drop=1");
    assertEquals(2, d.code(), d.err());
    assertTrue(d.err().contains("drop must be in [0, 1)"), d.err());
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "t,a\n0,1\n0.2,2\n0.2,3\n0.4,1\n");
    for (String model : new String[] {"gsde", "sde-gan"}) {
      Result r = run("sde", "fit", "--model", model, "--data", bad.toString(), "--out", dir.resolve("r").toString());
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("strictly increasing"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }
}
