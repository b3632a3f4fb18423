package org.diffusion4j.io;

import java.nio.file.Path;
import org.diffusion4j.model.GaussianMixture;

/**
 * Runs one reader on one file and reports in one line, for {@link BoundedReadersTest}'s child JVM
 * with a small heap: {@code read} (exit 0), {@code refused: MESSAGE} (exit 2), or {@code died: ...}
 * (exit 3) on an error such as OutOfMemoryError.
 */
public final class BoundedReadProbe {
  private BoundedReadProbe() {}

  public static void main(String[] args) {
    Path file = Path.of(args[1]);
    try {
      switch (args[0]) {
        case "npz" -> Npz.read(file);
        case "npy" -> Npy.read(file);
        case "csv" -> Csv.read(file);
        case "json" -> GaussianMixture.read(file);
        default -> throw new IllegalStateException("unknown reader " + args[0]);
      }
      System.out.println("read");
      System.exit(0);
    } catch (FormatException e) {
      System.out.println("refused: " + e.getMessage());
      System.exit(2);
    } catch (Throwable t) {
      System.out.println("died: " + t);
      System.exit(3);
    }
  }
}
