package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.FlowConversions;
import org.diffusion4j.interpolant.FlowSampling;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.io.Npy;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.VectorField;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Option handling of {@code d4j sample} and its neighbours (issue 24): the two-sample floor of
 * {@code --reference FILE}, exact NFE counting on flows, refused option combinations.
 */
class SampleOptionsTest {
  @TempDir Path dir;

  private static TrainCommandTest.Run d4j(String... args) {
    return TrainCommandTest.run(args);
  }

  private static final Pattern SW1 = Pattern.compile("sliced W1 to \\S+=([0-9.]+) floor=([0-9.]+) ratio=([0-9.]+)");

  private static double[] sw1(String line) {
    Matcher m = SW1.matcher(line);
    assertTrue(m.find(), line);
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))};
  }

  /**
   * --reference FILE prints a two-sample floor (it printed none: a file's "draws" were always its
   * first rows, so the floor was 0). Exact flow samples of ring8-2d sit near the floor; the same
   * samples shifted by one unit are far above it; a short file is compared on halves of its rows.
   */
  @Test
  void referenceFilePrintsATwoSampleFloor() throws Exception {
    GaussianMixture ring = ModelSpecs.mixture("ring8-2d");
    Path file = dir.resolve("ref.npy");
    Npy.write(file, ring.sample(7, 3000));
    Path out = dir.resolve("x.npy");
    TrainCommandTest.Run r = d4j("sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--sde-eps", "0", "--nfe", "40", "--n", "600",
        "--out", out.toString(), "--reference", file.toString());
    assertEquals(0, r.code(), r.err());
    double[] near = sw1(r.err());
    assertTrue(near[1] > 0 && near[2] < 1.6, r.err());
    Batch shifted = Npy.readBatch(out);
    for (int i = 0; i < shifted.n(); i++) {
      shifted.set(i, 0, shifted.get(i, 0) + 1);
    }
    double[] far = sw1(InterpolantSampling.slicedW1(file.toString(), shifted, 0));
    assertTrue(far[2] > 4 * near[2], "shifted " + far[2] + " vs exact " + near[2]);
    assertEquals(near[1], far[1], 0, "the floor depends on the file and seed only");
    Path small = dir.resolve("small.npy");
    Npy.write(small, ring.sample(8, 500));
    String cut = InterpolantSampling.slicedW1(small.toString(), Npy.readBatch(out), 0);
    assertTrue(cut.contains("first 250 samples") && sw1(cut)[2] < 1.6, cut);
    TrainCommandTest.Run bad = d4j("sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--sde-eps", "0", "--nfe", "4", "--n", "10",
        "--out", out.toString(), "--reference", dir.resolve("ref3.npy").toString());
    assertEquals(2, bad.code(), bad.err());
  }

  /**
   * --nfe on a flow counts every velocity evaluation: Heun costs 2 per step, Euler 1. The CLI's
   * samples equal the library's run on a counting velocity field, bit for bit, and the count is
   * the budget given.
   */
  @Test
  void flowNfeIsCountedExactly() throws Exception {
    GaussianPath path = Paths.create("cond-ot", Map.of());
    GaussianMixture ring = ModelSpecs.mixture("ring8-2d");
    VectorField v = FlowConversions.velocityOf(ring.denoiser(path, Prediction.VELOCITY), path);
    for (String[] c : new String[][] {{"heun", "8"}, {"euler", "5"}}) {
      int nfe = Integer.parseInt(c[1]);
      Path out = dir.resolve(c[0] + ".npy");
      TrainCommandTest.Run r = d4j("sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--sde-eps", "0", "--solver", c[0], "--nfe",
          c[1], "--n", "50", "--seed", "3", "--out", out.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().lines().anyMatch(("nfe=" + nfe)::equals), r.err());
      AtomicInteger calls = new AtomicInteger();
      VectorField counted = (x, t, o) -> {
        calls.incrementAndGet();
        v.evaluate(x, t, o);
      };
      FlowSampling.Result lib = FlowSampling.with(counted, 2).solver(c[0].equals("heun") ? Scheme.HEUN : Scheme.EULER)
          .times(0, 1 - InterpolantSampling.END_MARGIN).seed(org.diffusion4j.random.Seeds.sdeNoise(3)).nfe(nfe)
          .run(Noise.standardNormal(3, 50, 2));
      assertEquals(nfe, calls.get(), c[0]);
      assertEquals(nfe, lib.nfe(), c[0]);
      assertArrayEquals(lib.x().data(), Npy.readBatch(out).data(), 0.0, c[0]);
    }
    TrainCommandTest.Run odd = d4j("sample", "--model", "gmm:ring8-2d", "--path", "cond-ot", "--sde-eps", "0", "--nfe", "5", "--n", "5",
        "--out", dir.resolve("o.npy").toString());
    assertEquals(2, odd.code(), odd.err());
    assertTrue(odd.err().contains("4 or 6"), odd.err());
  }

  /**
   * d4j solvers -l marks the adaptive solvers (which refuse --nfe and --steps) and dpm-solver-v3
   * (which needs --ems); sample refuses both budgets for an adaptive solver.
   */
  @Test
  void solversListMarksAdaptiveSolversWhichRefuseAFixedBudget() {
    TrainCommandTest.Run r = d4j("solvers", "-l");
    assertEquals(0, r.code(), r.err());
    java.util.List<String> lines = r.out().lines().toList();
    for (String line : lines) {
      String name = line.split(" ")[0];
      boolean adaptive = name.equals("dpm-solver-adaptive") || name.equals("dpm-solver-12") || name.equals("dpm-solver-23");
      assertEquals(adaptive, line.contains("[adaptive"), line);
      assertEquals(name.equals("dpm-solver-v3"), line.contains("[needs --ems]"), line);
    }
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("dpm-solver-v3 ")), r.out());
    for (String budget : new String[] {"--nfe", "--steps"}) {
      TrainCommandTest.Run s = d4j("sample", "--model", "gmm:ring8-2d", "--solver", "dpm-solver-23", budget, "10", "--n", "4", "--out",
          dir.resolve("a.npy").toString());
      assertEquals(2, s.code(), budget + ": " + s.err());
      assertEquals(1, s.err().lines().count(), s.err());
    }
    assertEquals(0, d4j("sample", "--model", "gmm:ring8-2d", "--solver", "dpm-solver-23", "--n", "4", "--out",
        dir.resolve("a.npy").toString()).code());
  }

  /** d4j ems: the lambda-grid size is --points; the old --grid still works, with a warning. */
  @Test
  void emsPointsAndItsDeprecatedName() throws Exception {
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    TrainCommandTest.Run r = d4j("ems", "--model", "gmm:ring8-2d", "--pilots", "8", "--points", "11", "--out", a.toString());
    assertEquals(0, r.code(), r.err());
    TrainCommandTest.Run old = d4j("ems", "--model", "gmm:ring8-2d", "--pilots", "8", "--grid", "11", "--out", b.toString());
    assertEquals(0, old.code(), old.err());
    assertTrue(old.err().contains("deprecated"), old.err());
    assertEquals(11, org.diffusion4j.sampler.v3.Ems.read(a).size());
    assertEquals(java.nio.file.Files.readString(a), java.nio.file.Files.readString(b));
    assertEquals(2, d4j("ems", "--model", "gmm:ring8-2d", "--points", "11", "--grid", "11", "--out", b.toString()).code());
  }
}
