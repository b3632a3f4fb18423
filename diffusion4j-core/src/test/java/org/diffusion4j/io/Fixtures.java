package org.diffusion4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The numpy-written fixtures of src/test/resources/io (see make_fixtures.py there). */
final class Fixtures {
  private Fixtures() {}

  /** One fixture's expected dtype, shape and C-order values. */
  record Expected(String descr, long[] shape, double[] values) {}

  static Path dir() {
    try {
      return Path.of(Fixtures.class.getResource("/io/manifest.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fixture path relative to the resources' io directory (e.g. "npy/u1_2d.npy") -> expectation. */
  static Map<String, Expected> manifest() throws IOException {
    Object root = Json.parse(Files.readString(dir().resolve("manifest.json")));
    Map<String, Expected> out = new TreeMap<>();
    for (var e : ((Map<?, ?>) root).entrySet()) {
      Map<?, ?> m = (Map<?, ?>) e.getValue();
      double[] shapeD = Json.doubleArray(m.get("shape"), "shape");
      long[] shape = new long[shapeD.length];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = (long) shapeD[i];
      }
      List<?> bits = (List<?>) m.get("bits");
      double[] values = new double[bits.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = Double.longBitsToDouble(Long.parseUnsignedLong((String) bits.get(i), 16));
      }
      out.put((String) e.getKey(), new Expected((String) m.get("descr"), shape, values));
    }
    return out;
  }

  /** Asserts dtype, shape and bitwise-equal values. */
  static void assertMatches(Expected want, NdArray got, String what) {
    assertEquals(want.descr(), got.dtype(), what + " dtype");
    assertArrayEquals(want.shape(), got.shape(), what + " shape");
    double[] data = got.data();
    assertEquals(want.values().length, data.length, what + " size");
    for (int i = 0; i < data.length; i++) {
      assertEquals(Double.doubleToRawLongBits(want.values()[i]), Double.doubleToRawLongBits(data[i]),
          what + " element " + i + ": expected " + want.values()[i] + " got " + data[i]);
    }
  }
}
