package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** d4j likelihood options of issue 24: the data-end time's name and --prior exact. */
class LikelihoodOptionsTest {
  @TempDir Path dir;

  private static TrainCommandTest.Run d4j(String... args) {
    return TrainCommandTest.run(args);
  }

  /** likelihood: --t-end is the data-end time as in sample, --eps its alias; --t-start / --T likewise. */
  @Test
  void likelihoodTakesTheDataEndTimeAsTEndOrEps() throws Exception {
    Path data = dir.resolve("x.npy");
    Npy.write(data, ModelSpecs.mixture("ring8-2d").sample(2, 6));
    String[] common = {"likelihood", "--model", "gmm:ring8-2d", "--path", "vp-linear", "--data", data.toString(),
        "--rtol", "1e-4"};
    TrainCommandTest.Run a = d4j(cat(common, "--t-end", "0.01", "--t-start", "0.9"));
    TrainCommandTest.Run b = d4j(cat(common, "--eps", "0.01", "--T", "0.9"));
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().contains("eps = 0.01, T = 0.9"), a.out());
    assertEquals(a.out().replaceAll("[0-9.]+ s\\n", ""), b.out().replaceAll("[0-9.]+ s\\n", ""));
  }

  /**
   * --prior exact evaluates the mixture's own marginal at T, so the only error left against the
   * closed-form log p_eps is the ODE solver's. At T = 1 on vp-linear the Gaussian prior is off by
   * alpha(1) ~ 0.007 of the data; at T = 0.5 (alpha ~ 0.28) it is off by much more. Both drop to
   * the solver tolerance.
   */
  @Test
  void exactPriorRemovesThePriorMismatch() throws Exception {
    GaussianMixture ring = ModelSpecs.mixture("ring8-2d");
    Batch x = ring.sample(4, 12);
    Path data = dir.resolve("x.npy");
    Npy.write(data, x);
    GaussianPath path = Paths.create("vp-linear", Map.of());
    for (String t : new String[] {"1", "0.5"}) {
      double[] exact = ring.logDensity(path, 1e-5, x);
      double[] err = new double[2];
      String[] priors = {"gaussian", "exact"};
      for (int k = 0; k < 2; k++) {
        Path out = dir.resolve("lp" + k + ".npy");
        TrainCommandTest.Run r = d4j("likelihood", "--model", "gmm:ring8-2d", "--path", "vp-linear", "--data", data.toString(), "--rtol",
            "1e-8", "--t-start", t, "--prior", priors[k], "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        double[] got = Npy.read(out).data();
        for (int i = 0; i < got.length; i++) {
          err[k] = Math.max(err[k], Math.abs(got[i] - exact[i]));
        }
      }
      assertTrue(err[1] < 1e-5, "T = " + t + ": exact prior, max error " + err[1]);
      assertTrue(err[0] > 100 * err[1], "T = " + t + ": Gaussian prior " + err[0] + " vs exact " + err[1]);
    }
    TrainCommandTest.Run bad = d4j("likelihood", "--model", "gmm:ring8-2d", "--data", data.toString(), "--prior", "uniform");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--prior"), bad.err());
  }

  /**
   * Without --rtol, dopri5 runs at 1e-5 on an exact mixture and at 1e-4 on a trained network,
   * whose own error is ~30x the solver error at 1e-4 (docs/likelihood.md); --rtol overrides both.
   */
  @Test
  void defaultToleranceFollowsTheModelKind() throws Exception {
    Path data = dir.resolve("x.npy");
    Npy.write(data, ModelSpecs.mixture("ring8-2d").sample(2, 3));
    TrainCommandTest.Run g = d4j("likelihood", "--model", "gmm:ring8-2d", "--path", "vp-linear", "--data", data.toString());
    assertEquals(0, g.code(), g.err());
    assertTrue(g.out().contains("dopri5 (rtol 1.0E-5, atol 1.0E-5)"), g.out());
    Path run = dir.resolve("run");
    assertEquals(0, d4j("train", "--data", "moons", "--out", run.toString(), "--steps", "5", "--batch", "32", "--width",
        "8", "--depth", "1", "--n-train", "200").code());
    TrainCommandTest.Run t = d4j("likelihood", "--model", run.toString(), "--data", data.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("dopri5 (rtol 1.0E-4, atol 1.0E-4)"), t.out());
    TrainCommandTest.Run o = d4j("likelihood", "--model", run.toString(), "--data", data.toString(), "--rtol", "1e-3");
    assertTrue(o.out().contains("dopri5 (rtol 0.001, atol 0.001)"), o.out());
  }

  private static String[] cat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
