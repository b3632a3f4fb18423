package org.diffusion4j.random;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;

/** Standard-normal batches drawn one stream per row, so they do not depend on thread count. */
public final class Noise {
  private Noise() {}

  /** An (n, d) batch of independent N(0, 1) values; row i comes from {@code Rng.of(seed).stream(i)}. */
  public static Batch standardNormal(long seed, int n, int d) {
    Batch out = new Batch(n, d);
    fillStandardNormal(Rng.of(seed), out);
    return out;
  }

  /** Fills {@code out} with N(0, 1); row i from {@code rng.stream(i)}. Parallel over rows. */
  public static void fillStandardNormal(Rng rng, Batch out) {
    int d = out.d();
    double[] a = out.data();
    Parallel.forRows(out.n(), (from, to) -> {
      for (int i = from; i < to; i++) {
        rng.stream(i).fillGaussian(a, i * d, d);
      }
    });
  }
}
