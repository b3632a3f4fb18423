package org.diffusion4j.io;

import static org.diffusion4j.io.NpyTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path tmp;

  @Test
  void pythonWrittenFixturesReadExactly() throws IOException {
    int checked = 0;
    for (var e : Fixtures.manifest().entrySet()) {
      if (e.getKey().startsWith("idx/")) {
        Fixtures.assertMatches(e.getValue(), Idx.read(Fixtures.dir().resolve(e.getKey())), e.getKey());
        checked++;
      }
    }
    assertEquals(8, checked);
  }

  @Test
  void roundTripEveryTypePlainAndGzip() throws IOException {
    SplittableRandom rnd = new SplittableRandom(3);
    for (Idx.Type type : Idx.Type.values()) {
      for (String suffix : new String[] {".idx", ".idx.gz"}) {
        long[] shape = {3, 4, 5};
        double[] data = new double[60];
        for (int i = 0; i < data.length; i++) {
          data[i] = switch (type) {
            case UNSIGNED_BYTE -> rnd.nextInt(256);
            case SIGNED_BYTE -> rnd.nextInt(256) - 128;
            case SHORT -> (short) rnd.nextInt();
            case INT -> rnd.nextInt();
            case FLOAT -> Float.intBitsToFloat(rnd.nextInt());
            case DOUBLE -> Double.longBitsToDouble(rnd.nextLong());
          };
        }
        Path f = tmp.resolve(type + suffix);
        Idx.write(f, new NdArray(shape, data), type);
        byte[] raw = Files.readAllBytes(f);
        assertEquals(suffix.endsWith(".gz"), (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b, "gzip iff .gz");
        NdArray back = Idx.read(f);
        assertArrayEquals(shape, back.shape());
        assertEquals(type.dtype, back.dtype());
        for (int i = 0; i < data.length; i++) {
          assertEquals(Double.doubleToRawLongBits(data[i]), Double.doubleToRawLongBits(back.flat(i)), type + " " + i);
        }
        // gzip detection goes by content, not by name
        Path renamed = tmp.resolve("renamed.bin");
        Files.copy(f, renamed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(back, Idx.read(renamed));
      }
    }
  }

  private static byte[] idx(int type, int[] dims, int dataBytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
    b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.array();
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
      g.write(b);
    }
    return bos.toByteArray();
  }

  private FormatException bad(byte[] content) throws IOException {
    Path f = tmp.resolve("bad.idx");
    Files.write(f, content);
    FormatException e = assertThrows(FormatException.class, () -> Idx.read(f));
    assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    return e;
  }

  @Test
  void badFilesGiveClearErrorsPlainAndGzip() throws IOException {
    for (boolean gz : new boolean[] {false, true}) {
      java.util.function.UnaryOperator<byte[]> enc = b -> {
        try {
          return gz ? gzip(b) : b;
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      };
      assertMessage(bad(enc.apply(new byte[] {1, 0, 8, 1, 0, 0, 0, 0})), "not an IDX file", "01 00");
      assertMessage(bad(enc.apply(idx(0x0A, new int[] {1}, 1))), "unsupported IDX element type 0x0a");
      assertMessage(bad(enc.apply(Arrays.copyOf(idx(0x08, new int[] {2, 2}, 4), 6))), "truncated",
          "IDX dimensions");
      assertMessage(bad(enc.apply(idx(0x08, new int[] {28, 28}, 700))), "declares 784 elements", "holds 700");
      assertMessage(bad(enc.apply(idx(0x0D, new int[] {2}, 12))), "2 elements");
      assertMessage(bad(enc.apply(idx(0x08, new int[] {-1, 5}, 0))), "negative dimension -1");
      assertMessage(bad(enc.apply(idx(0x0E, new int[] {65536, 65536}, 8))), "too many for one array");
      // within the element cap but far beyond the file: refused without allocating 2^31 doubles
      assertMessage(bad(enc.apply(idx(0x08, new int[] {Integer.MAX_VALUE - 8}, 16))), "declares 2147483639");
      assertMessage(bad(enc.apply(new byte[] {0, 0})), "truncated", "magic");
    }
    byte[] g = gzip(idx(0x08, new int[] {10}, 10));
    assertMessage(bad(Arrays.copyOf(g, g.length - 12)), "corrupt gzip data");
    g[g.length - 5] ^= 1; // the CRC-32 of the trailer
    assertMessage(bad(g), "corrupt gzip data");
    assertMessage(bad(new byte[] {0x1f, (byte) 0x8b, 7}), "gzip");
  }

  @Test
  void writerRefusesValuesTheTypeCannotHold() {
    NdArray a = new NdArray(new long[] {2}, new double[] {1, 300});
    assertMessage(assertThrows(IllegalArgumentException.class, () -> Idx.write(tmp.resolve("x.idx"), a,
        Idx.Type.UNSIGNED_BYTE)), "element 1", "out of range");
    assertTrue(!Files.exists(tmp.resolve("x.idx")));
  }
}
