package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code d4j reflow} of a standardised run (the default for a file target) keeps the target's
 * moments. An in-place {@code Standardization.invert} once turned the reflow pairs into data
 * units while they were written to file and then trained on them as if standardised: the
 * samples of such a run come out shifted by about mean * (std - 1) and std times too wide, which
 * the bounds below reject (measured with the in-place version: mean 1123 instead of 100, sd 54
 * instead of 10).
 */
class ReflowMomentsTest {
  @TempDir Path dir;

  private static final double[] MEAN = {100, -50};
  private static final double[] SD = {10, 2};
  private static final double RHO = 0.6;

  private static void d4j(String... args) {
    TrainCommandTest.Run r = TrainCommandTest.run(args);
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
  }

  /** n draws of the correlated Gaussian target in data units. */
  private static Batch target(long seed, int n) {
    Batch z = Noise.standardNormal(seed, n, 2);
    Batch x = new Batch(n, 2);
    for (int i = 0; i < n; i++) {
      double a = z.get(i, 0);
      double b = RHO * a + Math.sqrt(1 - RHO * RHO) * z.get(i, 1);
      x.set(i, 0, MEAN[0] + SD[0] * a);
      x.set(i, 1, MEAN[1] + SD[1] * b);
    }
    return x;
  }

  @Test
  void reflowOfAStandardisedRunKeepsTheTargetMoments() throws Exception {
    Path data = dir.resolve("target.npy");
    Npy.write(data, target(11, 2000));
    Path base = dir.resolve("base");
    d4j("train", "--objective", "interpolant", "--target", data.toString(), "--steps", "200", "--batch", "128",
        "--width", "32", "--depth", "2", "--n-train", "2000", "--out", base.toString());
    assertTrue(Files.exists(base.resolve("standardization.json")), "the file target is standardised by default");
    Path re = dir.resolve("re");
    d4j("reflow", "--model", base.toString(), "--n-train", "2000", "--ode-steps", "10", "--steps", "200", "--out",
        re.toString());
    // The pair files are in data units: their x1 already has the target's scale.
    checkMoments(Npy.readBatch(re.resolve("reflow-x1.npy")), "reflow-x1.npy");
    Path out = dir.resolve("x.npy");
    d4j("sample", "--model", re.toString(), "--n", "2000", "--steps", "10", "--out", out.toString());
    checkMoments(Npy.readBatch(out), "samples of the reflowed run");
  }

  /**
   * Means within 4.5 standard errors plus 0.1 sd (what 200 training steps leave), standard
   * deviations within 15% and the correlation within 0.1 of the target's.
   */
  private static void checkMoments(Batch x, String what) {
    int n = x.n();
    double[] m = new double[2];
    for (int i = 0; i < n; i++) {
      m[0] += x.get(i, 0) / n;
      m[1] += x.get(i, 1) / n;
    }
    double[] c = new double[3];
    for (int i = 0; i < n; i++) {
      double a = x.get(i, 0) - m[0];
      double b = x.get(i, 1) - m[1];
      c[0] += a * a / (n - 1);
      c[1] += b * b / (n - 1);
      c[2] += a * b / (n - 1);
    }
    double[] sd = {Math.sqrt(c[0]), Math.sqrt(c[1])};
    double rho = c[2] / (sd[0] * sd[1]);
    String got = what + ": mean (" + m[0] + ", " + m[1] + "), sd (" + sd[0] + ", " + sd[1] + "), corr " + rho;
    for (int j = 0; j < 2; j++) {
      assertEquals(MEAN[j], m[j], 4.5 * SD[j] / Math.sqrt(n) + 0.1 * SD[j], got);
      assertEquals(1, sd[j] / SD[j], 0.15, got);
    }
    assertEquals(RHO, rho, 0.1, got);
  }
}
