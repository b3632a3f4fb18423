package org.diffusion4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader refuses an input that would not fit in memory with one line, in a JVM whose heap
 * is 64 MB (issue 23, item 3): a decompression-bomb NPZ (declared size honest, and forged), a JSON
 * spec and a single-line CSV that would expand past the ceiling. The same JVM reads small valid
 * files, so the bound is not a blanket refusal.
 */
class BoundedReadersTest {
  static final String HEAP = "-Xmx64m";

  @TempDir Path tmp;

  /** Runs the probe in a child JVM with a 64 MB heap; returns {exit code, the output}. */
  static Object[] probe(String reader, Path file) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
        "-cp", System.getProperty("java.class.path"), BoundedReadProbe.class.getName(), reader, file.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), reader + " probe hung");
    return new Object[] {p.exitValue(), out};
  }

  private static void assertRefused(String reader, Path file, String expect) throws Exception {
    Object[] r = probe(reader, file);
    String out = (String) r[1];
    assertEquals(2, r[0], reader + " must refuse, not die: " + out);
    assertEquals(1, out.strip().lines().count(), "one line: " + out);
    assertTrue(out.startsWith("refused: " + file) && out.contains(expect), out);
  }

  /** An NPZ whose one entry is an f8 NPY of {@code count} zeros (deflated: a few hundred kB per 256 MB). */
  private static void zeroNpz(Path file, long count) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      zip.putNextEntry(new ZipEntry("x.npy"));
      zip.write(header(count));
      byte[] zeros = new byte[1 << 20];
      for (long left = count * 8; left > 0; left -= zeros.length) {
        zip.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
      zip.closeEntry();
    }
  }

  /** A version-1 NPY header for ({@code count},) little-endian f8. */
  private static byte[] header(long count) {
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + count + ",), }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String h = dict + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + h.length()).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
    b.put(h.getBytes(StandardCharsets.ISO_8859_1));
    return b.array();
  }

  @Test
  void decompressionBombNpzIsRefusedByItsDeclaredSize() throws Exception {
    Path bomb = tmp.resolve("bomb.npz");
    zeroNpz(bomb, 16L << 20); // 128 MB of zeros in about 130 kB
    assertTrue(Files.size(bomb) < 2 << 20, "a bomb: " + Files.size(bomb));
    assertRefused("npz", bomb, "above the read ceiling");
  }

  @Test
  void npzEntryThatInflatesBeyondItsForgedSizeIsRefused() throws Exception {
    Path bomb = tmp.resolve("forged.npz");
    zeroNpz(bomb, 16L << 20);
    byte[] b = Files.readAllBytes(bomb);
    // forge the central directory's uncompressed size (offset 24 of the 0x02014b50 header) to 4096
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int at = -1;
    for (int i = b.length - 22; i >= 0; i--) {
      if (bb.getInt(i) == 0x02014b50) {
        at = i;
        break;
      }
    }
    assertTrue(at >= 0);
    bb.putInt(at + 24, 4096);
    Files.write(bomb, b);
    assertRefused("npz", bomb, "inflates to more than the 4096 bytes it declares");
  }

  @Test
  void oversizedJsonAndCsvAreRefusedAndSmallOnesRead() throws Exception {
    Path json = tmp.resolve("big.json");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(json))) {
      out.write("{\"weights\": [1], \"means\": [[".getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = "1,".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 48; i++) { // 6 MB of numbers
        out.write(chunk);
      }
      out.write("1]], \"vars\": [[1]]}".getBytes(StandardCharsets.US_ASCII));
    }
    assertRefused("json", json, "a JSON text file of 6.0 MB needs about");
    Path csv = tmp.resolve("line.csv");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv))) {
      byte[] chunk = "1,".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 96; i++) { // 12 MB on one line
        out.write(chunk);
      }
      out.write("1\n".getBytes(StandardCharsets.US_ASCII));
    }
    assertRefused("csv", csv, "a CSV file of 12.0 MB needs about");

    Path smallJson = Files.writeString(tmp.resolve("small.json"), "{\"weights\": [1], \"means\": [[0, 1]], \"vars\": [[1, 2]]}");
    Path smallCsv = Files.writeString(tmp.resolve("small.csv"), "x,y\n1,2\n3,4\n");
    Path smallNpz = tmp.resolve("small.npz");
    Npz.write(smallNpz, Map.of("x", new NdArray(new long[] {2, 2}, new double[] {1, 2, 3, 4})));
    for (Object[] ok : new Object[][] {{"json", smallJson}, {"csv", smallCsv}, {"npz", smallNpz}}) {
      Object[] r = probe((String) ok[0], (Path) ok[1]);
      assertEquals(0, r[0], ok[0] + ": " + r[1]);
    }
  }

  @Test
  void theCeilingIsConfigurable() {
    assertEquals(3L << 20, ReadLimits.parseBytes("3m", "test"));
    assertEquals(5L << 30, ReadLimits.parseBytes("5G", "test"));
    assertEquals(1234, ReadLimits.parseBytes("1234", "test"));
    String old = System.getProperty(ReadLimits.PROPERTY);
    System.setProperty(ReadLimits.PROPERTY, "1k");
    try {
      assertEquals(1024, ReadLimits.ceiling());
      FormatException e = org.junit.jupiter.api.Assertions.assertThrows(FormatException.class,
          () -> ReadLimits.require("f.npy", "an array of 1000 elements", 8000));
      assertEquals("f.npy: an array of 1000 elements needs about 7.8 kB of memory, above the read ceiling of 1.0 kB"
          + " (raise it with -Xmx, -Dd4j.io.max-bytes or D4J_IO_MAX_BYTES)", e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(ReadLimits.PROPERTY);
      } else {
        System.setProperty(ReadLimits.PROPERTY, old);
      }
    }
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ReadLimits.parseBytes("-5", "x"));
  }
}
