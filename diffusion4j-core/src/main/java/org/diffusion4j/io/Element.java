package org.diffusion4j.io;

import java.nio.ByteBuffer;

/**
 * The element types the array formats store (NPY dtypes without the byte-order character, IDX
 * type codes), with their width and their conversion to and from {@code double}. Package-private:
 * users see dtype names such as {@code "<f8"}.
 */
enum Element {
  F8("f8", 8, false, 0, 0),
  F4("f4", 4, false, 0, 0),
  I8("i8", 8, true, Long.MIN_VALUE, Long.MAX_VALUE),
  I4("i4", 4, true, Integer.MIN_VALUE, Integer.MAX_VALUE),
  I2("i2", 2, true, Short.MIN_VALUE, Short.MAX_VALUE),
  I1("i1", 1, true, Byte.MIN_VALUE, Byte.MAX_VALUE),
  U8("u8", 8, true, 0, 0), // upper bound 2^64 - 1 handled specially
  U4("u4", 4, true, 0, 0xFFFF_FFFFL),
  U2("u2", 2, true, 0, 0xFFFF),
  U1("u1", 1, true, 0, 0xFF),
  B1("b1", 1, true, 0, 1);

  /** Type code as in numpy's dtype string (kind letter + width). */
  final String code;
  /** Bytes per element. */
  final int width;
  final boolean integral;
  private final long min;
  private final long max;

  Element(String code, int width, boolean integral, long min, long max) {
    this.code = code;
    this.width = width;
    this.integral = integral;
    this.min = min;
    this.max = max;
  }

  /** The element for a numpy type code such as {@code "f8"}, or null. */
  static Element ofCode(String code) {
    for (Element e : values()) {
      if (e.code.equals(code)) {
        return e;
      }
    }
    return null;
  }

  /** Reads one element at the buffer's position (in the buffer's byte order). */
  double get(ByteBuffer b) {
    switch (this) {
      case F8:
        return b.getDouble();
      case F4:
        return b.getFloat();
      case I8:
        return b.getLong();
      case I4:
        return b.getInt();
      case I2:
        return b.getShort();
      case I1:
        return b.get();
      case U8: {
        long v = b.getLong();
        // Unsigned 64-bit to double, correctly rounded: halve (keeping the sticky bit), convert, double.
        return v >= 0 ? (double) v : ((double) ((v >>> 1) | (v & 1))) * 2.0;
      }
      case U4:
        return b.getInt() & 0xFFFF_FFFFL;
      case U2:
        return b.getShort() & 0xFFFF;
      case U1:
        return b.get() & 0xFF;
      case B1:
        return b.get() != 0 ? 1 : 0;
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Checks that {@code x} is representable: integer types need an integral value in range; float32
   * takes any value (rounded to nearest). Returns null if fine, else the reason.
   */
  String checkValue(double x) {
    if (!integral) {
      return null;
    }
    if (x != Math.rint(x)) {
      return "is not an integer (NaN, infinite or fractional)";
    }
    boolean ok;
    // 2^63 - 1 and 2^64 - 1 have no double; they read as 2^63 and 2^64, which write back as them
    if (this == U8) {
      ok = x >= 0 && x <= 0x1p64;
    } else if (this == I8) {
      ok = x >= -0x1p63 && x <= 0x1p63;
    } else {
      ok = x >= min && x <= max;
    }
    return ok ? null : "is out of range for " + code;
  }

  /** Writes one element (value already checked with {@link #checkValue}). */
  void put(ByteBuffer b, double x) {
    switch (this) {
      case F8 -> b.putDouble(x);
      case F4 -> b.putFloat((float) x);
      case I8 -> b.putLong((long) x);
      case I4 -> b.putInt((int) x);
      case I2 -> b.putShort((short) x);
      case I1 -> b.put((byte) x);
      case U8 -> b.putLong(x < 0x1p63 ? (long) x : (long) (x - 0x1p63) ^ Long.MIN_VALUE); // casts saturate
      case U4 -> b.putInt((int) (long) x);
      case U2 -> b.putShort((short) (int) x);
      case U1, B1 -> b.put((byte) (int) x);
      default -> throw new AssertionError(this);
    }
  }
}
