package org.diffusion4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes numpy's {@code .npz} archives ({@code numpy.savez} / {@code savez_compressed}):
 * a zip file of {@code .npy} entries, one per named array. Names are the entry names without the
 * {@code .npy} suffix, in archive order. Reading goes through the zip central directory (so a
 * truncated archive is detected), checks each entry's CRC-32, and reads each entry with
 * {@link Npy}'s rules; every problem is a {@link FormatException} naming the file and entry.
 * Decompression is bounded: each entry's declared uncompressed size (and their sum) is checked
 * against the {@linkplain ReadLimits#ceiling() read ceiling} before inflating, and an entry that
 * inflates to more than it declares is refused as soon as it does.
 *
 * <pre>{@code
 * Npz.write(Path.of("ems.npz"), Map.of("x", NdArray.of(samples), "t", NdArray.scalar(0.5)));
 * NdArray x = Npz.read(Path.of("ems.npz")).get("x");
 * }</pre>
 */
public final class Npz {
  private Npz() {}

  /** Reads every array of the archive (unmodifiable, in archive order). */
  public static Map<String, NdArray> read(Path file) throws IOException {
    String name = file.toString();
    Map<String, NdArray> out = new LinkedHashMap<>();
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException | EOFException e) {
      throw new FormatException(name + ": not a zip archive (" + e.getMessage() + ")", e);
    }
    try (zip) {
      long declaredTotal = 0;
      for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
        ZipEntry e = all.nextElement();
        long size = e.getSize();
        String where = name + "[" + Npy.printable(e.getName()) + "]";
        if (size > ArrayData.MAX_ELEMENTS) {
          throw new FormatException(where + ": entry declares " + size + " uncompressed bytes, more than one array holds");
        }
        // the inflated bytes and the doubles parsed from them (f8: as many bytes again)
        declaredTotal = ReadLimits.mul(Math.max(size, 0), 2) > Long.MAX_VALUE - declaredTotal ? Long.MAX_VALUE
            : declaredTotal + ReadLimits.mul(Math.max(size, 0), 2);
        ReadLimits.require(where, "an entry of " + ReadLimits.human(Math.max(size, 0)) + " uncompressed (declared)",
            ReadLimits.mul(Math.max(size, 0), 2));
      }
      ReadLimits.require(name, "the archive's " + ReadLimits.human(declaredTotal / 2) + " of declared uncompressed data",
          declaredTotal);
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        String key = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
        String where = name + "[" + Npy.printable(e.getName()) + "]";
        byte[] bytes;
        try (InputStream in = ArrayData.formatErrors(zip.getInputStream(e), where, "zip")) {
          bytes = readEntry(in, where, e.getSize());
        } catch (ZipException | EOFException ex) { // a bad local header, or data beyond the file
          throw new FormatException(where + ": corrupt zip entry (" + ex.getMessage() + ")", ex);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
          throw new FormatException(where + ": corrupt zip entry (CRC-32 mismatch)");
        }
        if (out.put(key, Npy.parse(bytes, where)) != null) {
          throw new FormatException(name + ": the archive holds two arrays named '" + Npy.printable(key) + "'");
        }
      }
    }
    if (out.isEmpty()) {
      throw new FormatException(name + ": the npz archive holds no arrays");
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Reads one entry, growing the buffer only as data arrives (declared sizes are not trusted): an
   * entry that inflates beyond its {@code declared} size (when known, else beyond the read ceiling)
   * is refused at that point.
   */
  private static byte[] readEntry(InputStream in, String where, long declared) throws IOException {
    byte[] buf = new byte[1 << 12];
    int n = 0;
    long limit = declared >= 0 ? declared : Math.min(ArrayData.MAX_ELEMENTS, ReadLimits.ceiling() / 2);
    while (true) {
      if (n > limit) {
        throw new FormatException(where + ": entry inflates to more than " + (declared >= 0
            ? "the " + declared + " bytes it declares" : "the read ceiling allows (" + ReadLimits.human(limit) + ")"));
      }
      if (n == buf.length) {
        if (n >= ArrayData.MAX_ELEMENTS) {
          throw new FormatException(where + ": entry larger than " + ArrayData.MAX_ELEMENTS + " bytes");
        }
        buf = Arrays.copyOf(buf, (int) Math.min(Math.min(ArrayData.MAX_ELEMENTS, limit + 1), 2L * n));
      }
      int got = in.read(buf, n, buf.length - n);
      if (got < 0) {
        return Arrays.copyOf(buf, n);
      }
      n += got;
    }
  }

  /**
   * Writes the arrays as {@code .npy} entries (each in its own {@link NdArray#dtype()}) of a
   * deflate-compressed archive, as {@code numpy.savez_compressed} does. Atomic.
   */
  public static void write(Path file, Map<String, NdArray> arrays) throws IOException {
    write(file, arrays, null);
  }

  /**
   * Writes the arrays, each with {@code dtype} or, when {@code dtype} is null, with its own
   * {@link NdArray#dtype()}. Atomic.
   */
  public static void write(Path file, Map<String, NdArray> arrays, String dtype) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (var e : arrays.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty()) {
        throw new IllegalArgumentException("npz array names must not be empty");
      }
      entries.put(e.getKey() + ".npy", Npy.toBytes(e.getValue(), dtype != null ? dtype : e.getValue().dtype()));
    }
    AtomicFiles.write(file, out -> {
      ZipOutputStream zip = new ZipOutputStream(out);
      for (var e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
      zip.finish();
    });
  }
}
