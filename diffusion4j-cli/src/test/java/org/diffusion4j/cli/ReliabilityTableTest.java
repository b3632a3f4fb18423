package org.diffusion4j.cli;

import org.diffusion4j.nn.run.RunGuards;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit-code table of issue 23 (and issue 24's bugs 2-5): every bad input gets its exit code,
 * one line on stderr, no stack trace, and a message that names the problem. The table is written
 * to target/reliability/bad-inputs.md (docs/reliability.md quotes it).
 */
class ReliabilityTableTest {
  @TempDir Path dir;

  private record Case(String what, String[] args, int code, String fragment) {}

  private record Result(int code, String err) {}

  private static Result d4j(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = D4j.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, err.toString());
  }

  private static String[] a(String... s) {
    return s;
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  private static final String[] TINY_TRAIN = {"--steps", "4", "--batch", "16", "--width", "8", "--depth", "1",
      "--n-train", "200", "--checkpoint-every", "2"};

  private static String[] cat(String[] x, String... y) {
    return TrainCommandTest.concat(x, y);
  }

  @Test
  void everyBadInputGetsItsExitCodeAndOneLine() throws Exception {
    // fixtures
    Batch noise = Noise.standardNormal(1, 4, 2);
    noise.data()[3] = Double.NaN; // row 1, column 1
    Npy.write(dir.resolve("nan-noise.npy"), noise);
    Npy.write(dir.resolve("noise.npy"), Noise.standardNormal(1, 4, 2));
    Files.writeString(dir.resolve("huge-weights.json"),
        "{\"weights\": [1e308, 1e308], \"means\": [[0, 0], [1, 1]], \"vars\": [[1, 1], [1, 1]]}");
    Files.createDirectories(dir.resolve("a-directory"));
    Files.writeString(dir.resolve("plain-file"), "x");
    Batch data = Noise.standardNormal(2, 50, 2);
    data.data()[7] = Double.POSITIVE_INFINITY; // row 3, column 1
    Npy.write(dir.resolve("inf-data.npy"), data);
    Npy.write(dir.resolve("data.npy"), Noise.standardNormal(3, 50, 2));
    Npy.write(dir.resolve("source.npy"), Noise.standardNormal(5, 50, 2));
    Npy.write(dir.resolve("three-columns.npy"), Noise.standardNormal(4, 20, 3));
    // a plain run on a file and an interpolant run whose source is a file outside it
    Path plain = dir.resolve("plain-run");
    Result t1 = d4j(cat(new String[] {"train"}, cat(TINY_TRAIN, "--data", p("data.npy"), "--out", plain.toString())));
    assertEquals(0, t1.code(), t1.err());
    Path interp = dir.resolve("interp-run");
    Result t2 = d4j(cat(new String[] {"train", "--objective", "interpolant", "--source", p("source.npy"), "--target",
        "moons"}, cat(TINY_TRAIN, "--out", interp.toString())));
    assertEquals(0, t2.code(), t2.err());
    Npy.write(dir.resolve("data-changed.npy"), Noise.standardNormal(3, 50, 2));
    Path changed = dir.resolve("changed-run");
    assertEquals(0, d4j(cat(new String[] {"train"}, cat(TINY_TRAIN, "--data", p("data-changed.npy"), "--out",
        changed.toString()))).code());
    Npy.write(dir.resolve("data-changed.npy"), Noise.standardNormal(9, 50, 2));

    String[] gmm = {"sample", "--model", "gmm:ring8-2d", "--nfe", "4"};
    List<Case> cases = List.of(
        new Case("NaN in sample --noise", cat(gmm, "--noise", p("nan-noise.npy"), "--out", p("o.npy")), 2,
            "--noise " + p("nan-noise.npy") + ": non-finite value NaN at row 1, column 1 (0-based)"),
        new Case("--t-start NaN", cat(gmm, "--t-start", "NaN", "--out", p("o.npy")), 2,
            "--t-start must be a finite number, got NaN"),
        new Case("--eta NaN", cat(gmm, "--solver", "euler-ancestral", "--eta", "NaN", "--out", p("o.npy")), 2,
            "--eta must be a finite number, got NaN"),
        new Case("--eta with ddim (does nothing)", cat(gmm, "--solver", "ddim", "--eta", "0.5", "--out", p("o.npy")), 2,
            "ddim does not use it"),
        new Case("mixture weights 1e308", a("sample", "--model", "gmm:" + p("huge-weights.json"), "--nfe", "4", "--out",
            p("o.npy")), 2, "weights sum to Infinity (overflow)"),
        new Case("--order 0", cat(gmm, "--order", "0", "--out", p("o.npy")), 2, "--order must be 1, 2 or 3, got 0"),
        new Case("--churn with ddim (does nothing)", cat(gmm, "--solver", "ddim", "--churn", "5", "--out", p("o.npy")), 2,
            "--churn applies to --solver heun; ddim does not use it"),
        new Case("--rtol with a fixed-step solver", cat(gmm, "--rtol", "1e-3", "--out", p("o.npy")), 2,
            "--rtol applies to the adaptive solvers"),
        new Case("--checkpoint-every -1", cat(new String[] {"train", "--data", "moons", "--out", p("r-ce")},
            "--checkpoint-every", "-1"), 2, "checkpoint-every must be >= 0, got -1"),
        new Case("gbm --sigma -1", a("sde", "--model", "gbm", "--sigma", "-1"), 2, "sigma must be >= 0, got -1.0"),
        new Case("--out is a directory", cat(gmm, "--out", p("a-directory")), 2, "is a directory; give a file name"),
        new Case("--out equals --noise", cat(gmm, "--noise", p("noise.npy"), "--out", p("noise.npy")), 2,
            "is the input --noise"),
        new Case("--out under a file (unwritable)", cat(gmm, "--out", p("plain-file") + "/sub/o.npy"), 2,
            "is not a directory"),
        new Case("--out in a read-only place", cat(gmm, "--out", "/proc/d4j-test/o.npy"), 2, "--out /proc/d4j-test/o.npy"),
        new Case("--n 300000000", a("sample", "--model", "gmm:ring8-2d", "--nfe", "4", "--n", "300000000", "--out",
            p("o.npy")), 2, "--n 300000000 samples of dimension 2 needs about"),
        new Case("--nfe 1000000000", a("sample", "--model", "gmm:ring8-2d", "--nfe", "1000000000", "--out", p("o.npy")),
            2, "--nfe 1000000000 (its time grid) needs about"),
        new Case("sde --paths 2000000000", a("sde", "--model", "gbm", "--paths", "2000000000"), 2,
            "--paths 2000000000 x 1 saves x dimension 1 needs about"),
        new Case("sde --dt 2e-9", a("sde", "--model", "gbm", "--dt", "2e-9"), 2, "--dt 2.0E-9 (5.00e+08 steps) needs about"),
        new Case("likelihood --data missing.npy", a("likelihood", "--model", "gmm:ring8-2d", "--data", p("missing.npy")),
            2, "--data " + p("missing.npy") + ": no such file"),
        new Case("non-finite training row (standardised)", cat(new String[] {"train", "--data", p("inf-data.npy"),
            "--out", p("r-inf")}, "--steps", "2"), 2, "non-finite value Infinity at data row 3, column 1 (0-based)"),
        new Case("missing --target file", a("train", "--objective", "interpolant", "--target", p("missing.npy"), "--out",
            p("r-t")), 2, "--target '" + p("missing.npy") + "' is neither"),
        new Case("missing --source file", a("train", "--objective", "interpolant", "--source", p("missing.npy"),
            "--target", "moons", "--out", p("r-s")), 2, "--source '" + p("missing.npy") + "' is neither"),
        new Case("wrong-dimension sample --source", a("sample", "--model", interp.toString(), "--source",
            p("three-columns.npy"), "--n", "5", "--steps", "2", "--out", p("o.npy")), 2,
            "has 3 columns but the run has dimension 2"),
        new Case("run's stored source outside the run", a("sample", "--model", interp.toString(), "--n", "5", "--steps",
            "2", "--out", p("o.npy")), 2, "outside the run directory; run contents are trusted only inside it"),
        new Case("plain training into an interpolant run", cat(new String[] {"train", "--data", "moons", "--out",
            interp.toString()}, "--steps", "2"), 2, "holds an interpolant run"),
        new Case("interpolant training into a plain run", a("train", "--objective", "interpolant", "--target", "moons",
            "--out", plain.toString()), 2, "holds a diffusion/flow run"),
        new Case("--resume with a changed data file", cat(new String[] {"train", "--resume", "--data",
            p("data-changed.npy"), "--out", changed.toString()}, "--steps", "6"), 2, "changed since the run started"),
        new Case("--out run directory is a file", a("train", "--data", "moons", "--out", p("plain-file")), 2,
            "is a file; give a directory"));

    StringBuilder table = new StringBuilder("| bad input | exit | message |\n|---|---|---|\n");
    List<String> failures = new ArrayList<>();
    for (Case c : cases) {
      Result r = d4j(c.args());
      String line = r.err().strip();
      table.append("| ").append(c.what()).append(" | ").append(r.code()).append(" | `")
          .append(line.replace(dir.toString(), "DIR").replace("|", "\\|")).append("` |\n");
      if (r.code() != c.code() || r.err().lines().count() != 1 || r.err().contains("\tat ")
          || !r.err().contains(c.fragment())) {
        failures.add(c.what() + ": exit " + r.code() + " (want " + c.code() + "), stderr: " + r.err());
      }
    }
    // locking: a second trainer on a held run directory gets the holder's pid
    try (RunGuards.Lock held = RunGuards.lock(dir.resolve("locked"), "--out")) {
      Result r = d4j(cat(new String[] {"train", "--data", "moons", "--out", p("locked")}, "--steps", "2"));
      String want = "is in use by another d4j process (pid " + ProcessHandle.current().pid();
      table.append("| a second trainer on a locked run directory | ").append(r.code()).append(" | `")
          .append(r.err().strip().replace(dir.toString(), "DIR").replaceAll("pid \\d+", "pid N")).append("` |\n");
      if (r.code() != 1 || r.err().lines().count() != 1 || !r.err().contains(want)) {
        failures.add("lock: exit " + r.code() + ", stderr: " + r.err());
      }
    }
    Path report = Path.of("target", "reliability", "bad-inputs.md");
    Files.createDirectories(report.getParent());
    Files.writeString(report, table.toString());
    assertTrue(failures.isEmpty(), String.join("\n", failures) + "\n" + table);
    // nothing was written where a refusal happened
    assertFalse(Files.exists(dir.resolve("o.npy")));
    assertEquals("x", Files.readString(dir.resolve("plain-file")));
  }
}
