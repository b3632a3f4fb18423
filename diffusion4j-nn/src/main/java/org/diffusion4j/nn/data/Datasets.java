package org.diffusion4j.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Csv;
import org.diffusion4j.io.Npy;

/** Resolves a {@code --data} value: a toy name or an NPY / CSV file. */
public final class Datasets {
  private Datasets() {}

  /**
   * A loaded training set, the standardisation applied to it (files of flat rows; else null), and
   * the shape of one sample: {d} for flat rows, {C, H, W} for images (MNIST is {1, 28, 28}; an NPY
   * of shape (n, H, W) is {1, H, W}, of shape (n, C, H, W) is {C, H, W}). Rows are always stored
   * flat (row-major over the sample shape).
   */
  public record Loaded(Dataset train, Standardization standardization, long[] sampleShape) {
    public Loaded {
      long p = 1;
      for (long v : sampleShape) {
        p *= v;
      }
      if (p != train.dim()) {
        throw new IllegalArgumentException("sample shape " + java.util.Arrays.toString(sampleShape) + " does not match "
            + train.dim() + " values per row");
      }
      sampleShape = sampleShape.clone();
    }

    /** The data transform to model units ({@link DataTransform#IDENTITY} when not standardised). */
    public DataTransform transform() {
      return standardization == null ? DataTransform.IDENTITY : standardization;
    }

    @Override
    public long[] sampleShape() {
      return sampleShape.clone();
    }
  }

  /** True if {@code spec} names a 2-D toy set. */
  public static boolean isToy(String spec) {
    try {
      Toy2d.parse(spec);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Loads {@code spec}: a toy name ({@code n} points from {@code seed}) or a {@code .npy} /
   * {@code .csv} file of shape (rows, d), standardised per column when {@code standardize}.
   */
  public static Loaded load(String spec, long seed, int n, boolean standardize) throws IOException {
    return load("--data", spec, seed, n, standardize);
  }

  /**
   * As {@link #load(String, long, int, boolean)}; {@code flag} is the option that named
   * {@code spec} (e.g. {@code --target}), for messages. Non-finite values are refused before any
   * standardisation, naming the file's row and column.
   */
  public static Loaded load(String flag, String spec, long seed, int n, boolean standardize) throws IOException {
    if (isToy(spec)) {
      return new Loaded(Toy2d.parse(spec).sample(seed, n), null, new long[] {2});
    }
    if (spec.equalsIgnoreCase("mnist")) {
      return new Loaded(Mnist.train(), null, new long[] {1, Mnist.SIDE, Mnist.SIDE}); // never the held-out digits
    }
    Path file = Path.of(spec);
    String lower = spec.toLowerCase(Locale.ROOT);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(flag + " '" + spec + "' is neither a toy set (" + String.join(", ", Toy2d.names())
          + "), mnist, nor an existing .npy or .csv file");
    }
    Batch x;
    if (lower.endsWith(".npy")) {
      org.diffusion4j.io.NdArray a = Npy.read(file);
      if (a.rank() == 3 || a.rank() == 4) {
        // Images: (n, H, W) or (n, C, H, W), kept in their units (no standardisation).
        long[] s = a.shape();
        long[] shape = a.rank() == 3 ? new long[] {1, s[1], s[2]} : new long[] {s[1], s[2], s[3]};
        long d = shape[0] * shape[1] * shape[2];
        if (d < 1 || s[0] < 2) {
          throw new IllegalArgumentException("image file " + spec + " has shape " + java.util.Arrays.toString(s)
              + "; need at least 2 images of at least 1 pixel");
        }
        Batch imgs = new Batch((int) s[0], (int) d, a.data().clone());
        requireFinite(flag, spec, imgs);
        return new Loaded(Dataset.of(file.getFileName().toString(), imgs), null, shape);
      }
      x = a.toBatch();
    } else if (lower.endsWith(".csv")) {
      x = Csv.read(file).data();
    } else {
      throw new IllegalArgumentException(flag + " " + spec + " must end in .npy or .csv");
    }
    if (x.n() < 2) {
      throw new IllegalArgumentException(flag + " " + spec + " has " + x.n() + " rows; need at least 2");
    }
    requireFinite(flag, spec, x);
    if (!standardize) {
      return new Loaded(Dataset.of(file.getFileName().toString(), x), null, new long[] {x.d()});
    }
    Standardization s = Standardization.fit(x);
    return new Loaded(Dataset.of(file.getFileName().toString(), s.apply(x)), s, new long[] {x.d()});
  }

  /** Refuses a non-finite value of the file as read (before standardisation), naming its row and column. */
  private static void requireFinite(String flag, String spec, Batch x) {
    int f = x.firstNonFinite();
    if (f >= 0) {
      throw new IllegalArgumentException(flag + " " + spec + ": non-finite value " + x.data()[f] + " at data row "
          + f / x.d() + ", column " + f % x.d() + " (0-based)");
    }
  }
}
