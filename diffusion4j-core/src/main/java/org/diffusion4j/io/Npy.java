package org.diffusion4j.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.array.Batch;

/**
 * Reads and writes numpy's {@code .npy} array files (the NPY format, versions 1.0, 2.0 and 3.0,
 * as specified in numpy's {@code numpy.lib.format} documentation).
 *
 * <p>Reading accepts the dtypes {@code f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 b1} in either byte order
 * ({@code <}, {@code >}; {@code |} for one-byte types), any rank including 0-d scalars, and both
 * C and Fortran order (Fortran-ordered data is transposed to C order). The header, a Python dict
 * literal with exactly the keys {@code 'descr'}, {@code 'fortran_order'} and {@code 'shape'}, is
 * parsed strictly. Every malformed file (truncated, wrong magic, unsupported dtype, a shape that
 * does not match the data size, negative or overflowing dimensions) raises a
 * {@link FormatException} naming the file and the problem; a header that claims a huge shape is
 * rejected by comparing with the file size before anything is allocated.
 *
 * <p>Writing produces version 1.0 files (2.0 only when the header needs it), C order, little
 * endian, that {@code numpy.load} reads; all writes are atomic ({@link AtomicFiles}).
 *
 * <pre>{@code
 * Batch samples = Npy.readBatch(Path.of("data.npy"));      // (n, d) or (n,) -> (n, 1)
 * Npy.write(Path.of("samples.npy"), samples);              // <f8, shape (n, d)
 * NdArray images = Npy.read(Path.of("images.npy"));        // any rank and dtype
 * long[] shape = images.shape();
 * }</pre>
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** Headers longer than this are refused (numpy itself refuses 10,000 by default). */
  static final int MAX_HEADER_LENGTH = 1 << 20;
  private static final int ALIGN = 64;

  private Npy() {}

  /** Reads an array of any supported dtype and rank. */
  public static NdArray read(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, size, file.toString());
    }
  }

  /**
   * Reads an array held in memory; {@code name} names it in error messages. Used for arrays
   * inside {@code .npz} archives and by tests.
   */
  public static NdArray parse(byte[] content, String name) {
    try {
      return read(new ByteArrayInputStream(content), content.length, name);
    } catch (IOException e) {
      throw new AssertionError("a byte array cannot fail to read", e);
    }
  }

  /**
   * Reads an array as a batch of states: shape (n, d) as is, shape (n,) as (n, 1).
   *
   * @throws FormatException also if the array has another rank (the message gives the shape)
   */
  public static Batch readBatch(Path file) throws IOException {
    return read(file).toBatch(file.toString(), false);
  }

  /**
   * Reads from a stream positioned at the magic string.
   *
   * @param size the number of bytes in the stream if known (checked against the header before
   *     allocating), else -1
   */
  static NdArray read(InputStream in, long size, String name) throws IOException {
    byte[] pre = ArrayData.readExactly(in, 8, name, "NPY preamble");
    for (int i = 0; i < MAGIC.length; i++) {
      if (pre[i] != MAGIC[i]) {
        throw new FormatException(name + ": not an NPY file (wrong magic string; expected \\x93NUMPY)");
      }
    }
    int major = pre[6] & 0xFF;
    int minor = pre[7] & 0xFF;
    long headerLength;
    int lengthBytes;
    if (major == 1 && minor == 0) {
      lengthBytes = 2;
      byte[] b = ArrayData.readExactly(in, 2, name, "header length");
      headerLength = (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
    } else if ((major == 2 || major == 3) && minor == 0) {
      lengthBytes = 4;
      byte[] b = ArrayData.readExactly(in, 4, name, "header length");
      headerLength = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
    } else {
      throw new FormatException(name + ": unsupported NPY format version " + major + "." + minor
          + " (supported: 1.0, 2.0, 3.0)");
    }
    if (headerLength > MAX_HEADER_LENGTH) {
      throw new FormatException(name + ": NPY header length " + headerLength + " exceeds the limit of "
          + MAX_HEADER_LENGTH + " bytes");
    }
    long dataStart = 8 + lengthBytes + headerLength;
    if (size >= 0 && size < dataStart) {
      throw new FormatException(name + ": truncated: the header declares " + headerLength
          + " bytes but the file has only " + (size - 8 - lengthBytes) + " after the preamble");
    }
    byte[] hb = ArrayData.readExactly(in, (int) headerLength, name, "NPY header");
    String text;
    if (major == 3) {
      try {
        text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(hb)).toString();
      } catch (CharacterCodingException e) {
        throw new FormatException(name + ": NPY 3.0 header is not valid UTF-8");
      }
    } else {
      text = new String(hb, StandardCharsets.ISO_8859_1);
    }
    Header h = Header.parse(text, name);
    int count = ArrayData.elementCount(h.shape, name);
    double[] data = ArrayData.read(in, h.type, h.order, count, size >= 0 ? size - dataStart : -1, name);
    if (h.fortranOrder && h.shape.length > 1) {
      data = fortranToC(data, h.shape);
    }
    return NdArray.wrap(h.shape, data, h.descr);
  }

  /** Reorders column-major (Fortran) data into row-major (C) order. */
  static double[] fortranToC(double[] f, long[] shape) {
    int rank = shape.length;
    double[] c = new double[f.length];
    long[] cStride = new long[rank];
    long s = 1;
    for (int a = rank - 1; a >= 0; a--) {
      cStride[a] = s;
      s *= shape[a];
    }
    long[] idx = new long[rank];
    long ci = 0;
    for (int fi = 0; fi < f.length; fi++) {
      c[(int) ci] = f[fi];
      // advance the multi-index with axis 0 fastest (Fortran order)
      for (int a = 0; a < rank; a++) {
        idx[a]++;
        ci += cStride[a];
        if (idx[a] < shape[a]) {
          break;
        }
        ci -= cStride[a] * shape[a];
        idx[a] = 0;
      }
    }
    return c;
  }

  // ---- writing ----

  /** Writes a batch as float64 ({@code <f8}), shape (n, d). */
  public static void write(Path file, Batch batch) throws IOException {
    write(file, new long[] {batch.n(), batch.d()}, batch.data(), "<f8");
  }

  /** Writes a batch as float32 ({@code <f4}, values rounded to nearest), shape (n, d). */
  public static void writeFloat32(Path file, Batch batch) throws IOException {
    write(file, new long[] {batch.n(), batch.d()}, batch.data(), "<f4");
  }

  /** Writes an array as float64 ({@code <f8}) whatever dtype it was read with. */
  public static void write(Path file, NdArray array) throws IOException {
    write(file, array, "<f8");
  }

  /**
   * Writes an array with the given dtype (any readable one, e.g. {@code "<f4"}, {@code "|u1"},
   * {@code ">i4"}); pass {@code array.dtype()} to keep the type it was read with.
   *
   * @throws IllegalArgumentException if the dtype is unsupported or a value does not fit an
   *     integer dtype (fractional, NaN or out of range)
   */
  public static void write(Path file, NdArray array, String dtype) throws IOException {
    write(file, array.shape(), array.raw(), dtype);
  }

  /** Writes C-order {@code data} of the given shape as float64 ({@code <f8}). */
  public static void write(Path file, long[] shape, double[] data) throws IOException {
    write(file, shape, data, "<f8");
  }

  private static void write(Path file, long[] shape, double[] data, String dtype) throws IOException {
    byte[] header = header(shape, data.length, dtype);
    Dtype dt = Dtype.parse(dtype, "dtype");
    Element type = dt.type();
    ByteOrder order = dt.order();
    // validate every value before the file is opened, so a bad value leaves no file behind
    ArrayData.check(type, data, "cannot write " + file + " as " + dtype);
    AtomicFiles.write(file, out -> {
      out.write(header);
      ArrayData.write(out, type, order, data);
    });
  }

  /** Serialises to bytes (used for {@code .npz} entries and tests). */
  static byte[] toBytes(NdArray array, String dtype) {
    long[] shape = array.shape();
    double[] data = array.raw();
    byte[] header = header(shape, data.length, dtype);
    Dtype dt = Dtype.parse(dtype, "dtype");
    Element type = dt.type();
    ArrayData.check(type, data, "cannot write as " + dtype);
    var bos = new java.io.ByteArrayOutputStream(header.length + data.length * type.width);
    try {
      bos.write(header);
      ArrayData.write(bos, type, dt.order(), data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bos.toByteArray();
  }

  /**
   * The magic, version, header length and padded header dict (total a multiple of 64 bytes, as
   * numpy writes it). Version 1.0 unless the header exceeds 65535 bytes.
   */
  static byte[] header(long[] shape, int count, String dtype) {
    long expected = ArrayData.elementCount(shape, "shape");
    if (expected != count) {
      throw new IllegalArgumentException("data has " + count + " elements but shape " + ArrayData.shapeString(shape)
          + " needs " + expected);
    }
    Dtype.parse(dtype, "dtype"); // validates
    String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + ArrayData.shapeString(shape)
        + ", }";
    int lengthBytes = 2;
    int total = pad(8 + 2 + dict.length() + 1);
    if (total - 10 > 0xFFFF) {
      lengthBytes = 4;
      total = pad(8 + 4 + dict.length() + 1);
    }
    int headerLength = total - 8 - lengthBytes;
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) (lengthBytes == 2 ? 1 : 2)).put((byte) 0);
    if (lengthBytes == 2) {
      b.putShort((short) headerLength);
    } else {
      b.putInt(headerLength);
    }
    b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    while (b.position() < total - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  private static int pad(int n) {
    return (n + ALIGN - 1) / ALIGN * ALIGN;
  }

  /** A dtype string split into element type and byte order. */
  record Dtype(Element type, ByteOrder order) {
    private static final String SUPPORTED =
        " (supported: f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 b1 with byte order < or >, | for one-byte types)";

    /** Parses e.g. {@code "<f8"}; a {@link FormatException} prefixed by {@code name} if unsupported. */
    static Dtype parse(String descr, String name) {
      String shown = "'" + printable(descr) + "'";
      Element type = descr.length() < 2 ? null : Element.ofCode(descr.substring(1));
      char bo = descr.isEmpty() ? '?' : descr.charAt(0);
      if (type == null || (bo != '<' && bo != '>' && bo != '|')) {
        throw new FormatException(name + ": unsupported dtype " + shown + SUPPORTED);
      }
      if (bo == '|' && type.width > 1) {
        throw new FormatException(name + ": unsupported dtype " + shown
            + ": byte order '|' is only valid for one-byte types");
      }
      return new Dtype(type, bo == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    }
  }

  /** The parsed header dict. */
  static final class Header {
    final String descr;
    final Element type;
    final ByteOrder order;
    final boolean fortranOrder;
    final long[] shape;

    private Header(String descr, Element type, ByteOrder order, boolean fortranOrder, long[] shape) {
      this.descr = descr;
      this.type = type;
      this.order = order;
      this.fortranOrder = fortranOrder;
      this.shape = shape;
    }

    static Header parse(String text, String name) {
      Map<String, Object> dict = new DictParser(text, name).parseDict();
      for (String key : List.of("descr", "fortran_order", "shape")) {
        if (!dict.containsKey(key)) {
          throw new FormatException(name + ": NPY header lacks the key '" + key + "'");
        }
      }
      if (dict.size() != 3) {
        for (String key : dict.keySet()) {
          if (!List.of("descr", "fortran_order", "shape").contains(key)) {
            throw new FormatException(name + ": NPY header has the unexpected key '" + printable(key)
                + "' (expected descr, fortran_order, shape)");
          }
        }
      }
      if (!(dict.get("descr") instanceof String descr)) {
        throw new FormatException(name + ": NPY header 'descr' is not a dtype string (structured dtypes are not"
            + " supported)");
      }
      if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
        throw new FormatException(name + ": NPY header 'fortran_order' must be True or False");
      }
      if (!(dict.get("shape") instanceof long[] shape)) {
        throw new FormatException(name + ": NPY header 'shape' must be a tuple of integers");
      }
      Dtype dt = Dtype.parse(descr, name);
      return new Header(descr, dt.type(), dt.order(), fortran, shape);
    }
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 40; i++) {
      char c = s.charAt(i);
      sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c & 0xFFFF));
    }
    return s.length() > 40 ? sb.append("...").toString() : sb.toString();
  }

  /**
   * A strict parser of the Python literal subset NPY headers use: a dict of quoted-string keys to
   * quoted strings, {@code True}/{@code False}, or tuples of integers (shape; returned as long[]).
   */
  private static final class DictParser {
    private final String s;
    private final String name;
    private int pos;

    DictParser(String s, String name) {
      this.s = s;
      this.name = name;
    }

    private FormatException error(String what) {
      return new FormatException(name + ": malformed NPY header at character " + pos + ": " + what + " (header: "
          + printable(s.strip()) + ")");
    }

    private void ws() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\n'
          || s.charAt(pos) == '\r')) {
        pos++;
      }
    }

    private boolean peek(char c) {
      return pos < s.length() && s.charAt(pos) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error(pos >= s.length() ? "expected '" + c + "' but the header ended"
            : "expected '" + c + "' but found '" + printable(String.valueOf(s.charAt(pos))) + "'");
      }
      pos++;
    }

    Map<String, Object> parseDict() {
      ws();
      expect('{');
      Map<String, Object> m = new LinkedHashMap<>();
      ws();
      while (!peek('}')) {
        if (!peek('\'') && !peek('"')) {
          throw error("expected a quoted key");
        }
        String key = string();
        ws();
        expect(':');
        ws();
        Object v = value();
        if (m.put(key, v) != null) {
          throw error("duplicate key '" + printable(key) + "'");
        }
        ws();
        if (peek(',')) {
          pos++;
          ws();
        } else if (!peek('}')) {
          throw error("expected ',' or '}'");
        }
      }
      pos++;
      ws();
      if (pos != s.length()) {
        throw error("unexpected characters after the dict");
      }
      return m;
    }

    private Object value() {
      if (peek('\'') || peek('"')) {
        return string();
      }
      if (peek('(')) {
        return tuple();
      }
      if (s.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      if (peek('[')) {
        throw error("list values (structured dtypes) are not supported");
      }
      throw error("expected a string, True, False or a tuple");
    }

    private String string() {
      char q = s.charAt(pos++);
      int start = pos;
      while (pos < s.length() && s.charAt(pos) != q) {
        char c = s.charAt(pos);
        if (c == '\\' || c == '\n') {
          throw error("escapes and line breaks are not allowed in header strings");
        }
        pos++;
      }
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      return s.substring(start, pos++);
    }

    private long[] tuple() {
      pos++; // '('
      List<Long> dims = new ArrayList<>();
      boolean trailingComma = false;
      ws();
      while (!peek(')')) {
        dims.add(integer());
        ws();
        trailingComma = false;
        if (peek(',')) {
          pos++;
          trailingComma = true;
          ws();
        } else if (!peek(')')) {
          throw error("expected ',' or ')' in the shape tuple");
        }
      }
      pos++;
      if (dims.size() == 1 && !trailingComma) {
        throw error("(" + dims.get(0) + ") is a number, not a tuple; a one-dimensional shape is written ("
            + dims.get(0) + ",)");
      }
      long[] out = new long[dims.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = dims.get(i);
      }
      return out;
    }

    private long integer() {
      int start = pos;
      boolean negative = peek('-');
      if (negative) {
        pos++;
      }
      int digits = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == digits) {
        throw error("expected an integer dimension");
      }
      String text = s.substring(start, pos);
      String magnitude = s.substring(digits, pos).replaceFirst("^0+(?=.)", "");
      if (peek('L') || peek('l')) {
        pos++; // Python 2 long suffix, written by old numpy versions
      }
      if (negative) {
        throw new FormatException(name + ": negative dimension " + printable(text) + " in the NPY header shape");
      }
      if (magnitude.length() > 19 || magnitude.length() == 19 && magnitude.compareTo("9223372036854775807") > 0) {
        throw new FormatException(name + ": dimension " + printable(text) + " in the NPY header shape overflows");
      }
      return Long.parseLong(magnitude);
    }
  }
}
