package org.diffusion4j.random;

/**
 * The seeds a run derives from its one user seed, each named by what it draws, so that the CLI
 * and Java users draw the same numbers and no two purposes share a stream. The offsets are fixed
 * for reproducibility of published tables (changing one changes every result that uses it).
 */
public final class Seeds {
  private Seeds() {}

  /** Held-out draws of a toy data set (never used for training); {@code k} = 0, 1, ... for several sets. */
  public static long heldOut(long seed, int k) {
    return seed + 1_000_003L * (k + 1);
  }

  /** Training draws of an interpolant's source end, distinct from the target's {@code seed}. */
  public static long source(long seed) {
    return seed + 7;
  }

  /** Initial noise of the demo's sampler comparison. */
  public static long demoNoise(long seed) {
    return seed + 7;
  }

  /** Brownian increments of an SDE sampler run whose start state is drawn from {@code seed}. */
  public static long sdeNoise(long seed) {
    return seed + 1;
  }

  /** Reference draw {@code k} that a sample set is compared with (sliced Wasserstein reports). */
  public static long reference(long seed, int k) {
    return seed + 11 + 12L * k;
  }

  /** Source draws that reflow pushes through the ODE to make its pairs. */
  public static long reflowPairs(long seed) {
    return seed + 101;
  }

  /** Source draws on which reflow measures straightness before and after. */
  public static long reflowProbe(long seed) {
    return seed + 202;
  }

  /** Stochastic samplers' noise, independent of the initial state drawn from {@code seed}. */
  public static long samplerNoise(long seed) {
    return Rng.of(seed).stream(-1).nextLong();
  }
}
