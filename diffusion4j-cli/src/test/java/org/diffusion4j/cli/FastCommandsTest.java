package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.sampler.plan.BenchmarkMixtures;
import org.diffusion4j.sampler.plan.SolverSchedule;
import org.diffusion4j.sampler.v3.Ems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastCommandsTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void emsThenSearchScheduleWriteValidFiles() throws Exception {
    Path model = dir.resolve("ring.json");
    Files.writeString(model, BenchmarkMixtures.ring2d().toJson());
    Path ems = dir.resolve("ems.json");
    Run e = run("ems", "--model", "gmm:" + model, "--out", ems.toString(), "--pilots", "32", "--points", "21");
    assertEquals(0, e.code(), e.err());
    assertEquals(2, Ems.read(ems).dim());
    Path plan = dir.resolve("plan.json");
    Run s = run("search-schedule", "--model", "gmm:" + model, "--ems", ems.toString(), "--nfe", "4",
        "--pilots", "32", "--rounds", "1", "--out", plan.toString(), "--evaluate", "32", "--seed", "5");
    assertEquals(0, s.code(), s.err());
    assertEquals(4, SolverSchedule.read(plan).nfe());
    assertTrue(s.out().contains("plan / best official configuration"), s.out());

    // d4j sample --plan reproduces the schedule; --solver dpm-solver-v3 --ems runs v3.
    Path x = dir.resolve("x.npy");
    Run p = run("sample", "--model", "gmm:" + model, "--plan", plan.toString(), "--ems", ems.toString(), "--n", "16",
        "--seed", "3", "--out", x.toString());
    assertEquals(0, p.code(), p.err());
    org.diffusion4j.array.Batch xs = org.diffusion4j.io.Npy.readBatch(x);
    assertEquals(16, xs.n());
    assertTrue(p.err().contains("nfe=4"), p.err());
    // A plan fixes the solver of every step and the grid: options it would ignore are refused.
    for (String[] extra : new String[][] {{"--solver", "ddim"}, {"--grid", "uniform"}, {"--order", "2"}}) {
      Run refused = run("sample", "--model", "gmm:" + model, "--plan", plan.toString(), "--ems", ems.toString(), "--n",
          "4", "--out", dir.resolve("r.npy").toString(), extra[0], extra[1]);
      assertEquals(2, refused.code(), refused.err());
      assertTrue(refused.err().contains("drop " + extra[0]), refused.err());
    }
    Run v3 = run("sample", "--model", "gmm:" + model, "--solver", "dpm-solver-v3", "--ems", ems.toString(),
        "--nfe", "6", "--t-end", "1e-3", "--n", "16", "--out", dir.resolve("v3.npy").toString());
    assertEquals(0, v3.code(), v3.err());
    Run noEms = run("sample", "--model", "gmm:" + model, "--solver", "dpm-solver-v3", "--nfe", "6", "--n", "4",
        "--out", dir.resolve("v3b.npy").toString());
    assertEquals(2, noEms.code(), noEms.err());
    assertTrue(noEms.err().contains("--ems"), noEms.err());
    Path badPlan = dir.resolve("bad-plan.json");
    Files.writeString(badPlan, Files.readString(plan).replace("\"order\": 1", "\"order\": 7"));
    Run bp = run("sample", "--model", "gmm:" + model, "--plan", badPlan.toString(), "--n", "4",
        "--out", dir.resolve("bp.npy").toString());
    assertEquals(2, bp.code(), bp.err());
    assertTrue(bp.err().contains("steps[0].order"), bp.err());
  }

  @Test
  void malformedEmsFileAndSameSeedAreUsageErrors() throws Exception {
    Path model = dir.resolve("ring.json");
    Files.writeString(model, BenchmarkMixtures.ring2d().toJson());
    Path ems = dir.resolve("bad.json");
    Files.writeString(ems, "{\"format\": \"d4j-ems\", \"lambda\": [0, 1], \"l\": [[1, 1], [1, 1]], \"s\": [[0, 0]], "
        + "\"b\": [[0, 0], [0, 0]]}");
    Run r = run("search-schedule", "--model", "gmm:" + model, "--ems", ems.toString(), "--nfe", "3",
        "--out", dir.resolve("p.json").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("'s'"), r.err());
    Run same = run("search-schedule", "--model", "gmm:" + model, "--nfe", "3", "--out",
        dir.resolve("p.json").toString(), "--evaluate", "8", "--seed", "1001");
    assertEquals(2, same.code(), same.err());
    assertTrue(same.err().contains("--pilot-seed"), same.err());
    assertTrue(!Files.exists(dir.resolve("p.json")));
  }
}
