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
    Run e = run("ems", "--model", model.toString(), "--out", ems.toString(), "--pilots", "32", "--grid", "21");
    assertEquals(0, e.code(), e.err());
    assertEquals(2, Ems.read(ems).dim());
    Path plan = dir.resolve("plan.json");
    Run s = run("search-schedule", "--model", model.toString(), "--ems", ems.toString(), "--nfe", "4",
        "--pilots", "32", "--rounds", "1", "--out", plan.toString(), "--evaluate", "32", "--seed", "5");
    assertEquals(0, s.code(), s.err());
    assertEquals(4, SolverSchedule.read(plan).nfe());
    assertTrue(s.out().contains("plan / best classic"), s.out());
  }

  @Test
  void malformedEmsFileAndSameSeedAreUsageErrors() throws Exception {
    Path model = dir.resolve("ring.json");
    Files.writeString(model, BenchmarkMixtures.ring2d().toJson());
    Path ems = dir.resolve("bad.json");
    Files.writeString(ems, "{\"format\": \"d4j-ems\", \"lambda\": [0, 1], \"l\": [[1, 1], [1, 1]], \"s\": [[0, 0]], "
        + "\"b\": [[0, 0], [0, 0]]}");
    Run r = run("search-schedule", "--model", model.toString(), "--ems", ems.toString(), "--nfe", "3",
        "--out", dir.resolve("p.json").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("'s'"), r.err());
    Run same = run("search-schedule", "--model", model.toString(), "--nfe", "3", "--out",
        dir.resolve("p.json").toString(), "--evaluate", "8", "--seed", "1001");
    assertEquals(2, same.code(), same.err());
    assertTrue(same.err().contains("--pilot-seed"), same.err());
    assertTrue(!Files.exists(dir.resolve("p.json")));
  }
}
