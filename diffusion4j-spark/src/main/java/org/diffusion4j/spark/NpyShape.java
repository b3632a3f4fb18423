package org.diffusion4j.spark;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The row count of an NPY file from its header alone (format: numpy.lib.format, versions 1-3),
 * so that the driver can number the rows of a sharded data set without reading the data; the
 * data itself is read and validated by {@link org.diffusion4j.io.Npy} on the executors.
 */
final class NpyShape {
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(\\s*([0-9]+)");

  private NpyShape() {}

  /** The first dimension of {@code file}'s shape. */
  static long rows(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "missing input shard");
    }
    try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
      byte[] magic = new byte[8];
      in.readFully(magic);
      if (magic[0] != (byte) 0x93 || magic[1] != 'N' || magic[2] != 'U' || magic[3] != 'M' || magic[4] != 'P'
          || magic[5] != 'Y') {
        throw new IllegalArgumentException(file + " is not an NPY file (no \\x93NUMPY magic)");
      }
      int len = magic[6] == 1 ? (in.readUnsignedByte() | in.readUnsignedByte() << 8)
          : (in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16 | in.readUnsignedByte() << 24);
      if (len < 0 || len > 1 << 20) {
        throw new IllegalArgumentException(file + ": NPY header length " + len + " is out of range");
      }
      byte[] h = new byte[len];
      in.readFully(h);
      Matcher m = SHAPE.matcher(new String(h, StandardCharsets.UTF_8));
      if (!m.find()) {
        throw new IllegalArgumentException(file + ": NPY header has no shape of rank >= 1");
      }
      return Long.parseLong(m.group(1));
    }
  }
}
