package org.diffusion4j.sde;

/**
 * Standard normal numbers addressed by (key, index), with no generator state: what a Brownian
 * tree needs, since a node's numbers must not depend on which query reached it first. Bits come
 * from the SplitMix64 finaliser (Steele, Lea &amp; Flood 2014) of key + golden-ratio * counter;
 * normals from the 128-layer ziggurat in Doornik's ZIGNOR form (Doornik 2005, "An improved
 * ziggurat method to generate normal random samples", with tail R = 3.442619855899 and layer
 * area V = 9.91256303526217e-3 of Marsaglia &amp; Tsang 2000), whose layer index (the low 7 bits)
 * and uniform (the top 53 bits) come from disjoint bits of one hash. About 99% of draws take
 * the fast path: one hash, one table look-up, one compare, one multiply.
 *
 * <p>{@link BrownianIncrements} ({@link #normal32}, two normals per hash) and {@link BrownianTree}
 * (two normals per node hash through {@link #fromBits32}, 53-bit {@link #normal} at the root) draw
 * from here; benchmarks use it for the normal-draw bound of a solver.
 */
public final class CounterNormal {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final int LAYERS = 128;
  private static final double R = 3.442619855899;
  private static final double V = 9.91256303526217e-3;
  /** x[i]: right edge of layer i (x[0] = V / f(R), the base strip's equivalent width; x[128] = 0). */
  private static final double[] X = new double[LAYERS + 1];
  /** x[i+1] / x[i]: below this |u| the point lies inside the layer's rectangle for sure. */
  private static final double[] RATIO = new double[LAYERS];

  static {
    double f = Math.exp(-0.5 * R * R);
    X[0] = V / f;
    X[1] = R;
    X[LAYERS] = 0;
    for (int i = 2; i < LAYERS; i++) {
      X[i] = Math.sqrt(-2 * Math.log(V / X[i - 1] + f));
      f = Math.exp(-0.5 * X[i] * X[i]);
    }
    for (int i = 0; i < LAYERS; i++) {
      RATIO[i] = X[i + 1] / X[i];
    }
  }

  private CounterNormal() {}

  /** The SplitMix64 finaliser. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The {@code index}-th standard normal of stream {@code key}. */
  public static double normal(long key, long index) {
    long h = mix(key + GOLDEN * (index + 1));
    int i = (int) (h & (LAYERS - 1));
    double u = (h >>> 11) * 0x1.0p-52 - 1.0; // uniform on [-1, 1)
    if (Math.abs(u) < RATIO[i]) {
      return u * X[i];
    }
    return slow(h, i, u);
  }

  /**
   * The {@code index}-th standard normal of the two-per-hash stream of {@code key}, which the
   * fixed-step engine draws ({@link BrownianIncrements}): normals 2p and 2p + 1 are the low and
   * high 32 bits of the hash {@link #pairHash pairHash(key, p)}, each through {@link #fromBits32},
   * so a run of consecutive draws costs one hash per two normals. Resolution 2^-24 of the layer
   * width, as Marsaglia &amp; Tsang's 32-bit ziggurat; {@link #normal} is the 53-bit stream.
   */
  public static double normal32(long key, long index) {
    long h = pairHash(key, index >>> 1);
    return (index & 1) == 0 ? low(h) : high(h);
  }

  /** The hash behind normals 2p and 2p + 1 of {@link #normal32}'s stream of {@code key}. */
  public static long pairHash(long key, long pair) {
    return mix(key + GOLDEN * (pair + 1));
  }

  /** The first (even-index) normal of a {@link #pairHash}. */
  public static double low(long pairHash) {
    return fromBits32((int) pairHash, pairHash);
  }

  /** The second (odd-index) normal of a {@link #pairHash}. */
  public static double high(long pairHash) {
    return fromBits32((int) (pairHash >>> 32), ~pairHash);
  }

  /**
   * A standard normal from 32 random bits, for callers that take two normals from one hash (the
   * Brownian tree's splits): the low 7 bits pick the layer and the other 25 give the signed
   * uniform, as in Marsaglia &amp; Tsang's 32-bit ziggurat, so a value is a multiple of 2^-24 of its
   * layer's width (at most 2.1e-7 in absolute terms), where {@link #normal} resolves 2^-52. The
   * rare rejections (about 1.2%) take further bits from re-hashing {@code state}, which must
   * differ between the two normals of one hash.
   */
  static double fromBits32(int bits, long state) {
    int i = bits & (LAYERS - 1);
    double u = (bits >> 7) * 0x1.0p-24; // signed 25 bits: uniform on [-1, 1)
    if (Math.abs(u) < RATIO[i]) {
      return u * X[i];
    }
    return slow(state, i, u);
  }

  /** Rejection part of the ziggurat; extra uniforms come from re-hashing h with a counter. */
  private static double slow(long h, int i, double u) {
    long state = h;
    for (int attempt = 1; ; attempt++) {
      if (i == 0) {
        // Tail beyond R (Marsaglia 1964): x = -log(u1)/R, accept when -2 log(u2) >= x^2.
        double x;
        double y;
        do {
          state = mix(state + GOLDEN);
          x = -Math.log(open(state)) / R;
          state = mix(state + GOLDEN);
          y = -Math.log(open(state));
        } while (2 * y < x * x);
        return u < 0 ? -(R + x) : R + x;
      }
      double x = u * X[i];
      double f0 = Math.exp(-0.5 * (X[i] * X[i] - x * x));
      double f1 = Math.exp(-0.5 * (X[i + 1] * X[i + 1] - x * x));
      state = mix(state + GOLDEN * attempt);
      if (f1 + open(state) * (f0 - f1) < 1.0) {
        return x;
      }
      state = mix(state + GOLDEN);
      i = (int) (state & (LAYERS - 1));
      u = (state >>> 11) * 0x1.0p-52 - 1.0;
      if (Math.abs(u) < RATIO[i]) {
        return u * X[i];
      }
    }
  }

  /** Uniform on (0, 1] from the top 53 bits. */
  private static double open(long bits) {
    return ((bits >>> 11) + 1) * 0x1.0p-53;
  }
}
