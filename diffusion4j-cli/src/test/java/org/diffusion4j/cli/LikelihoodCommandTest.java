package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.likelihood.DormandPrince;
import org.diffusion4j.likelihood.Likelihood;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LikelihoodCommandTest {
  @TempDir Path dir;

  private final GaussianMixture g = new GaussianMixture(new double[] {1, 2},
      new double[][] {{-1, 0.5}, {1, -0.5}}, new double[][] {{0.2, 0.3}, {0.4, 0.1}});

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private Path spec() throws Exception {
    Path p = dir.resolve("gmm.json");
    Files.writeString(p, g.toJson());
    return p;
  }

  @Test
  void writesTheSameLogLikelihoodsAsTheLibraryAndReportsTheConvention() throws Exception {
    Path data = dir.resolve("x.npy");
    Batch x = g.sample(3, 20);
    Npy.write(data, x);
    Path out = dir.resolve("logp.npy");
    Run r = run("likelihood", "--model", "gmm:" + spec(), "--path", "vp-linear", "--data", data.toString(),
        "--out", out.toString(), "--rtol", "1e-6");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("log p_eps(x)"), r.out());
    assertTrue(r.out().contains("eps = 1e-05"), r.out());
    assertTrue(r.out().contains("bits/dim"), r.out());
    double[] got = Npy.read(out).data();
    GaussianPath path = Paths.create("vp-linear", Map.of());
    double[] want = Likelihood.builder(g.denoiser(path, Prediction.EPSILON), path)
        .solver(new DormandPrince(1e-6, 1e-6)).build().evaluate(x).logp();
    assertEquals(20, got.length);
    for (int i = 0; i < 20; i++) {
      assertEquals(want[i], got[i], 0, "row " + i);
    }
    // And they are the closed-form log p_eps up to the prior mismatch at T (alpha(1) ~ 0.007).
    double[] exact = g.logDensity(path, 1e-5, x);
    for (int i = 0; i < 20; i++) {
      assertEquals(exact[i], got[i], 0.05, "row " + i);
    }
  }

  @Test
  void bitsPerDimOfEightBitDataWithHutchinson() throws Exception {
    Path data = dir.resolve("u8.npy");
    Batch counts = new Batch(10, 2);
    for (int i = 0; i < counts.size(); i++) {
      counts.data()[i] = (i * 37) % 256;
    }
    Npy.write(data, counts);
    Run r = run("likelihood", "--model", "gmm:" + spec(), "--path", "ve", "--data", data.toString(),
        "--hutchinson", "2", "--bits-per-dim", "--dequantize", "uniform", "--samples", "3", "--seed", "4");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("K = 3"), r.out());
    assertTrue(r.out().matches("(?s).*bits/dim\\s+\\d+\\.\\d+.*"), r.out());
  }

  @Test
  void badInputExitsWithTwoAndOneLine() throws Exception {
    Path data = dir.resolve("x3.npy");
    Npy.write(data, new Batch(4, 3));
    Run wrongDim = run("likelihood", "--model", "gmm:" + spec(), "--path", "vp-linear", "--data", data.toString());
    assertEquals(2, wrongDim.code());
    assertTrue(wrongDim.err().contains("dimension 3"), wrongDim.err());
    assertEquals(1, wrongDim.err().strip().lines().count(), wrongDim.err());

    Path nan = dir.resolve("nan.npy");
    Batch b = new Batch(2, 2);
    b.set(1, 0, Double.NaN);
    Npy.write(nan, b);
    Run nanRun = run("likelihood", "--model", "gmm:" + spec(), "--path", "vp-linear", "--data", nan.toString());
    assertEquals(2, nanRun.code());
    assertTrue(nanRun.err().contains("row 1, column 0"), nanRun.err());

    Path ok = dir.resolve("ok.npy");
    Npy.write(ok, new Batch(2, 2));
    assertEquals(2, run("likelihood", "--model", "gmm:" + spec(), "--path", "vp-linear", "--data", ok.toString(),
        "--rtol", "0").code());
    Run epsRun = run("likelihood", "--model", "gmm:" + spec(), "--path", "vp-linear", "--data", ok.toString(),
        "--eps", "0.5", "--T", "0.4");
    assertEquals(2, epsRun.code());
    assertTrue(epsRun.err().contains("smaller than T"), epsRun.err());
    Path frac = dir.resolve("frac.npy");
    Npy.write(frac, new Batch(1, 2, new double[] {3, 0.5}));
    Run fracRun = run("likelihood", "--model", "gmm:" + spec(), "--path", "vp-linear", "--data", frac.toString(),
        "--bits-per-dim");
    assertEquals(2, fracRun.code());
    assertTrue(fracRun.err().contains("integer values in [0, 255]"), fracRun.err());
  }

  /**
   * A trained run (tiny, 10 steps, on a standardised NPY file): the command uses the run's path,
   * the autograd divergence and adds the standardisation's log-determinant -sum log std exactly.
   */
  @Test
  void trainedRunWithStandardization() throws Exception {
    Batch train = g.sample(11, 300);
    for (int i = 0; i < 300; i++) {
      train.set(i, 0, 3 * train.get(i, 0) + 1);
      train.set(i, 1, 2 * train.get(i, 1));
    }
    Path trainFile = dir.resolve("train.npy");
    Npy.write(trainFile, train);
    Path run = dir.resolve("run");
    Run t = run("train", "--data", trainFile.toString(), "--out", run.toString(), "--objective", "eps", "--path",
        "vp-linear", "--steps", "10", "--batch", "64", "--width", "16", "--depth", "1", "--checkpoint-every", "10");
    assertEquals(0, t.code(), t.err());
    Path data = dir.resolve("x.npy");
    Batch x = new Batch(4, 2, new double[] {1, 0, 2, 0.3, -2, -0.4, 4, 0.1});
    Npy.write(data, x);
    Path out = dir.resolve("logp.npy");
    Run r = run("likelihood", "--model", run.toString(), "--data", data.toString(), "--out", out.toString(),
        "--solver", "rk4", "--steps", "8");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("standardization.json"), r.out());
    assertTrue(r.out().contains("autograd"), r.out());
    double[] got = Npy.read(out).data();
    org.diffusion4j.nn.data.Standardization st = org.diffusion4j.nn.data.Standardization.fromJson(
        Files.readString(run.resolve("standardization.json")));
    double logDet = -Math.log(st.std()[0]) - Math.log(st.std()[1]);
    assertTrue(Math.abs(logDet) > 0.1, "the test needs a visible scaling: " + logDet);
    try (var model = org.diffusion4j.nn.NeuralDenoiser.load(run);
        var div = org.diffusion4j.nn.likelihood.AutogradDivergence.load(run, 0, 0)) {
      double[] want = Likelihood.builder(model, model.path()).divergence(div)
          .solver(org.diffusion4j.likelihood.FixedStepSolver.rk4(8)).build().evaluate(st.apply(x)).logp();
      for (int i = 0; i < 4; i++) {
        assertEquals(want[i] + logDet, got[i], 1e-12, "row " + i);
      }
    }
    Run bad = run("likelihood", "--model", run.toString(), "--data", data.toString(), "--prediction", "x0");
    assertEquals(2, bad.code());
  }
}
