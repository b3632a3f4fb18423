package org.diffusion4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Memory bounds of the readers: every reader estimates what an input will take in memory from the
 * sizes it declares (file size, an NPZ entry's uncompressed size, an array header's shape) and
 * refuses, with a one-line {@link FormatException}, an input whose estimate exceeds the read
 * ceiling, before allocating anything of that size.
 *
 * <p>The ceiling is the system property {@value #PROPERTY} or the environment variable
 * {@value #ENV} (bytes, with an optional k/m/g suffix), else three quarters of the JVM's maximum
 * heap ({@code -Xmx}).
 */
public final class ReadLimits {
  /** System property that sets the read ceiling in bytes (suffix k, m or g allowed). */
  public static final String PROPERTY = "d4j.io.max-bytes";
  /** Environment variable that sets the read ceiling when the property is absent. */
  public static final String ENV = "D4J_IO_MAX_BYTES";
  /** Memory per byte of JSON text: the text (1-2 bytes per char) and boxed numbers of at least 2 chars each. */
  static final int JSON_EXPANSION = 16;
  /** Memory per byte of CSV text: one line at a time, numbers of at least 2 chars as 8-byte doubles. */
  static final int CSV_EXPANSION = 5;

  private ReadLimits() {}

  /** The read ceiling in bytes (see the class comment). */
  public static long ceiling() {
    String v = System.getProperty(PROPERTY);
    String source = "-D" + PROPERTY;
    if (v == null || v.isBlank()) {
      v = System.getenv(ENV);
      source = ENV;
    }
    if (v == null || v.isBlank()) {
      return Runtime.getRuntime().maxMemory() / 4 * 3;
    }
    return parseBytes(v.trim(), source);
  }

  static long parseBytes(String v, String source) {
    String s = v.toLowerCase(Locale.ROOT);
    long unit = 1;
    char last = s.charAt(s.length() - 1);
    if (last == 'k' || last == 'm' || last == 'g') {
      unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
      s = s.substring(0, s.length() - 1);
    }
    try {
      long n = Long.parseLong(s);
      if (n < 1 || n > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + " must be a positive number of bytes (suffix k, m or g allowed), got '"
          + v + "'");
    }
  }

  /** Bytes in a human unit: {@code 512 B}, {@code 3.2 MB}, {@code 1.4 GB}. */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /**
   * Refuses {@code needBytes} of memory for reading {@code what} of {@code name} when it exceeds the
   * ceiling; the message says how much it would need and how to raise the ceiling.
   */
  public static void require(String name, String what, long needBytes) {
    long ceiling = ceiling();
    if (needBytes < 0 || needBytes > ceiling) {
      throw new FormatException(name + ": " + what + " needs about " + (needBytes < 0 ? "more than 8 EB" : human(needBytes))
          + " of memory, above the read ceiling of " + human(ceiling) + " (raise it with -Xmx, -D" + PROPERTY
          + " or " + ENV + ")");
    }
  }

  /** Reads a JSON (or other small text) file as UTF-8 after checking its size against the ceiling. */
  public static String readJson(Path file) throws IOException {
    return readText(file, "JSON text", JSON_EXPANSION);
  }

  /** Checks a CSV file's size against the ceiling (before {@link Csv} reads it line by line). */
  static void requireCsv(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      long size = Files.size(file);
      require(file.toString(), "a CSV file of " + human(size), mul(size, CSV_EXPANSION));
    }
  }

  /**
   * Reads a text file of at most ceiling / {@code expansion} bytes; a stream that is not a regular
   * file (a FIFO, a device) is read up to that bound and refused beyond it.
   */
  static String readText(Path file, String kind, int expansion) throws IOException {
    long limit = ceiling() / expansion;
    byte[] bytes;
    if (Files.isRegularFile(file)) {
      long size = Files.size(file);
      require(file.toString(), "a " + kind + " file of " + human(size), mul(size, expansion));
      bytes = Files.readAllBytes(file);
    } else {
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      }
      if (bytes.length > limit) {
        require(file.toString(), "a " + kind + " stream of more than " + human(limit), mul(bytes.length, expansion));
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new FormatException(file + ": not valid UTF-8 text");
    }
  }

  static long mul(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
