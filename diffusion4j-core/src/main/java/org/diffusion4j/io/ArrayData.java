package org.diffusion4j.io;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * Shared plumbing of the binary array formats: element counts checked before allocation, data
 * streamed in fixed-size chunks, and decompression errors turned into {@link FormatException}.
 */
final class ArrayData {
  /** The most elements one array may hold (the JVM's practical array limit). */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private static final int CHUNK = 1 << 16; // a multiple of every element width
  private static final int FIRST_GROWTH = 1 << 16;

  private ArrayData() {}

  /** Shape as Python writes a tuple: {@code ()}, {@code (3,)}, {@code (3, 2)}. */
  static String shapeString(long[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(shape[i]);
    }
    if (shape.length == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }

  /**
   * The number of elements of {@code shape}, or a {@link FormatException} (prefixed by {@code name})
   * if a dimension is negative or the product exceeds {@link #MAX_ELEMENTS}.
   */
  static int elementCount(long[] shape, String name) {
    long count = 1;
    boolean zero = false;
    for (long dim : shape) {
      if (dim < 0) {
        throw new FormatException(name + ": negative dimension " + dim + " in shape " + shapeString(shape));
      }
      zero |= dim == 0;
    }
    if (zero) {
      return 0;
    }
    for (long dim : shape) {
      if (dim > MAX_ELEMENTS || count > MAX_ELEMENTS / dim) {
        throw new FormatException(name + ": shape " + shapeString(shape) + " has more than " + MAX_ELEMENTS
            + " elements, too many for one array");
      }
      count *= dim;
    }
    return (int) count;
  }

  /**
   * Reads exactly {@code count} elements and then expects the end of the input.
   *
   * @param knownBytes the number of bytes left in the input if known (then checked before any
   *     allocation), else -1 (then the array grows only as data actually arrives, so a header that
   *     lies about a huge shape cannot exhaust memory)
   */
  static double[] read(InputStream in, Element type, ByteOrder order, int count, long knownBytes, String name)
      throws IOException {
    long need = (long) count * type.width;
    if (knownBytes >= 0 && knownBytes != need) {
      throw new FormatException(name + ": " + sizeProblem(knownBytes, need, count, type));
    }
    if (knownBytes >= 0) { // allocated at once below; a stream of unknown size is checked as it grows
      ReadLimits.require(name, "an array of " + count + " elements", 8L * count);
    }
    double[] out = new double[knownBytes >= 0 ? count : Math.min(count, FIRST_GROWTH)];
    byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(need, 1))];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
    int done = 0;
    while (done < count) {
      int want = (int) Math.min(buf.length, (long) (count - done) * type.width);
      int got = in.readNBytes(buf, 0, want);
      if (got < want) {
        long have = (long) done * type.width + got;
        throw new FormatException(name + ": truncated: " + sizeProblem(have, need, count, type));
      }
      int k = want / type.width;
      if (done + k > out.length) {
        int grown = (int) Math.min(count, Math.max((long) out.length * 2, done + k));
        ReadLimits.require(name, "an array of " + grown + " elements (so far; " + count + " declared)", 8L * grown);
        out = Arrays.copyOf(out, grown);
      }
      bb.clear();
      if (type == Element.F8) {
        bb.asDoubleBuffer().get(out, done, k); // bulk copy for the common case
      } else {
        for (int i = 0; i < k; i++) {
          out[done + i] = type.get(bb);
        }
      }
      done += k;
    }
    if (in.read() != -1) {
      throw new FormatException(name + ": unexpected bytes after the " + count + " elements the header declares"
          + " (the header does not match the data size)");
    }
    return out;
  }

  private static String sizeProblem(long have, long need, int count, Element type) {
    return "the header declares " + count + " elements of " + type.width + " bytes (" + need
        + " data bytes) but the file holds " + have + " data bytes";
  }

  /** Checks that every value fits {@code type}; the message starts with {@code context}. */
  static void check(Element type, double[] data, String context) {
    for (int i = 0; i < data.length; i++) {
      String problem = type.checkValue(data[i]);
      if (problem != null) {
        throw new IllegalArgumentException(context + ": element " + i + " = " + data[i] + " " + problem);
      }
    }
  }

  /** Writes {@code data} (already {@link #check checked}) as elements of {@code type}. */
  static void write(OutputStream out, Element type, ByteOrder order, double[] data) throws IOException {
    byte[] buf = new byte[CHUNK];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
    int perChunk = CHUNK / type.width;
    for (int i = 0; i < data.length; i += perChunk) {
      int k = Math.min(perChunk, data.length - i);
      bb.clear();
      if (type == Element.F8) {
        bb.asDoubleBuffer().put(data, i, k);
      } else {
        for (int j = 0; j < k; j++) {
          type.put(bb, data[i + j]);
        }
      }
      out.write(buf, 0, k * type.width);
    }
  }

  /** Reads exactly {@code n} bytes or throws a truncation {@link FormatException} naming {@code what}. */
  static byte[] readExactly(InputStream in, int n, String name, String what) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new FormatException(name + ": truncated: the file ends inside the " + what + " (" + b.length + " of "
          + n + " bytes)");
    }
    return b;
  }

  /**
   * Wraps a decompressing stream so that corrupt compressed data (ZipException, early EOF, or the
   * rare runtime exceptions of the JDK's zip code) surfaces as a {@link FormatException}, while
   * genuine I/O errors of the underlying file stay {@link IOException}s.
   */
  static InputStream formatErrors(InputStream in, String name, String format) {
    return new FilterInputStream(in) {
      private FormatException wrap(Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new FormatException(name + ": corrupt " + format + " data: " + msg, e);
      }

      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (ZipException | EOFException | RuntimeException e) {
          if (e instanceof FormatException fe) {
            throw fe;
          }
          throw wrap(e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (ZipException | EOFException | RuntimeException e) {
          if (e instanceof FormatException fe) {
            throw fe;
          }
          throw wrap(e);
        }
      }
    };
  }
}
