package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sampler.TimeGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code d4j sample}, {@code d4j solvers} and {@code d4j bench samplers} contracts. */
class SampleCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run d4j(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private Path mixtureSpec() throws Exception {
    GaussianMixture mix = new GaussianMixture(new double[] {0.5, 0.5}, new double[][] {{-1, 0}, {1, 0.5}},
        new double[][] {{0.2, 0.1}, {0.1, 0.3}});
    Path spec = dir.resolve("mix.json");
    Files.writeString(spec, mix.toJson());
    return spec;
  }

  @Test
  void solversListsOneNamePerLine() {
    Run r = d4j("solvers");
    assertEquals(0, r.code());
    assertEquals(Samplers.names(), r.out().lines().toList());
    for (String required : new String[] {"euler", "ddim", "heun", "dpm-solver-1", "dpm-solver-2", "dpm-solver-3",
        "dpm-solver-multistep-2", "dpm-solver-multistep-3", "dpm-solver++-2s", "dpm-solver++-2m", "dpm-solver++-3m",
        "dpm-solver++-2m-sde", "unipc-bh1-2", "unipc-bh2-3", "deis-3", "dpm-solver-adaptive", "pc", "euler-maruyama",
        "euler-ancestral"}) {
      assertTrue(r.out().lines().anyMatch(required::equals), required);
    }
  }

  @Test
  void sampleUsesTheNoiseAsGivenAndMatchesTheLibrary() throws Exception {
    Path spec = mixtureSpec();
    Batch noise = Noise.standardNormal(5, 50, 2);
    Path xt = dir.resolve("xt.npy");
    Path out = dir.resolve("x.npy");
    Npy.write(xt, noise);
    Run r = d4j("sample", "--model", "gmm:" + spec, "--path", "vp-linear", "--beta-min", "0.1", "--beta-max", "20",
        "--solver", "dpm-solver++-2m", "--nfe", "10", "--grid", "logsnr", "--t-start", "1", "--t-end", "1e-3",
        "--noise", xt.toString(), "--out", out.toString(), "--plot", dir.resolve("x.png").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().lines().anyMatch("nfe=10"::equals), r.err());
    GaussianPath path = Paths.create("vp-linear", Map.of("beta-min", "0.1", "beta-max", "20"));
    Batch expected = Sampling.with(Samplers.create("dpm-solver++-2m"),
        GaussianMixture.read(spec).denoiser(path, Prediction.EPSILON), path).grid(TimeGrid.Spacing.LOGSNR)
        .times(1, 1e-3).nfe(10).run(noise).x();
    assertArrayEquals(expected.data(), Npy.readBatch(out).data(), 0.0);
    assertTrue(Files.size(dir.resolve("x.png")) > 1000);
  }

  @Test
  void denoiseFinalAndOrderAndSeededNoise() throws Exception {
    Path spec = mixtureSpec();
    Path out = dir.resolve("x.npy");
    Run r = d4j("sample", "--model", "gmm:" + spec, "--solver", "dpm-solver++-2m", "--order", "3", "--nfe", "8",
        "--t-start", "1", "--t-end", "1e-3", "--denoise-final", "--n", "20", "--seed", "3", "--out", out.toString(),
        "--prediction", "v");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("nfe=8"), r.err());
    Batch x = Npy.readBatch(out);
    assertEquals(20, x.n());
    Run again = d4j("sample", "--model", "gmm:" + spec, "--solver", "dpm-solver++-2m", "--order", "3", "--nfe", "8",
        "--t-start", "1", "--t-end", "1e-3", "--denoise-final", "--n", "20", "--seed", "3", "--out",
        dir.resolve("y.npy").toString());
    assertEquals(0, again.code());
    assertTrue(x.maxAbsDistance(Npy.readBatch(dir.resolve("y.npy"))) < 1e-9, "prediction kind changed the result");
  }

  @Test
  void userTimesDrawThePriorAtTheGridsFirstTime() throws Exception {
    // A VE grid that starts at t = 0.6 (sigma 1.66), far below the default start (sigma_max 50): the initial noise must
    // have the scale of the grid's first time, or the ODE carries 30x too much noise to the data end.
    Path spec = mixtureSpec();
    Path out = dir.resolve("x.npy");
    StringBuilder times = new StringBuilder();
    for (int i = 0; i <= 40; i++) {
      times.append(i == 0 ? "" : ",").append(0.6 * (1 - i / 40.0) + 1e-3 * i / 40.0);
    }
    Run r = d4j("sample", "--model", "gmm:" + spec, "--path", "ve", "--solver", "ddim", "--times", times.toString(),
        "--n", "400", "--seed", "1", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Batch x = Npy.readBatch(out);
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < x.n(); i++) {
      sum += x.get(i, 0);
      sq += x.get(i, 0) * x.get(i, 0);
    }
    double mean = sum / x.n();
    double std = Math.sqrt(sq / x.n() - mean * mean);
    // The mixture's first coordinate has std sqrt(0.2 + 1) = 1.10; 400 samples estimate it to about 4%.
    assertEquals(1.095, std, 0.2, "std of the first coordinate");
  }

  @Test
  void badUsageExitsTwoWithOneLine() throws Exception {
    Path spec = mixtureSpec();
    Path xt = dir.resolve("xt3.npy");
    Npy.write(xt, Noise.standardNormal(1, 4, 3));
    String[][] cases = {
      {"sample", "--model", "gmm:" + spec, "--nfe", "0", "--out", dir.resolve("a.npy").toString()},
      {"sample", "--model", "gmm:" + spec, "--solver", "no-such", "--nfe", "5", "--out", dir.resolve("b.npy").toString()},
      {"sample", "--model", "gmm:" + spec, "--nfe", "5", "--noise", xt.toString(), "--out", dir.resolve("c.npy").toString()},
      {"sample", "--model", "gmm:" + spec, "--solver", "pc", "--nfe", "5", "--out", dir.resolve("d.npy").toString()},
      {"sample", "--model", "nonsense", "--nfe", "5", "--out", dir.resolve("e.npy").toString()},
      {"sample", "--model", "gmm:" + spec, "--nfe", "5", "--lower-order-final", "below:0", "--out",
          dir.resolve("f.npy").toString()},
      {"sample", "--model", "gmm:" + spec, "--nfe", "5", "--singlestep-points", "middle", "--out",
          dir.resolve("g.npy").toString()},
    };
    String[] expect = {"--nfe", "no-such", "dimension", "multiple of 2", "--model", "--lower-order-final",
        "--singlestep-points"};
    for (int i = 0; i < cases.length; i++) {
      Run r = d4j(cases[i]);
      assertEquals(2, r.code(), String.join(" ", cases[i]) + " -> " + r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().contains(expect[i]), r.err());
      assertFalse(Files.exists(dir.resolve((char) ('a' + i) + ".npy")), "no output on failure");
    }
  }

  @Test
  void benchSamplersWritesTableAndPlot() throws Exception {
    Path spec = mixtureSpec();
    Path tsv = dir.resolve("t.tsv");
    Path png = dir.resolve("t.png");
    Run r = d4j("bench", "samplers", "--model", "gmm:" + spec, "--solvers", "ddim,dpm-solver++-2m,unipc-bh2-3",
        "--nfe", "5,10,20", "--n", "40", "--t-start", "1", "--t-end", "1e-3", "--tol", "1e-9", "--out", tsv.toString(),
        "--plot", png.toString());
    assertEquals(0, r.code(), r.err());
    var lines = Files.readAllLines(tsv);
    assertEquals("solver\t5\t10\t20", lines.get(0));
    assertEquals(4, lines.size());
    for (String line : lines.subList(1, 4)) {
      String[] f = line.split("\t");
      double e5 = Double.parseDouble(f[1]);
      double e20 = Double.parseDouble(f[3]);
      assertTrue(e20 < e5, "error must fall with NFE: " + line);
    }
    assertTrue(Files.size(png) > 1000);
  }
}
