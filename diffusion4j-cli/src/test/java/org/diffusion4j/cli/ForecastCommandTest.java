package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForecastCommandTest {
  @TempDir
  static Path dir;
  static Path csv;
  static Path run;

  static TrainCommandTest.Run run(String... args) {
    return TrainCommandTest.run(args);
  }

  @BeforeAll
  static void trainTiny() throws Exception {
    StringBuilder sb = new StringBuilder("date,symbol,load\n");
    for (int i = 0; i < 160; i++) {
      sb.append("d").append(i).append(",A,").append(10 + 3 * Math.sin(2 * Math.PI * i / 8) + 0.2 * Math.cos(1.7 * i)).append('\n');
      sb.append("d").append(i).append(",B,").append(i % 3 == 0 ? "x" : "1").append('\n');
    }
    csv = dir.resolve("load.csv");
    Files.writeString(csv, sb.toString());
    run = dir.resolve("run");
    TrainCommandTest.Run r = run("forecast", "train", "--data", csv.toString(), "--column", "load", "--filter",
        "symbol=A", "--freq", "H", "--lags", "8", "--season", "8", "--context", "12", "--horizon", "4", "--origins", "3",
        "--train-steps", "20", "--width", "16", "--depth", "1", "--out", run.toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void predictWritesSamplesAndFanChart() throws Exception {
    Path f = dir.resolve("F.npy");
    Path png = dir.resolve("fan.png");
    TrainCommandTest.Run r = run("forecast", "predict", "--model", run.toString(), "--data", csv.toString(), "--column",
        "load", "--filter", "symbol=A", "--origins", "3", "--samples", "5", "--steps", "4", "--out", f.toString(),
        "--png", png.toString());
    assertEquals(0, r.code(), r.err());
    NdArray a = Npy.read(f);
    assertArrayEquals(new long[] {3, 5, 4}, a.shape());
    assertTrue(Files.size(png) > 1000);
  }

  @Test
  void evalPrintsTableAgainstBaselines() {
    TrainCommandTest.Run r = run("forecast", "eval", "--model", run.toString(), "--data", csv.toString(), "--column",
        "load", "--filter", "symbol=A", "--origins", "2", "--samples", "4", "--steps", "4");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("seasonal-naive-bootstrap(m=8)"), r.out());
    for (String method : new String[] {"tsdiff \\(quantile:8.0\\)", "seasonal-naive\\(m=8\\)",
        "seasonal-naive-bootstrap\\(m=8\\)"}) {
      assertTrue(r.out().matches("(?s).*\\n" + method + " +\\d+\\.\\d{4} +\\d+\\.\\d{4} +\\d+\\.\\d{4} +[01]\\.\\d{3} .*"),
          method + "\n" + r.out());
    }
  }

  @Test
  void tstrWritesSyntheticWindowsAndScoresBothFits() throws Exception {
    Path synth = dir.resolve("S.npy");
    TrainCommandTest.Run r = run("forecast", "tstr", "--model", run.toString(), "--data", csv.toString(), "--column",
        "load", "--filter", "symbol=A", "--origins", "3", "--windows", "6", "--steps", "3", "--out", synth.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(new long[] {6, 16}, Npy.read(synth).shape());
    assertTrue(r.out().contains("synthetic windows (TSTR)"), r.out());
    assertTrue(r.out().contains("real windows"), r.out());
  }

  @Test
  void tuneStoresTheValidationChoiceAndScaleAutoUsesIt() throws Exception {
    Path tuned = dir.resolve("tuned");
    Files.createDirectories(tuned);
    try (var files = Files.walk(run)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path q = tuned.resolve(run.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    TrainCommandTest.Run r = run("forecast", "tune", "--model", tuned.toString(), "--data", csv.toString(), "--column",
        "load", "--filter", "symbol=A", "--origins", "3", "--val-origins", "2", "--samples", "3", "--steps", "3",
        "--candidates", "quantile:0,mse:2");
    assertEquals(0, r.code(), r.err());
    // 160 values, test origins at 148, 152, 156: the validation origins are 140 and 144
    assertTrue(r.out().contains("2 validation origins of horizon 4 at 140..144 (test origins from 148)"), r.out());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("chose (\\w+:[0-9.]+) ").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Files.exists(tuned.resolve("guidance.json")));
    TrainCommandTest.Run e = run("forecast", "eval", "--model", tuned.toString(), "--data", csv.toString(), "--column",
        "load", "--filter", "symbol=A", "--origins", "3", "--samples", "3", "--steps", "3", "--scale", "auto");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("tsdiff (" + m.group(1) + ")"), e.out());
  }

  @Test
  void badInputIsExitTwoWithOneLine() {
    String[][] cases = {
      {"forecast", "eval", "--model", run.toString(), "--data", csv.toString(), "--column", "nope"},
      {"forecast", "eval", "--model", run.toString(), "--data", csv.toString(), "--column", "load", "--filter",
        "symbol=B"},
      {"forecast", "train", "--data", csv.toString(), "--column", "load", "--filter", "symbol=A", "--freq", "H",
        "--season", "8", "--context", "500", "--horizon", "4", "--out", dir.resolve("r2").toString()},
      {"forecast", "train", "--data", csv.toString(), "--column", "load", "--filter", "symbol=A", "--freq", "H",
        "--season", "8", "--context", "12", "--horizon", "0", "--out", dir.resolve("r3").toString()},
      {"forecast", "eval", "--model", run.toString(), "--data", csv.toString(), "--column", "load", "--filter",
        "symbol=A", "--origins", "100"},
      {"forecast", "eval", "--model", run.toString(), "--data", csv.toString(), "--column", "load", "--filter",
        "symbol=A", "--scale", "auto"},
      {"forecast", "predict", "--model", run.toString(), "--data", csv.toString(), "--column", "load", "--filter",
        "symbol=A", "--scale", "big", "--out", dir.resolve("x.npy").toString()},
      {"forecast", "tune", "--model", run.toString(), "--data", csv.toString(), "--column", "load", "--filter",
        "symbol=A", "--candidates", "quantile"},
      {"forecast", "tune", "--model", run.toString(), "--data", csv.toString(), "--column", "load", "--filter",
        "symbol=A", "--origins", "3", "--val-origins", "40"},
    };
    String[] expected = {"no value column 'nope'", "'x' is not a number", "is longer than the", "horizon must be >= 1",
        "values, got 160", "has no tuned guidance", "--scale must be a number or auto", "must be loss:scale",
        "values, got 148"};
    for (int i = 0; i < cases.length; i++) {
      TrainCommandTest.Run r = run(cases[i]);
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains(expected[i]), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }
}
