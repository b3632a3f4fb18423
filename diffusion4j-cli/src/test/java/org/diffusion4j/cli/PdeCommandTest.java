package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code d4j pde np-train / np-predict}: a tiny run end to end, and usage errors. */
class PdeCommandTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void trainsAndPredictsForwardAndInverse(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("np");
    Result train = run("pde", "np-train", "--problem", "poisson", "--out", model.toString(), "--iterations", "30",
        "--grid-size", "12", "--hidden", "16", "--modes", "8");
    assertEquals(0, train.code(), train.err());
    assertTrue(train.out().contains("relative L2 error"), train.out());
    Result forward = run("pde", "np-predict", "--model", model.toString(), "--theta", "1,0,-1,0.5", "--samples", "40",
        "--grids", "2", "--plot", dir.resolve("f.png").toString(), "--out", dir.resolve("f.csv").toString());
    assertEquals(0, forward.code(), forward.err());
    assertTrue(Files.size(dir.resolve("f.png")) > 1000);
    assertEquals(102, Files.readAllLines(dir.resolve("f.csv")).size());
    Result inverse = run("pde", "np-predict", "--model", model.toString(), "--observe", "6", "--samples", "40",
        "--plot", dir.resolve("i.png").toString());
    assertEquals(0, inverse.code(), inverse.err());
    assertTrue(inverse.out().contains("posterior theta mean"), inverse.out());
  }

  @Test
  void badUsageExitsWithTwo(@TempDir Path dir) {
    assertEquals(2, run("pde").code());
    Result r = run("pde", "np-train", "--problem", "heat", "--out", dir.resolve("m").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("poisson or burgers") && !r.err().contains("\tat "), r.err());
    assertEquals(2, run("pde", "np-train", "--problem", "burgers", "--kappa", "3", "--out", dir.toString()).code());
    assertEquals(2, run("pde", "np-train", "--grid-size", "1", "--out", dir.toString()).code());
    assertEquals(2, run("pde", "np-predict", "--model", dir.toString(), "--plot", dir.resolve("p.png").toString()).code());
  }
}
