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

  /** A loaded training set and, for files, the standardisation applied to it (else null). */
  public record Loaded(Dataset train, Standardization standardization) {}

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
    if (isToy(spec)) {
      return new Loaded(Toy2d.parse(spec).sample(seed, n), null);
    }
    if (spec.equalsIgnoreCase("mnist")) {
      return new Loaded(Mnist.bundled(), null);
    }
    Path file = Path.of(spec);
    String lower = spec.toLowerCase(Locale.ROOT);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("--data '" + spec + "' is neither a toy set (" + String.join(", ", Toy2d.names())
          + "), mnist, nor an existing .npy or .csv file");
    }
    Batch x;
    if (lower.endsWith(".npy")) {
      x = Npy.readBatch(file);
    } else if (lower.endsWith(".csv")) {
      x = Csv.read(file).data();
    } else {
      throw new IllegalArgumentException("data file " + spec + " must end in .npy or .csv");
    }
    if (x.n() < 2) {
      throw new IllegalArgumentException("data file " + spec + " has " + x.n() + " rows; need at least 2");
    }
    if (!standardize) {
      return new Loaded(Dataset.of(file.getFileName().toString(), x), null);
    }
    Standardization s = Standardization.fit(x);
    return new Loaded(Dataset.of(file.getFileName().toString(), s.apply(x)), s);
  }
}
