package org.diffusion4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.diffusion4j.model.GaussianMixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the parsers: every mutated input must either parse or raise the
 * documented exception type ({@link FormatException}; {@link JsonException} for JSON) with a
 * non-empty message. Any other exception, a hang (the preemptive timeout) or an out-of-memory
 * error fails the test, and the message gives the iteration and the input to reproduce it.
 */
class ParserFuzzTest {
  /** Mutants per parser; raise with -Dd4j.fuzz.iterations=1000000 for a long local run. */
  private static final int ITERATIONS = Integer.getInteger("d4j.fuzz.iterations", 12_000);
  private static final int BATCH = 2_000;
  private static final Duration BATCH_LIMIT = Duration.ofSeconds(20);

  private static final String[] GIANT_SHAPES = {"(2147483639,)", "(1048576, 1048576)", "(9223372036854775807,)",
      "(9223372036854775808,)", "(-1,)", "(3, -2)", "(0, 9223372036854775807)", "(99999999999999999999999,)",
      "(1, 2, 3, 4, 5, 6, 7, 8)", "()", "(2,)", "(1)", "(65536, 32768)", "(2147483647, 2)", "(,)", "(1,,)"};
  private static final String[] DTYPES = {"<f8", ">f8", "<f4", "|u1", "<i8", "|b1", "<c16", "<U2", "|f8", "<f",
      "", "<u8", ">i2", "O", "<f8\u00e9"};

  /** Runs {@code parse} on ITERATIONS mutants of the seeds; {@code allowed} is the documented type. */
  private static void fuzz(String what, long seed, List<byte[]> seeds, Mutator mutator, Consumer<byte[]> parse,
      Class<? extends FormatException> allowed) {
    fuzz(what, seed, ITERATIONS, seeds, mutator, parse, allowed);
  }

  private static void fuzz(String what, long seed, int iterations, List<byte[]> seeds, Mutator mutator,
      Consumer<byte[]> parse, Class<? extends FormatException> allowed) {
    int[] outcomes = new int[2]; // parsed, rejected
    for (int start = 0; start < iterations; start += BATCH) {
      int from = start;
      assertTimeoutPreemptively(BATCH_LIMIT, () -> {
        for (int i = from; i < Math.min(iterations, from + BATCH); i++) {
          SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + i);
          byte[] input = mutator.mutate(seeds.get(rnd.nextInt(seeds.size())).clone(), rnd);
          try {
            parse.accept(input);
            outcomes[0]++;
          } catch (FormatException e) {
            if (!allowed.isInstance(e)) {
              fail(what + " iteration " + i + ": " + e.getClass().getSimpleName() + " instead of "
                  + allowed.getSimpleName() + " for input " + show(input), e);
            }
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what + " iteration " + i
                + ": empty message");
            outcomes[1]++;
          } catch (Throwable t) {
            fail(what + " iteration " + i + ": undocumented " + t + " for input " + show(input), t);
          }
        }
      }, what + " fuzz batch from iteration " + start + " hung");
    }
    assertEquals(iterations, outcomes[0] + outcomes[1]);
    // both outcomes must occur, or the mutations are too weak (or too destructive) to test anything
    assertTrue(outcomes[0] > iterations / 500 && outcomes[1] > iterations / 500,
        what + ": parsed " + outcomes[0] + ", rejected " + outcomes[1]);
  }

  private static String show(byte[] b) {
    return b.length > 600 ? b.length + " bytes starting " + HexFormat.of().formatHex(b, 0, 600)
        : HexFormat.of().formatHex(b);
  }

  @FunctionalInterface
  interface Mutator {
    byte[] mutate(byte[] input, SplittableRandom rnd);
  }

  /** Generic byte mutations: bit flips, random bytes, insertions, deletions, truncation, duplication. */
  static byte[] mutateBytes(byte[] b, SplittableRandom rnd) {
    int rounds = 1 + rnd.nextInt(3);
    for (int r = 0; r < rounds; r++) {
      int n = b.length;
      switch (rnd.nextInt(7)) {
        case 0 -> { // flip bits
          for (int k = 0, m = 1 + rnd.nextInt(4); k < m && n > 0; k++) {
            b[rnd.nextInt(n)] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
        case 1 -> { // set a byte to an interesting value
          if (n > 0) {
            int[] vals = {0, 0xff, 0x7f, 0x80, 1, '(', ')', ',', '\'', '{', '}', '-', '9', ' ', '\n'};
            b[rnd.nextInt(n)] = (byte) vals[rnd.nextInt(vals.length)];
          }
        }
        case 2 -> { // insert random bytes
          int at = rnd.nextInt(n + 1);
          byte[] ins = new byte[1 + rnd.nextInt(8)];
          rnd.nextBytes(ins);
          b = splice(b, at, at, ins);
        }
        case 3 -> { // delete a range
          if (n > 0) {
            int at = rnd.nextInt(n);
            b = splice(b, at, Math.min(n, at + 1 + rnd.nextInt(8)), new byte[0]);
          }
        }
        case 4 -> b = Arrays.copyOf(b, rnd.nextInt(n + 1)); // truncate
        case 5 -> { // duplicate a chunk
          if (n > 0) {
            int at = rnd.nextInt(n);
            int len = Math.min(n - at, 1 + rnd.nextInt(32));
            b = splice(b, at, at, Arrays.copyOfRange(b, at, at + len));
          }
        }
        default -> { // overwrite 4 bytes with a random or extreme int
          if (n >= 4) {
            int[] vals = {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, 1 << 30, Integer.MAX_VALUE - 8, rnd.nextInt()};
            ByteBuffer.wrap(b).putInt(rnd.nextInt(n - 3), vals[rnd.nextInt(vals.length)]);
          }
        }
      }
    }
    return b;
  }

  static byte[] splice(byte[] b, int from, int to, byte[] ins) {
    byte[] out = new byte[b.length - (to - from) + ins.length];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(ins, 0, out, from, ins.length);
    System.arraycopy(b, to, out, from + ins.length, b.length - to);
    return out;
  }

  /** Replaces the first occurrence of a header field's value with another one. */
  private static byte[] editHeader(byte[] b, String field, String replacement) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    int k = s.indexOf("'" + field + "': ");
    if (k < 0) {
      return b;
    }
    int v = k + field.length() + 4;
    int end = field.equals("shape") ? s.indexOf(')', v) + 1 : s.indexOf(',', v);
    if (end <= v) {
      return b;
    }
    return (s.substring(0, v) + replacement + s.substring(end)).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] npy(NdArray a, String dtype) {
    return Npy.toBytes(a, dtype);
  }

  @Test
  void npyMutantsParseOrFailWithFormatException() {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(npy(new NdArray(new long[] {3, 2}, new double[] {1, -2, 3.5, 0, 1e300, -0.0}), "<f8"));
    seeds.add(npy(new NdArray(new long[] {2, 2, 2}, new double[] {0, 1, 2, 3, 4, 5, 6, 255}), "|u1"));
    seeds.add(npy(new NdArray(new long[] {4}, new double[] {-1, 2, 3, 4}), ">i4"));
    seeds.add(npy(NdArray.scalar(2.5), "<f4"));
    seeds.add(npy(new NdArray(new long[] {0, 3}, new double[0]), "<i8"));
    byte[] fortran = npy(new NdArray(new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6}), "<f8");
    seeds.add(editHeader(fortran, "fortran_order", "True ")); // same header length
    byte[] v2 = npy(new NdArray(new long[] {2}, new double[] {1, 2}), "<f8");
    v2 = splice(v2, 8, 10, new byte[] {v2[8], v2[9], 0, 0}); // same header with a 4-byte length
    v2[6] = 2;
    seeds.add(v2);
    for (byte[] s : seeds) {
      Npy.parse(s, "seed.npy"); // every seed is valid
    }
    Mutator mutator = (b, rnd) -> switch (rnd.nextInt(4)) {
      case 0 -> editHeader(b, "shape", GIANT_SHAPES[rnd.nextInt(GIANT_SHAPES.length)]);
      case 1 -> editHeader(b, "descr", "'" + DTYPES[rnd.nextInt(DTYPES.length)] + "'");
      default -> mutateBytes(b, rnd);
    };
    fuzz("NPY", 1, seeds, mutator, b -> {
      NdArray a = Npy.parse(b, "fuzz.npy");
      long size = 1;
      for (long d : a.shape()) {
        size *= d;
      }
      assertEquals(size, a.size());
    }, FormatException.class);
  }

  private static byte[] idxBytes(int type, int[] dims, byte[] data, boolean gzip) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    if (!gzip) {
      return b.array();
    }
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
      g.write(b.array());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bos.toByteArray();
  }

  @Test
  void idxMutantsParseOrFailWithFormatException() {
    byte[] pixels = new byte[48];
    new SplittableRandom(5).nextBytes(pixels);
    List<byte[]> plain = List.of(idxBytes(0x08, new int[] {3, 4, 4}, pixels, false),
        idxBytes(0x09, new int[] {6}, Arrays.copyOf(pixels, 6), false),
        idxBytes(0x0B, new int[] {2, 3}, Arrays.copyOf(pixels, 12), false),
        idxBytes(0x0D, new int[] {4}, Arrays.copyOf(pixels, 16), false),
        idxBytes(0x0E, new int[] {1, 1}, Arrays.copyOf(pixels, 8), false),
        idxBytes(0x0C, new int[0], Arrays.copyOf(pixels, 4), false));
    List<byte[]> seeds = new ArrayList<>(plain);
    seeds.add(idxBytes(0x08, new int[] {3, 4, 4}, pixels, true));
    seeds.add(idxBytes(0x0C, new int[] {3}, Arrays.copyOf(pixels, 12), true));
    for (byte[] s : seeds) {
      Idx.parse(s, "seed.idx");
    }
    Mutator mutator = (b, rnd) -> {
      if (rnd.nextInt(4) == 0 && (b[0] & 0xFF) != 0x1f) { // header edits on plain files
        int[] extreme = {Integer.MAX_VALUE, Integer.MAX_VALUE - 8, 1 << 16, -1, 0, rnd.nextInt()};
        int at = rnd.nextInt(3);
        if (at == 0 && b.length >= 3) {
          b[2] = (byte) rnd.nextInt(256); // type
        } else if (at == 1 && b.length >= 4) {
          b[3] = (byte) rnd.nextInt(256); // rank
        } else if (b.length >= 8) {
          ByteBuffer.wrap(b).putInt(4 + 4 * rnd.nextInt((b.length - 4) / 4), extreme[rnd.nextInt(extreme.length)]);
        }
        return b;
      }
      return mutateBytes(b, rnd);
    };
    fuzz("IDX", 2, seeds, mutator, b -> Idx.parse(b, "fuzz.idx"), FormatException.class);
  }

  private static final String[] JSON_TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "1e999",
      "-", "-0", "0.", ".5", "1e", "null", "true", "false", "nul", "\"weights\"", "\"means\"", "\"vars\"", "[[", "]]",
      "1", "-1", "0", "NaN", "Infinity", " ", "\n", "\u0000", "\u00e9", "\"x\":1", "[1e-400]", "[[1,2],[3]]",
      "123456789012345678901234567890", "[".repeat(300), "]".repeat(300)};

  @Test
  void jsonAndMixtureSpecMutantsParseOrFailWithJsonException() {
    List<byte[]> seeds = List.of(
        "{\"weights\": [0.3, 0.7], \"means\": [[-1, 0.5], [2, 1e-3]], \"vars\": [[0.25, 1], [2.5E-1, 4]]}",
        "{\"weights\":[1],\"means\":[[0]],\"vars\":[[1]]}",
        "{\"a\": [1, 2, {\"b\": null}], \"c\": \"s\\u00e9\\n\", \"d\": true, \"e\": -0.5e+3}",
        "[[[[1]]], [], {}]").stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    Mutator mutator = (b, rnd) -> {
      if (rnd.nextBoolean()) {
        return mutateBytes(b, rnd);
      }
      String s = new String(b, StandardCharsets.UTF_8);
      for (int k = 0, m = 1 + rnd.nextInt(3); k < m; k++) {
        int at = rnd.nextInt(s.length() + 1);
        int end = rnd.nextInt(3) == 0 ? Math.min(s.length(), at + rnd.nextInt(6)) : at;
        s = s.substring(0, at) + JSON_TOKENS[rnd.nextInt(JSON_TOKENS.length)] + s.substring(end);
      }
      return s.getBytes(StandardCharsets.UTF_8);
    };
    fuzz("JSON", 3, seeds, mutator, b -> Json.parse(new String(b, StandardCharsets.UTF_8)), JsonException.class);
    fuzz("mixture JSON", 4, seeds.subList(0, 2), mutator,
        b -> GaussianMixture.fromJson(new String(b, StandardCharsets.UTF_8)), JsonException.class);
  }

  @Test
  void npzMutantsParseOrFailWithFormatException(@TempDir Path tmp) throws IOException {
    // through real files: the zip reader needs one. Fewer mutants, as each costs a file write.
    Path seedFile = tmp.resolve("seed.npz");
    Npz.write(seedFile, Map.of("x", new NdArray(new long[] {2, 2}, new double[] {1, 2, 3, 4}),
        "y", new NdArray(new long[] {3}, new double[] {5, 6, 7}, "|u1")));
    List<byte[]> seeds = List.of(Files.readAllBytes(seedFile),
        Files.readAllBytes(Fixtures.dir().resolve("npz/stored.npz")));
    Path f = tmp.resolve("fuzz.npz");
    fuzz("NPZ", 6, 300, seeds, ParserFuzzTest::mutateBytes, b -> {
      try {
        Files.write(f, b);
        Npz.read(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, FormatException.class);
  }

  @Test
  void csvMutantsParseOrFailWithFormatException() {
    List<byte[]> seeds = List.of("x,y,label\n1,2.5,0\n-3e2,.5,1\n\"4\", 5 ,NA\n",
        "1;2;3\n4;5;6\n").stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    Csv.Options[] options = {Csv.Options.defaults(), Csv.Options.defaults().missing(Csv.MissingValues.FILL_MEAN),
        Csv.Options.defaults().delimiter(';').missing(Csv.MissingValues.DROP_ROW),
        Csv.Options.defaults().columns("y"), Csv.Options.defaults().columnIndices(1, 0)};
    int[] which = {0};
    fuzz("CSV", 5, 5_000, seeds, ParserFuzzTest::mutateBytes,
        b -> Csv.parse(new String(b, StandardCharsets.UTF_8), "fuzz.csv", options[which[0]++ % options.length]),
        FormatException.class);
  }

  /** Runs {@code body} with the read ceiling set to {@code bytes}. */
  private static void withCeiling(String bytes, Runnable body) {
    String old = System.getProperty(ReadLimits.PROPERTY);
    System.setProperty(ReadLimits.PROPERTY, bytes);
    try {
      body.run();
    } finally {
      if (old == null) {
        System.clearProperty(ReadLimits.PROPERTY);
      } else {
        System.setProperty(ReadLimits.PROPERTY, old);
      }
    }
  }

  /**
   * Size limits: NPZ archives whose declared entry sizes (central directory, offset 24) are
   * mutated to small, exact, off-by-one and huge values, under a 256 kB read ceiling, with a 1 MB
   * entry among the seeds: each parses (only when the declared size is the true one) or is refused
   * with a FormatException, never by an allocation of the declared size.
   */
  @Test
  void npzDeclaredSizeMutantsAreBoundedByTheCeiling(@TempDir Path tmp) throws IOException {
    Path small = tmp.resolve("small.npz");
    Npz.write(small, Map.of("x", new NdArray(new long[] {3, 2}, new double[] {1, 2, 3, 4, 5, 6})));
    Path big = tmp.resolve("big.npz");
    Npz.write(big, Map.of("z", new NdArray(new long[] {1 << 17}, new double[1 << 17]))); // 1 MB inflated
    List<byte[]> seeds = List.of(Files.readAllBytes(small), Files.readAllBytes(big));
    long[] sizes = {0, 1, 100, 4096, 1 << 17, (1 << 20) + 127, (1 << 20) + 129, Integer.MAX_VALUE, 0xFFFFFFFFL};
    Mutator forgeSize = (b, rnd) -> {
      ByteBuffer bb = ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      boolean forge = rnd.nextInt(3) > 0; // a third of the seeds keep their sizes
      for (int i = b.length - 46; i >= 0 && forge; i--) {
        if (bb.getInt(i) == 0x02014b50) {
          bb.putInt(i + 24, (int) sizes[rnd.nextInt(sizes.length)]);
          break;
        }
      }
      return rnd.nextInt(4) == 0 ? mutateBytes(b, rnd) : b;
    };
    Path f = tmp.resolve("fuzz.npz");
    withCeiling("256k", () -> fuzz("NPZ sizes", 7, 200, seeds, forgeSize, b -> {
      try {
        Files.write(f, b);
        Npz.read(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, FormatException.class));
  }

  /** JSON and CSV texts around a 4 kB ceiling: small ones parse, larger ones are refused by size before parsing. */
  @Test
  void jsonAndCsvSizesAroundTheCeiling(@TempDir Path tmp) {
    withCeiling("64k", () -> {
      SplittableRandom rnd = new SplittableRandom(8);
      int parsed = 0;
      int refused = 0;
      for (int i = 0; i < 60; i++) {
        int numbers = 1 + rnd.nextInt(12_000);
        try {
          Path json = tmp.resolve("m" + i + ".json");
          Files.writeString(json, "{\"weights\": [1], \"means\": [[" + "0,".repeat(numbers - 1) + "0]], \"vars\": [["
              + "1,".repeat(numbers - 1) + "1]]}");
          Path csv = tmp.resolve("c" + i + ".csv");
          Files.writeString(csv, "1,".repeat(numbers - 1) + "1\n" + "2,".repeat(numbers - 1) + "2\n");
          long jsonNeed = Files.size(json) * ReadLimits.JSON_EXPANSION;
          long csvNeed = Files.size(csv) * ReadLimits.CSV_EXPANSION;
          for (Object[] c : new Object[][] {{json, jsonNeed}, {csv, csvNeed}}) {
            Path file = (Path) c[0];
            try {
              if (file.toString().endsWith(".json")) {
                org.diffusion4j.model.GaussianMixture.read(file);
              } else {
                Csv.read(file);
              }
              assertTrue((long) c[1] <= 64 << 10, file + " parsed above the ceiling");
              parsed++;
            } catch (FormatException e) {
              assertTrue((long) c[1] > 64 << 10 && e.getMessage().contains("above the read ceiling"), e.getMessage());
              refused++;
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      assertTrue(parsed > 5 && refused > 5, "parsed " + parsed + ", refused " + refused);
    });
  }
}
