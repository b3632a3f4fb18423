package org.diffusion4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusion4j.array.Batch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path tmp;

  @Test
  void numpyFixturesReadExactly() throws IOException {
    int checked = 0;
    for (var e : Fixtures.manifest().entrySet()) {
      if (e.getKey().startsWith("npy/")) {
        Fixtures.assertMatches(e.getValue(), Npy.read(Fixtures.dir().resolve(e.getKey())), e.getKey());
        checked++;
      }
    }
    assertEquals(23, checked, "number of NPY fixtures");
  }

  @Test
  void fortranOrderIsTransposedToCOrder() throws IOException {
    // numpy wrote np.asfortranarray(np.arange(24).reshape(2, 3, 4)): element [i][j][k] = 12 i + 4 j + k
    NdArray a = Npy.read(Fixtures.dir().resolve("npy/fortran_i4_3d.npy"));
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          assertEquals(12 * i + 4 * j + k, a.get(i, j, k));
        }
      }
    }
  }

  @Test
  void writtenFilesAreByteIdenticalToNumpys() throws IOException {
    // numpy writes C-order arrays as version 1.0 with the header padded to 64 bytes; so do we.
    int compared = 0;
    for (var e : Fixtures.manifest().entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("npy/") || name.contains("fortran") || name.contains("/v2") || name.contains("/v3")) {
        continue;
      }
      Path fixture = Fixtures.dir().resolve(name);
      NdArray a = Npy.read(fixture);
      Path out = tmp.resolve("copy.npy");
      Npy.write(out, a, a.dtype());
      assertArrayEquals(Files.readAllBytes(fixture), Files.readAllBytes(out), name);
      compared++;
    }
    assertEquals(18, compared);
  }

  @Test
  void roundTripIsBitwiseForEveryDtypeAndRank() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    String[] dtypes = {"<f8", ">f8", "<f4", ">f4", "<i8", ">i8", "<i4", ">i4", "<i2", ">i2", "|i1", "|u1", "<u2",
        ">u4", "<u8", "|b1"};
    for (String dtype : dtypes) {
      for (int rank = 0; rank <= 4; rank++) {
        long[] shape = new long[rank];
        int size = 1;
        for (int a = 0; a < rank; a++) {
          shape[a] = rnd.nextInt(4); // includes zero-length axes
          size *= (int) shape[a];
        }
        double[] data = new double[size];
        for (int i = 0; i < size; i++) {
          data[i] = sample(dtype, rnd);
        }
        NdArray a = new NdArray(shape, data, dtype);
        Path f = tmp.resolve("rt.npy");
        Npy.write(f, a, dtype);
        NdArray back = Npy.read(f);
        assertEquals(a, back, dtype + " rank " + rank);
        assertEquals(0, headerBytes(f) % 64, "header is padded to 64 bytes");
      }
    }
  }

  private static long headerBytes(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    return 10 + ((b[8] & 0xFF) | (b[9] & 0xFF) << 8);
  }

  private static double sample(String dtype, SplittableRandom rnd) {
    switch (dtype.substring(1)) {
      case "f8":
        return rnd.nextInt(10) == 0 ? Double.longBitsToDouble(rnd.nextLong()) : rnd.nextDouble(-1e6, 1e6);
      case "f4":
        return Float.intBitsToFloat(rnd.nextInt());
      case "i8":
        return (double) (rnd.nextLong() >> 11); // exactly representable
      case "i4":
        return rnd.nextInt();
      case "i2":
        return (short) rnd.nextInt();
      case "i1":
        return (byte) rnd.nextInt();
      case "u1":
        return rnd.nextInt(256);
      case "u2":
        return rnd.nextInt(65536);
      case "u4":
        return rnd.nextLong(1L << 32);
      case "u8":
        return (double) (rnd.nextLong() >>> 11) * 2048; // up to 2^64 - 2048, exact
      case "b1":
        return rnd.nextInt(2);
      default:
        throw new AssertionError(dtype);
    }
  }

  @Test
  void float32FilesRoundValuesAndFloat64IsDefault() throws IOException {
    Batch b = new Batch(2, 2, new double[] {0.1, -2, 1e40, 3});
    Path f = tmp.resolve("f4.npy");
    Npy.writeFloat32(f, b);
    NdArray a = Npy.read(f);
    assertEquals("<f4", a.dtype());
    assertArrayEquals(new double[] {(float) 0.1, -2, Double.POSITIVE_INFINITY, 3}, a.data());
    Path g = tmp.resolve("f8.npy");
    Npy.write(g, b);
    assertEquals("<f8", Npy.read(g).dtype());
    assertArrayEquals(b.data(), Npy.readBatch(g).data());
  }

  @Test
  void largeHeadersUseVersion2() throws IOException {
    long[] shape = new long[25000]; // a header dict longer than 65535 characters
    Arrays.fill(shape, 1);
    Path f = tmp.resolve("v2.npy");
    Npy.write(f, shape, new double[] {4.5});
    byte[] b = Files.readAllBytes(f);
    assertEquals(2, b[6]);
    NdArray a = Npy.read(f);
    assertEquals(25000, a.rank());
    assertEquals(4.5, a.flat(0));
  }

  @Test
  void readBatchTakesRankOneAndTwoOnly() throws IOException {
    Path f = tmp.resolve("r1.npy");
    Npy.write(f, new long[] {3}, new double[] {1, 2, 3});
    Batch b = Npy.readBatch(f);
    assertEquals(3, b.n());
    assertEquals(1, b.d());
    Npy.write(f, new long[] {2, 2, 1}, new double[] {1, 2, 3, 4});
    FormatException e = assertThrows(FormatException.class, () -> Npy.readBatch(f));
    assertMessage(e, f.toString(), "(2, 2, 1)", "rank 3");
    Npy.write(f, new long[0], new double[] {1});
    assertMessage(assertThrows(FormatException.class, () -> Npy.readBatch(f)), "shape ()", "rank 0");
    Npy.write(f, new long[] {4, 0}, new double[0]);
    assertMessage(assertThrows(FormatException.class, () -> Npy.readBatch(f)), "(4, 0)", "no columns");
    Batch empty = Npy.readBatch(Fixtures.dir().resolve("npy/empty_2d.npy"));
    assertEquals(0, empty.n());
    assertEquals(3, empty.d());
  }

  @Test
  void writeRefusesValuesTheDtypeCannotHoldAndKeepsTheOldFile() throws IOException {
    Path f = tmp.resolve("keep.npy");
    Npy.write(f, new long[] {1}, new double[] {9});
    byte[] before = Files.readAllBytes(f);
    NdArray bad = new NdArray(new long[] {2}, new double[] {1, 256});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.write(f, bad, "|u1"));
    assertMessage(e, "element 1", "out of range");
    assertThrows(IllegalArgumentException.class,
        () -> Npy.write(f, new NdArray(new long[] {1}, new double[] {0.5}), "<i4"));
    assertThrows(IllegalArgumentException.class,
        () -> Npy.write(f, new NdArray(new long[] {1}, new double[] {Double.NaN}), "<i8"));
    assertMessage(assertThrows(FormatException.class, () -> Npy.write(f, bad, "<c16")), "unsupported dtype");
    assertArrayEquals(before, Files.readAllBytes(f));
    try (var files = Files.list(tmp)) {
      assertEquals(1, files.count(), "no temporary files left behind");
    }
  }

  // ---- bad files: each gives a FormatException naming the file and the problem ----

  private static byte[] npyBytes(String dict, int dataBytes) {
    return npyBytes(1, dict, new byte[dataBytes]);
  }

  private static byte[] npyBytes(int major, String dict, byte[] data) {
    byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
    int lenBytes = major == 1 ? 2 : 4;
    ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (lenBytes == 2) {
      b.putShort((short) h.length);
    } else {
      b.putInt(h.length);
    }
    return b.put(h).put(data).array();
  }

  private FormatException badFile(byte[] content) throws IOException {
    Path f = tmp.resolve("bad.npy");
    Files.write(f, content);
    FormatException e = assertThrows(FormatException.class, () -> Npy.read(f));
    assertTrue(e.getMessage().startsWith(f.toString() + ": "), "message names the file: " + e.getMessage());
    // the in-memory entry point gives the same verdict
    FormatException m = assertThrows(FormatException.class, () -> Npy.parse(content, "mem"));
    assertEquals(e.getMessage().substring(f.toString().length()), m.getMessage().substring(3));
    return e;
  }

  static void assertMessage(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
    }
  }

  private static final String F8_2X3 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n";

  @Test
  void wellFormedHandMadeFileReads() throws IOException {
    Path f = tmp.resolve("ok.npy");
    Files.write(f, npyBytes(F8_2X3, 48));
    assertArrayEquals(new long[] {2, 3}, Npy.read(f).shape());
    // Python 2 era 'L' suffixes and double quotes are valid Python literals numpy accepts
    Files.write(f, npyBytes("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2L, 3L)}", 48));
    assertArrayEquals(new long[] {2, 3}, Npy.read(f).shape());
  }

  @Test
  void wrongMagic() throws IOException {
    byte[] b = npyBytes(F8_2X3, 48);
    b[1] = 'X';
    assertMessage(badFile(b), "not an NPY file", "magic");
    assertMessage(badFile("hello world, not numpy".getBytes(StandardCharsets.US_ASCII)), "wrong magic");
  }

  @Test
  void truncatedFiles() throws IOException {
    byte[] b = npyBytes(F8_2X3, 48);
    assertMessage(badFile(new byte[0]), "truncated", "preamble");
    assertMessage(badFile(Arrays.copyOf(b, 9)), "truncated", "header length");
    assertMessage(badFile(Arrays.copyOf(b, 30)), "truncated", "header");
    assertMessage(badFile(Arrays.copyOf(b, b.length - 1)), "(48 data bytes)", "holds 47 data bytes");
  }

  @Test
  void headerThatLiesAboutTheShape() throws IOException {
    assertMessage(badFile(npyBytes(F8_2X3, 40)), "declares 6 elements", "48 data bytes", "holds 40");
    assertMessage(badFile(npyBytes(F8_2X3, 56)), "holds 56");
  }

  @Test
  void hugeShapesAreRefusedBeforeAllocating() throws IOException {
    // 2^40 elements fits no array: refused by the element cap
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1048576, 1048576), }", 8)),
        "(1048576, 1048576)", "too many for one array");
    // 2^31 - 9 elements would fit the cap but is 17 GB: refused by comparing with the file size
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483639,), }", 8)),
        "declares 2147483639 elements", "holds 8 data bytes");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,"
        + " 4), }", 8)), "too many");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': "
        + "(99999999999999999999999999,), }", 8)), "dimension 99999999999999999999999999", "overflows");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 2), }", 8)),
        "negative dimension -3");
  }

  @Test
  void unsupportedDtypes() throws IOException {
    for (String descr : new String[] {"<c16", "<U3", "<f2", "O", "|f8", "=f8", "<M8[ns]"}) {
      assertMessage(badFile(npyBytes("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }", 8)),
          "unsupported dtype", descr);
    }
    assertMessage(badFile(npyBytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", 8)),
        "structured dtypes");
  }

  @Test
  void malformedHeaders() throws IOException {
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'shape': (1,), }", 8)), "lacks the key 'fortran_order'");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", 8)),
        "malformed NPY header");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': True}", 8)),
        "unexpected key 'x'");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1), }", 8)),
        "not a tuple", "(1,)");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': 'no', 'shape': (1,), }", 8)),
        "'fortran_order' must be True or False");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", 8)),
        "duplicate key 'descr'");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } junk", 8)),
        "after the dict");
    assertMessage(badFile(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,", 8)),
        "malformed NPY header");
    byte[] v3 = npyBytes(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
    assertEquals(1, Npy.parse(v3, "v3").size());
    v3[13] = (byte) 0xff;
    assertMessage(badFile(v3), "NPY 3.0 header is not valid UTF-8");
    byte[] v4 = npyBytes(F8_2X3, 48);
    v4[6] = 4;
    assertMessage(badFile(v4), "unsupported NPY format version 4.0");
  }

  @Test
  void headerLengthBeyondTheFileOrTheLimit() throws IOException {
    byte[] b = npyBytes(2, F8_2X3, new byte[48]);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7FFF_FFFF);
    assertMessage(badFile(b), "header length 2147483647 exceeds the limit");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 50_000);
    assertMessage(badFile(b), "truncated", "declares 50000 bytes");
  }

  @Test
  void ndArrayIsImmutable() {
    double[] data = {1, 2, 3, 4};
    long[] shape = {2, 2};
    NdArray a = new NdArray(shape, data);
    data[0] = 99;
    shape[0] = 4;
    a.data()[1] = 99;
    a.shape()[1] = 7;
    assertEquals(1, a.get(0, 0));
    assertEquals(2, a.get(0, 1));
    assertArrayEquals(new long[] {2, 2}, a.shape());
    assertTrue(a.buffer().isReadOnly());
    assertFalse(a.equals(new NdArray(new long[] {4}, new double[] {1, 2, 3, 4})));
    assertThrows(IllegalArgumentException.class, () -> new NdArray(new long[] {3}, new double[2]));
    assertThrows(IndexOutOfBoundsException.class, () -> a.get(2, 0));
  }

  @Test
  void numpyNpzArchivesReadExactly() throws IOException {
    Map<String, Fixtures.Expected> manifest = Fixtures.manifest();
    for (String archive : new String[] {"npz/stored.npz", "npz/compressed.npz"}) {
      Map<String, NdArray> arrays = Npz.read(Fixtures.dir().resolve(archive));
      assertEquals(3, arrays.size(), archive);
      for (String key : new String[] {"x", "labels", "t"}) {
        Fixtures.assertMatches(manifest.get("npz/*.npz:" + key), arrays.get(key), archive + ":" + key);
      }
    }
  }

  @Test
  void npzRoundTripAndNumpyCompatibleEntries() throws IOException {
    Path f = tmp.resolve("a.npz");
    NdArray x = new NdArray(new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6});
    NdArray labels = new NdArray(new long[] {2}, new double[] {7, 255}, "|u1");
    Npz.write(f, Map.of("x", x, "labels", labels, "t", NdArray.scalar(0.25)));
    Map<String, NdArray> back = Npz.read(f);
    assertEquals(3, back.size());
    assertEquals(x, back.get("x"));
    assertEquals(labels, back.get("labels"));
    assertEquals(0.25, back.get("t").flat(0));
    byte[] bytes = Files.readAllBytes(f);
    Path cut = tmp.resolve("cut.npz");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    assertMessage(assertThrows(FormatException.class, () -> Npz.read(cut)), cut.toString(), "not a zip archive");
    // a flipped bit inside an entry's compressed data is caught by inflation or by the CRC
    Path flipped = tmp.resolve("flipped.npz");
    for (int at = 40; at < 100; at += 7) {
      byte[] b = bytes.clone();
      b[at] ^= 0x10;
      Files.write(flipped, b);
      try {
        Map<String, NdArray> m = Npz.read(flipped);
        assertEquals(3, m.size(), "a successful read has all arrays");
      } catch (FormatException e) {
        assertTrue(e.getMessage().startsWith(flipped.toString()), e.getMessage());
      }
    }
  }
}
