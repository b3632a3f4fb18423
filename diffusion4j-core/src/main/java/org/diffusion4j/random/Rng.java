package org.diffusion4j.random;

import java.util.SplittableRandom;

/**
 * Seeded, splittable randomness.
 *
 * <p>A run is determined by one {@code long} seed. Parallel work never shares a generator:
 * each row (or fixed chunk) {@code i} draws from its own stream {@code stream(i)}, derived
 * from (seed, i) by a SplitMix64-style mix, so results are bitwise identical whatever the
 * thread count or the order in which rows are processed.
 *
 * <p>Uniforms come from {@link SplittableRandom} (SplitMix64, Steele, Lea &amp; Flood 2014);
 * normals from the JDK 17 modified ziggurat of McFarland (2016), via
 * {@code RandomGenerator.nextGaussian()}.
 *
 * <p>An instance is a mutable generator and is not thread-safe; the derivation of child
 * streams depends only on the seed, never on how much of this stream has been consumed.
 */
public final class Rng {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final long seed;
  private final SplittableRandom random;

  private Rng(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(mix(seed));
  }

  /** A generator for {@code seed}. */
  public static Rng of(long seed) {
    return new Rng(seed);
  }

  /** The seed this generator was built from (not its current state). */
  public long seed() {
    return seed;
  }

  /**
   * The independent child stream number {@code index}. Depends only on (seed, index), so
   * {@code Rng.of(s).stream(i)} is the same generator in every thread and every run.
   */
  public Rng stream(long index) {
    return new Rng(mix(seed + GOLDEN * (index + 1)) ^ 0x5DEECE66DL);
  }

  /** Child stream addressed by two indices, e.g. (step, row). */
  public Rng stream(long i, long j) {
    return stream(i).stream(j);
  }

  public double nextDouble() {
    return random.nextDouble();
  }

  /** Uniform in the open interval (0, 1), never 0: safe for logarithms. */
  public double nextOpenDouble() {
    double u;
    do {
      u = random.nextDouble();
    } while (u == 0.0);
    return u;
  }

  public long nextLong() {
    return random.nextLong();
  }

  /** Uniform integer in [0, bound). */
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  public double nextGaussian() {
    return random.nextGaussian();
  }

  /** +1 or -1 with equal probability (Rademacher). */
  public double nextRademacher() {
    return random.nextBoolean() ? 1.0 : -1.0;
  }

  /** Fills {@code a[off .. off+len-1]} with standard normals. */
  public void fillGaussian(double[] a, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      a[i] = random.nextGaussian();
    }
  }

  /** SplitMix64 finaliser (Steele et al. 2014): a bijective 64-bit mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
