package org.diffusion4j.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes IDX files, the format of the MNIST and Fashion-MNIST data sets (LeCun et al.,
 * "THE MNIST DATABASE of handwritten digits", file format section): a magic number
 * {@code 00 00 TT NN} (TT the element type, NN the number of dimensions), NN big-endian 32-bit
 * dimensions, then the elements big-endian in C order.
 *
 * <p>Element types: {@code 0x08} unsigned byte, {@code 0x09} signed byte, {@code 0x0B} short,
 * {@code 0x0C} int, {@code 0x0D} float, {@code 0x0E} double. Files may be gzip-compressed
 * (recognised by the gzip magic {@code 1f 8b}, whatever the file name). The result's dtype name
 * is the numpy equivalent ({@code "|u1"}, {@code "|i1"}, {@code ">i2"}, {@code ">i4"},
 * {@code ">f4"}, {@code ">f8"}). Malformed files give a {@link FormatException} naming the file
 * and the problem; a header claiming a huge shape is refused before allocation (for gzip input the
 * array grows only as decompressed data actually arrives).
 *
 * <pre>{@code
 * NdArray images = Idx.read(Path.of("train-images-idx3-ubyte.gz"));  // shape (60000, 28, 28), |u1
 * }</pre>
 */
public final class Idx {
  /** The IDX element types. */
  public enum Type {
    UNSIGNED_BYTE(0x08, Element.U1, "|u1"),
    SIGNED_BYTE(0x09, Element.I1, "|i1"),
    SHORT(0x0B, Element.I2, ">i2"),
    INT(0x0C, Element.I4, ">i4"),
    FLOAT(0x0D, Element.F4, ">f4"),
    DOUBLE(0x0E, Element.F8, ">f8");

    final int code;
    final Element element;
    final String dtype;

    Type(int code, Element element, String dtype) {
      this.code = code;
      this.element = element;
      this.dtype = dtype;
    }

    static Type ofCode(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  private Idx() {}

  /** Reads an IDX file, plain or gzip-compressed. */
  public static NdArray read(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, size, file.toString());
    }
  }

  /** Reads IDX content held in memory (plain or gzip); {@code name} names it in errors. */
  public static NdArray parse(byte[] content, String name) {
    try {
      return read(new ByteArrayInputStream(content), content.length, name);
    } catch (IOException e) {
      throw new AssertionError("a byte array cannot fail to read", e);
    }
  }

  private static NdArray read(InputStream raw, long size, String name) throws IOException {
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    InputStream in = raw;
    long known = size;
    if (b0 == 0x1f && b1 == 0x8b) {
      in = ArrayData.formatErrors(new BufferedInputStream(gunzip(raw, name), 1 << 16), name, "gzip");
      known = -1;
    }
    byte[] magic = ArrayData.readExactly(in, 4, name, "IDX magic number");
    if (magic[0] != 0 || magic[1] != 0) {
      throw new FormatException(name + ": not an IDX file (the magic number must start with two zero bytes, found "
          + String.format("%02x %02x", magic[0] & 0xFF, magic[1] & 0xFF) + ")");
    }
    Type type = Type.ofCode(magic[2] & 0xFF);
    if (type == null) {
      throw new FormatException(name + ": unsupported IDX element type 0x" + String.format("%02x", magic[2] & 0xFF)
          + " (supported: 08 ubyte, 09 byte, 0b short, 0c int, 0d float, 0e double)");
    }
    int rank = magic[3] & 0xFF;
    ByteBuffer dims = ByteBuffer.wrap(ArrayData.readExactly(in, 4 * rank, name, "IDX dimensions"))
        .order(ByteOrder.BIG_ENDIAN);
    long[] shape = new long[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = dims.getInt(); // negative values (dimensions of 2^31 or more) are refused below
    }
    int count = ArrayData.elementCount(shape, name);
    long remaining = known >= 0 ? known - 4 - 4L * rank : -1;
    double[] data = ArrayData.read(in, type.element, ByteOrder.BIG_ENDIAN, count, remaining, name);
    return NdArray.wrap(shape, data, type.dtype);
  }

  private static InputStream gunzip(InputStream raw, String name) throws IOException {
    try {
      return new GZIPInputStream(raw, 1 << 16);
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new FormatException(name + ": corrupt gzip header: " + e.getMessage(), e);
    }
  }

  /**
   * Writes an array as IDX with the given element type, gzip-compressed when the file name ends
   * in {@code .gz}. Atomic.
   *
   * @throws IllegalArgumentException if a value does not fit the type (integer types need integral
   *     in-range values), or the array has more than 255 dimensions or a dimension of 2^31 or more
   */
  public static void write(Path file, NdArray array, Type type) throws IOException {
    long[] shape = array.shape();
    if (shape.length > 255) {
      throw new IllegalArgumentException("IDX holds at most 255 dimensions, the array has " + shape.length);
    }
    ByteBuffer header = ByteBuffer.allocate(4 + 4 * shape.length).order(ByteOrder.BIG_ENDIAN);
    header.put((byte) 0).put((byte) 0).put((byte) type.code).put((byte) shape.length);
    for (long dim : shape) {
      if (dim > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("IDX dimensions are 32-bit; " + dim + " is too large");
      }
      header.putInt((int) dim);
    }
    double[] data = array.raw();
    ArrayData.check(type.element, data, "cannot write " + file + " as IDX " + type);
    boolean gzip = file.getFileName() != null && file.getFileName().toString().endsWith(".gz");
    AtomicFiles.write(file, out -> {
      OutputStream o = gzip ? new GZIPOutputStream(out, 1 << 16) : out;
      o.write(header.array());
      ArrayData.write(o, type.element, ByteOrder.BIG_ENDIAN, data);
      if (o instanceof GZIPOutputStream g) {
        g.finish();
      }
    });
  }
}
