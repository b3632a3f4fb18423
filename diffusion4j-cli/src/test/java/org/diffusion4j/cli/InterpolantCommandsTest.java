package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Csv;
import org.diffusion4j.io.Npy;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interpolant side of d4j train / sample / reflow: tiny budgets for files, shapes, units and
 * exit codes; the reward tests run on the exact mixture ring8-2d on the cond-ot path.
 */
class InterpolantCommandsTest {
  /** The hard region reward used below: the box holds 2 of the 8 modes of ring8-2d (weight 3/12). */
  static final String REGION = "region:1,3,-0.5,2";

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run d4j(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private static final String[] TINY = {"--steps", "20", "--batch", "64", "--width", "32", "--depth", "1", "--n-train",
      "2000"};

  private static String[] cat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void trainSampleAndReflowAnInterpolantRun() throws Exception {
    Path run = dir.resolve("run");
    Run t = d4j(cat(new String[] {"train", "--objective", "interpolant", "--source", "moons", "--target", "checkerboard",
        "--coupling", "ot", "--out", run.toString()}, TINY));
    assertEquals(0, t.code(), t.err());
    assertTrue(Files.exists(run.resolve("interpolant.json")));
    assertTrue(t.out().contains("moons -> checkerboard"), t.out());
    // No standardisation files for toy end points.
    assertFalse(Files.exists(run.resolve("standardization.json")));
    Path ode = dir.resolve("ode.npy");
    Run r = d4j("sample", "--model", run.toString(), "--n", "50", "--steps", "4", "--out", ode.toString(), "--plot",
        dir.resolve("p.png").toString(), "--reference", "checkerboard");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().lines().anyMatch("nfe=8"::equals), r.err());
    Matcher w = Pattern.compile("sliced W1 to checkerboard=([0-9.]+) floor=([0-9.]+)").matcher(r.err());
    assertTrue(w.find(), r.err());
    assertTrue(Double.parseDouble(w.group(1)) > 0 && Double.parseDouble(w.group(2)) > 0, r.err());
    Batch x = Npy.readBatch(ode);
    assertEquals(50, x.n());
    assertEquals(2, x.d());
    assertTrue(Files.size(dir.resolve("p.png")) > 1000);
    Path sde = dir.resolve("sde.npy");
    Run s = d4j("sample", "--model", run.toString(), "--sde-eps", "0.5", "--n", "50", "--steps", "4", "--out",
        sde.toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(Npy.readBatch(sde).rmsDistance(x) > 0);
    // The same seed gives the same samples.
    Path sde2 = dir.resolve("sde2.npy");
    assertEquals(0, d4j("sample", "--model", run.toString(), "--sde-eps", "0.5", "--n", "50", "--steps", "4", "--out",
        sde2.toString()).code());
    assertArrayEquals(Npy.readBatch(sde).data(), Npy.readBatch(sde2).data(), 0.0);

    Path re = dir.resolve("reflow");
    Run f = d4j("reflow", "--model", run.toString(), "--n-train", "100", "--ode-steps", "4", "--steps", "10", "--out",
        re.toString());
    assertEquals(0, f.code(), f.err());
    assertTrue(f.out().contains("straightness"), f.out());
    assertEquals(100, Npy.readBatch(re.resolve("reflow-x1.npy")).n());
    Run e = d4j("sample", "--model", re.toString(), "--source", "moons", "--n", "50", "--steps", "2", "--out",
        dir.resolve("e.npy").toString());
    assertEquals(0, e.code(), e.err());
    // The reflowed run has no score and is no flow (paired data source): an SDE is a usage error.
    Run bad = d4j("sample", "--model", re.toString(), "--sde-eps", "0.5", "--n", "10", "--out",
        dir.resolve("x.npy").toString());
    assertEquals(2, bad.code());
    assertEquals(1, bad.err().lines().count(), bad.err());
    // Diffusion-only options are refused on an interpolant run, and --resume continues it.
    assertEquals(2, d4j("sample", "--model", run.toString(), "--denoise-final", "--out", dir.resolve("y.npy").toString())
        .code());
    // NFE is the budget users give: Heun's 2 evaluations per step, counted; an unreachable budget names the nearest.
    Run nfe = d4j("sample", "--model", run.toString(), "--nfe", "4", "--n", "10", "--out", dir.resolve("y.npy").toString());
    assertEquals(0, nfe.code(), nfe.err());
    assertTrue(nfe.err().contains("nfe=4"), nfe.err());
    Run odd = d4j("sample", "--model", run.toString(), "--nfe", "5", "--n", "10", "--out", dir.resolve("y.npy").toString());
    assertEquals(2, odd.code());
    assertTrue(odd.err().contains("4 or 6"), odd.err());
    assertEquals(2, d4j(cat(new String[] {"train", "--objective", "interpolant", "--target", "checkerboard", "--out",
        run.toString()}, TINY)).code());
    Run more = d4j("train", "--objective", "interpolant", "--source", "moons", "--target", "checkerboard", "--resume", "--n-train", "2000",
        "--steps", "25", "--out", run.toString());
    assertEquals(0, more.code(), more.err());
    assertTrue(more.out().contains("steps 20 -> 25"), more.out());
  }

  /**
   * --score-loss score trains the score network on L_s and stores the choice in interpolant.json;
   * the run samples with the SDE, resumes with its stored objective and refuses a contradicting one.
   */
  @Test
  void scoreLossOptionIsStoredAndKeptOnResume() throws Exception {
    Path run = dir.resolve("srun");
    Run t = d4j(cat(new String[] {"train", "--objective", "interpolant", "--target", "moons", "--score-loss", "score",
        "--out", run.toString()}, TINY));
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("velocity + score (score loss)"), t.out());
    assertTrue(Files.readString(run.resolve("interpolant.json")).contains("\"scoreObjective\": \"score\""));
    Run s = d4j("sample", "--model", run.toString(), "--sde-eps", "0.5", "--n", "20", "--steps", "4", "--out",
        dir.resolve("s.npy").toString());
    assertEquals(0, s.code(), s.err());
    assertEquals(20, Npy.readBatch(dir.resolve("s.npy")).n());
    Run clash = d4j("train", "--objective", "interpolant", "--target", "moons", "--resume", "--score-loss", "denoiser",
        "--steps", "25", "--out", run.toString());
    assertEquals(2, clash.code(), clash.err());
    assertTrue(clash.err().contains("--score-loss"), clash.err());
    Run more = d4j("train", "--objective", "interpolant", "--target", "moons", "--resume", "--n-train", "2000", "--steps",
        "25", "--out", run.toString());
    assertEquals(0, more.code(), more.err());
    assertTrue(more.out().contains("steps 20 -> 25") && more.out().contains("(score loss)"), more.out());
  }

  /**
   * A run trained between shifted and scaled files learns standardised coordinates: the samples
   * come back in the target file's units, and x0 read from the source file is standardised first.
   * Without that, 30 steps could not move N(0, 1)-sized outputs to a mean of 100.
   */
  @Test
  void fileEndPointsAreStandardisedAndSamplesComeBackInFileUnits() throws Exception {
    Batch src = Noise.standardNormal(1, 1000, 2);
    Batch tgt = Noise.standardNormal(2, 1000, 2);
    for (int i = 0; i < 1000; i++) {
      src.set(i, 0, -20 + 2 * src.get(i, 0));
      src.set(i, 1, 5 + 3 * src.get(i, 1));
      tgt.set(i, 0, 100 + 10 * tgt.get(i, 0));
      tgt.set(i, 1, -50 + 0.1 * tgt.get(i, 1));
    }
    Path srcFile = dir.resolve("src.npy");
    Path tgtFile = dir.resolve("tgt.csv");
    Npy.write(srcFile, src);
    Csv.write(tgtFile, tgt, List.of("x", "y"));
    Path run = dir.resolve("run");
    Run t = d4j("train", "--objective", "interpolant", "--source", srcFile.toString(), "--target", tgtFile.toString(),
        "--steps", "30", "--batch", "128", "--width", "32", "--depth", "1", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(Files.exists(run.resolve("standardization.json")));
    assertTrue(Files.exists(run.resolve("source-standardization.json")));
    for (String[] extra : new String[][] {{}, {"--sde-eps", "0.3"}}) {
      Path out = dir.resolve("s" + extra.length + ".npy");
      // the run's source file lies outside the run directory, so it comes from the command line
      Run s = d4j(cat(new String[] {"sample", "--model", run.toString(), "--source", srcFile.toString(), "--n", "500",
          "--steps", "10", "--out", out.toString()}, extra));
      assertEquals(0, s.code(), s.err());
      Batch x = Npy.readBatch(out);
      double[] m = columnMeans(x);
      double[] sd = columnSds(x, m);
      // Loose bounds (an untrained network moves standardised data by O(1) sd), far tighter
      // than the 100 and 50 units an unstandardised run would be off by.
      assertTrue(Math.abs(m[0] - 100) < 10 && sd[0] > 3 && sd[0] < 30, "x: mean " + m[0] + ", sd " + sd[0]);
      assertTrue(Math.abs(m[1] + 50) < 0.1 && sd[1] > 0.03 && sd[1] < 0.3, "y: mean " + m[1] + ", sd " + sd[1]);
    }
    // --no-standardize keeps raw units (no statistics written).
    Path raw = dir.resolve("raw");
    assertEquals(0, d4j("train", "--objective", "interpolant", "--target", tgtFile.toString(), "--no-standardize",
        "--steps", "2", "--batch", "16", "--width", "8", "--depth", "1", "--out", raw.toString()).code());
    assertFalse(Files.exists(raw.resolve("standardization.json")));
  }

  /**
   * --sde-eps and --reward on a diffusion run of d4j train --objective flow (cond-ot) trained on a
   * shifted file: samples and rewards are in the file's units (a reward on model units, around 0,
   * would be 0 for the box x &gt; 50 that holds half the data). An eps run cannot start the flow at
   * alpha = 0: a usage error.
   */
  @Test
  void flowSdeAndRewardOnATrainedDiffusionRunUseFileUnits() throws Exception {
    Batch tgt = Noise.standardNormal(4, 1000, 2);
    for (int i = 0; i < 1000; i++) {
      tgt.set(i, 0, 50 + 10 * tgt.get(i, 0));
      tgt.set(i, 1, 7 + 2 * tgt.get(i, 1));
    }
    Path data = dir.resolve("d.npy");
    Npy.write(data, tgt);
    Path run = dir.resolve("flow");
    Run t = d4j("train", "--objective", "flow", "--data", data.toString(), "--steps", "30", "--batch", "128", "--width",
        "32", "--depth", "1", "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    Path x = dir.resolve("x.npy");
    Run s = d4j("sample", "--model", run.toString(), "--sde-eps", "1", "--n", "400", "--steps", "10", "--out", x.toString());
    assertEquals(0, s.code(), s.err());
    double[] m = columnMeans(Npy.readBatch(x));
    assertTrue(Math.abs(m[0] - 50) < 10 && Math.abs(m[1] - 7) < 2, java.util.Arrays.toString(m));
    Run r = d4j("sample", "--model", run.toString(), "--reward", "region:50,1000,-1000,1000", "--n", "400", "--steps",
        "10", "--out", x.toString());
    assertEquals(0, r.code(), r.err());
    Matcher mm = Pattern.compile("reward mean=([0-9.]+)").matcher(r.err());
    assertTrue(mm.find(), r.err());
    assertTrue(Double.parseDouble(mm.group(1)) > 0.2, r.err());
    Path eps = dir.resolve("eps");
    assertEquals(0, d4j("train", "--objective", "eps", "--path", "cond-ot", "--data", "moons", "--steps", "3", "--batch",
        "16", "--width", "8", "--depth", "1", "--n-train", "100", "--out", eps.toString()).code());
    Run bad = d4j("sample", "--model", eps.toString(), "--sde-eps", "1", "--n", "10", "--out", x.toString());
    assertEquals(2, bad.code(), bad.err());
    assertEquals(1, bad.err().lines().count(), bad.err());
  }

  /**
   * Reward-guided sampling with budget 1 is plain Euler-Maruyama sampling of the flow's SDE: bit for
   * bit on an exact mixture, to float32 rounding on a trained run.
   */
  @Test
  void budgetOneIsPlainFlowSdeSampling() throws Exception {
    String[] common = {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--n", "200", "--steps", "20", "--seed",
        "3"};
    Path a = dir.resolve("a.npy");
    Path b = dir.resolve("b.npy");
    Run plain = d4j(cat(common, "--sde-eps", "2", "--solver", "euler", "--out", a.toString()));
    assertEquals(0, plain.code(), plain.err());
    Run guided = d4j(cat(common, "--reward", REGION, "--budget", "1", "--out", b.toString()));
    assertEquals(0, guided.code(), guided.err());
    assertArrayEquals(Npy.readBatch(a).data(), Npy.readBatch(b).data(), 0.0);
    assertTrue(guided.err().contains("nfe=4200 (21.0 per sample"), guided.err());
    // The same on a trained flow run (Gaussian source, gamma = 0, no learned score).
    Path run = dir.resolve("flow");
    assertEquals(0, d4j(cat(new String[] {"train", "--objective", "interpolant", "--target", "8gaussians", "--gamma",
        "zero", "--no-score", "--out", run.toString()}, TINY)).code());
    Path c = dir.resolve("c.npy");
    Path d = dir.resolve("d.npy");
    assertEquals(0, d4j("sample", "--model", run.toString(), "--n", "50", "--steps", "5", "--sde-eps", "1", "--solver",
        "euler", "--out", c.toString()).code());
    Run rr = d4j("sample", "--model", run.toString(), "--n", "50", "--steps", "5", "--sde-eps", "1", "--reward",
        "halfplane:1,0,-1", "--out", d.toString());
    assertEquals(0, rr.code(), rr.err());
    // Equal up to float32 rounding: the network sees one row at a time here and 50 rows in one
    // batch above, and PyTorch's kernels round differently for different batch sizes.
    assertArrayEquals(Npy.readBatch(c).data(), Npy.readBatch(d).data(), 1e-5);
  }

  /**
   * On ring8-2d (exact fields, fixed seed) the mean reward of the region holding 2 of the 8 modes
   * rises with the budget, from the plain value near its mass 3/12, while the samples stay on the
   * data (within 3 sd of a mode).
   */
  @Test
  void rewardRisesWithBudgetAndSamplesStayOnTheData() throws Exception {
    GaussianMixture mix = ModelSpecs.mixture("ring8-2d");
    int n = 400;
    double[] mean = new double[3];
    int[] budgets = {1, 2, 8};
    for (int k = 0; k < budgets.length; k++) {
      Path out = dir.resolve("r" + k + ".npy");
      Run r = d4j("sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--reward", REGION, "--budget",
          Integer.toString(budgets[k]), "--n", Integer.toString(n), "--steps", "20", "--out", out.toString());
      assertEquals(0, r.code(), r.err());
      Matcher m = Pattern.compile("reward mean=([0-9.]+) budget=" + budgets[k]).matcher(r.err());
      assertTrue(m.find(), r.err());
      mean[k] = Double.parseDouble(m.group(1));
      Batch x = Npy.readBatch(out);
      int onData = 0;
      for (int i = 0; i < n; i++) {
        if (onData(mix, x.get(i, 0), x.get(i, 1))) {
          onData++;
        }
      }
      assertTrue(onData >= 0.95 * n, "budget " + budgets[k] + ": " + onData + " of " + n + " on the data");
    }
    double se = Math.sqrt(0.25 * 0.75 / n);
    assertTrue(Math.abs(mean[0] - 0.25) < 4 * se + 0.02, "plain reward " + mean[0]);
    assertTrue(mean[1] > mean[0] + 4 * se && mean[2] > mean[1] + 2 * se, java.util.Arrays.toString(mean));
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    String out = dir.resolve("x.npy").toString();
    String[][] bad = {
        {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--reward", "region:1,2", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--reward", "region:1,a,0,1", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--reward", "blob:1,2", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--reward", "gaussian:0,0,-1", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--reward", "halfplane", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--reward", REGION, "--budget", "0", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--budget", "2", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--reward", REGION, "--solver", "heun", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--path", "vp-linear", "--sde-eps", "0.5", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--sde-eps", "-1", "--out", out},
        {"sample", "--model", "gmm:ring8-2d", "--source", "gaussian", "--out", out},
        {"train", "--objective", "interpolant", "--data", "moons", "--target", "moons", "--out", dir.resolve("a").toString()},
        {"train", "--objective", "interpolant", "--out", dir.resolve("a").toString()},
        {"train", "--objective", "interpolant", "--target", "moons", "--path", "vp-linear", "--out", dir.resolve("a").toString()},
        {"train", "--objective", "interpolant", "--target", "moons", "--coupling", "nope", "--out", dir.resolve("a").toString()},
        {"train", "--objective", "interpolant", "--target", "moons", "--interpolant", "spline", "--out", dir.resolve("a").toString()},
        {"train", "--objective", "flow", "--target", "moons", "--out", dir.resolve("a").toString()},
        {"train", "--objective", "interpolant", "--target", "moons", "--score-loss", "eta", "--out", dir.resolve("a").toString()},
        {"train", "--objective", "interpolant", "--target", "moons", "--no-score", "--score-loss", "score", "--out",
            dir.resolve("a").toString()},
        {"train", "--objective", "eps", "--data", "moons", "--score-loss", "score", "--out", dir.resolve("a").toString()},
        {"train", "--objective", "flow", "--out", dir.resolve("a").toString()},
        {"sample", "--model", dir.toString(), "--out", out},
        // The former commands are gone: one way to train and sample.
        {"train-interpolant", "--target", "moons", "--out", dir.resolve("a").toString()},
        {"sample-interpolant", "--model", dir.toString(), "--out", out},
    };
    for (String[] args : bad) {
      Run r = d4j(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.err().lines().count(), String.join(" ", args) + ": " + r.err());
    }
    Run r = d4j("sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--reward", "region:1,2", "--out", out);
    assertTrue(r.err().contains("'region:1,2'"), r.err());
    assertFalse(Files.exists(Path.of(out)));
  }

  private static boolean onData(GaussianMixture mix, double x, double y) {
    for (int k = 0; k < mix.components(); k++) {
      double dx = x - mix.mean(k)[0];
      double dy = y - mix.mean(k)[1];
      if (dx * dx / mix.var(k)[0] + dy * dy / mix.var(k)[1] < 9) {
        return true;
      }
    }
    return false;
  }

  private static double[] columnMeans(Batch x) {
    double[] m = new double[x.d()];
    for (int i = 0; i < x.n(); i++) {
      for (int j = 0; j < x.d(); j++) {
        m[j] += x.get(i, j) / x.n();
      }
    }
    return m;
  }

  private static double[] columnSds(Batch x, double[] m) {
    double[] v = new double[x.d()];
    for (int i = 0; i < x.n(); i++) {
      for (int j = 0; j < x.d(); j++) {
        double e = x.get(i, j) - m[j];
        v[j] += e * e / (x.n() - 1);
      }
    }
    for (int j = 0; j < v.length; j++) {
      v[j] = Math.sqrt(v[j]);
    }
    return v;
  }

  /** d4j likelihood on an interpolant run: ODE and SDE rows, the (n, 2) output, and the usage errors. */
  @Test
  void likelihoodOfAnInterpolantRun() throws Exception {
    Path run = dir.resolve("lrun");
    // A target file (standardized by the trainer: the likelihood must undo it, with its log-determinant).
    Path target = dir.resolve("target.npy");
    Npy.write(target, new Batch(500, 2).setScaled(3, org.diffusion4j.random.Noise.standardNormal(8, 500, 2)));
    Run t = d4j(cat(new String[] {"train", "--objective", "interpolant", "--source", "gaussian", "--target",
        target.toString(), "--out", run.toString()}, TINY));
    assertEquals(0, t.code(), t.err());
    Path data = dir.resolve("x.npy");
    Npy.write(data, org.diffusion4j.random.Noise.standardNormal(4, 5, 2));
    Run r = d4j("likelihood", "--model", run.toString(), "--data", data.toString(), "--sde-eps", "0,0.5", "--paths", "8",
        "--steps", "10");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("jensen bound") && r.out().contains("row 4"), r.out());
    assertTrue(r.out().contains("standardization.json of the run applied"), r.out());
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
