package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the CLI entry points (issue 23): random command lines built from the fast
 * commands and hostile option values (NaN, infinities, negatives, huge counts, missing, corrupt,
 * wrong-shaped and non-finite files, directories and devices as outputs, an output equal to an
 * input). Every run must end with exit 0, 1 or 2, and a failure must be exactly one line on
 * stderr, without a stack trace and without a raw JDK exception name; /dev/null must stay a
 * device. The counts of each outcome are checked so the fuzzer cannot silently degenerate.
 */
class CliFuzzTest {
  private static final int ITERATIONS = Integer.getInteger("d4j.fuzz.cli.iterations", 160);

  @TempDir Path dir;

  @Test
  void randomHostileCommandLinesFailWithOneLine() throws Exception {
    Npy.write(dir.resolve("good.npy"), Noise.standardNormal(1, 6, 2));
    Batch nan = Noise.standardNormal(2, 6, 2);
    nan.data()[5] = Double.NaN;
    Npy.write(dir.resolve("nan.npy"), nan);
    Npy.write(dir.resolve("wide.npy"), Noise.standardNormal(3, 6, 5));
    byte[] good = Files.readAllBytes(dir.resolve("good.npy"));
    Files.write(dir.resolve("truncated.npy"), Arrays.copyOf(good, good.length - 9));
    Files.writeString(dir.resolve("text.npy"), "not an array");
    Files.writeString(dir.resolve("bad.json"), "{\"weights\": [1e308, 1e308], \"means\": [[0],[1]], \"vars\": [[1],[1]]}");
    Files.createDirectories(dir.resolve("folder"));
    String[] files = {p("good.npy"), p("nan.npy"), p("wide.npy"), p("truncated.npy"), p("text.npy"), p("missing.npy"),
        p("folder"), "/dev/null"};
    String[] outs = {p("out.npy"), p("folder"), "/dev/null", p("good.npy"), p("text.npy") + "/x.npy", p("o2.npy")};
    String[][] bases = {
        {"sample", "--model", "gmm:ring8-2d"}, {"sample", "--model", "gmm:three-2d"},
        {"sample", "--model", "gmm:" + p("bad.json")}, {"sde", "--model", "gbm"}, {"sde", "--model", "ou"},
        {"likelihood", "--model", "gmm:ring8-2d"}};
    Object[][] options = {
        {"--nfe", "3", "0", "1", "-1", "NaN", "1e9", "abc", "2147483648", "1000000000"},
        {"--n", "1", "5", "0", "-3", "300000000"},
        {"--steps", "2", "0", "-1", "2000000000"},
        {"--solver", "ddim", "euler", "heun", "dpm-solver++-2m", "unipc-bh2-2", "euler-ancestral", "nope", "milstein"},
        {"--eta", "0.5", "NaN", "-1", "Infinity"},
        {"--order", "1", "0", "3", "-2"},
        {"--t-start", "0.5", "NaN", "2", "-1", "1e308"},
        {"--t-end", "0.01", "NaN", "-Infinity", "0.9"},
        {"--grid", "logsnr", "uniform", "bogus"},
        {"--noise", files}, {"--data", files}, {"--out", outs},
        {"--paths", "3", "1", "0", "-7", "2000000000"},
        {"--dt", "0.1", "0", "-1", "NaN", "2e-9"},
        {"--sigma", "0.3", "-1", "0", "NaN"},
        {"--seed", "0", "-5", "x"},
        {"--rtol", "1e-3", "0", "-1", "NaN"}};
    int[] codes = new int[3];
    List<String> failures = new ArrayList<>();
    BasicFileAttributes before = Files.readAttributes(Path.of("/dev/null"), BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
    assertTimeoutPreemptively(Duration.ofSeconds(240), () -> {
      for (int i = 0; i < ITERATIONS; i++) {
        SplittableRandom rnd = new SplittableRandom(23_000 + i);
        List<String> args = new ArrayList<>(List.of(bases[rnd.nextInt(bases.length)]));
        if (args.get(0).equals("likelihood") && rnd.nextInt(3) > 0) {
          args.addAll(List.of("--data", p("good.npy"), "--solver", "rk4", "--steps", "2"));
        }
        if (args.get(0).equals("sample") && rnd.nextBoolean()) {
          args.addAll(List.of("--nfe", "2", "--n", "4"));
        }
        if (args.get(0).equals("sde")) {
          args.addAll(List.of("--paths", "3", "--dt", "0.25"));
        }
        for (int k = 0, m = rnd.nextInt(4); k < m; k++) {
          Object[] o = options[rnd.nextInt(options.length)];
          Object[] values = o[1] instanceof String[] arr ? arr : Arrays.copyOfRange(o, 1, o.length);
          args.add((String) o[0]);
          args.add((String) values[rnd.nextBoolean() ? 0 : rnd.nextInt(values.length)]); // the first value is benign
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = D4j.execute(args.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
        String e = err.toString();
        boolean ok = code >= 0 && code <= 2;
        if (ok && code != 0) {
          codes[code]++;
          ok = e.lines().count() == 1 && e.startsWith("d4j: ") && !e.contains("\tat ")
              && !e.matches("(?s).*(NullPointer|IndexOutOfBounds|ClassCast|Arithmetic|NumberFormat|IllegalState)"
                  + "Exception.*");
        } else if (ok) {
          codes[0]++;
          ok = e.lines().noneMatch(l -> l.startsWith("d4j: ") && !l.startsWith("d4j: warning"));
        }
        if (!ok) {
          failures.add("iteration " + i + ": " + String.join(" ", args) + " -> exit " + code + ": " + e);
        }
      }
    });
    BasicFileAttributes after = Files.readAttributes(Path.of("/dev/null"), BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
    assertTrue(after.isOther() && after.fileKey().equals(before.fileKey()), "/dev/null must stay the device");
    assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
    assertEquals(ITERATIONS, codes[0] + codes[1] + codes[2]);
    assertTrue(codes[0] > ITERATIONS / 20 && codes[2] > ITERATIONS / 4, "outcomes " + Arrays.toString(codes));
    Files.createDirectories(Path.of("target", "reliability"));
    Files.writeString(Path.of("target", "reliability", "cli-fuzz.txt"), "iterations " + ITERATIONS + ", exit 0/1/2: "
        + Arrays.toString(codes) + "\n");
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }
}
