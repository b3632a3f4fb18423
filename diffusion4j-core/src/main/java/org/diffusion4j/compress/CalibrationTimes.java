package org.diffusion4j.compress;

import org.diffusion4j.random.Rng;

/**
 * Which steps of a K-step sampling chain a post-training-quantisation calibration set is taken
 * from (chain step 0 is the pure-noise start, step K - 1 the last network call before the sample).
 *
 * <ul>
 *   <li>{@link #PTQ4DM}: Normally Distributed Time-step Calibration of PTQ4DM (Shang et al. 2023,
 *       Sec. 4.2): step = int(u K) with u ~ N(mu, sigma), clamped to [0, K - 1]; the official
 *       {@code generate_t(t_mode="normal")} in {@code improved-diffusion/scripts/quant_image_sample.py}
 *       with its defaults mu = 0.5, sigma = 0.35 (its ImageNet-64 script uses 0.4, 0.4). As in the
 *       official {@code noise_backward_t} generator, the step indexes the chain in sampling order.</li>
 *   <li>{@link #UNIFORM}: round(linspace(0, K, n)) clamped to [0, K - 1] (official "uniform").</li>
 *   <li>{@link #LAST}: every sample from the last chain step (the network input closest to data).</li>
 * </ul>
 */
public enum CalibrationTimes {
  PTQ4DM, UNIFORM, LAST;

  /** Official default mean of the normal draw, as a fraction of the chain. */
  public static final double NORMAL_MEAN = 0.5;
  /** Official default standard deviation of the normal draw, as a fraction of the chain. */
  public static final double NORMAL_STD = 0.35;

  /** Parses "ptq4dm", "uniform" or "last". */
  public static CalibrationTimes parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "ptq4dm", "normal" -> PTQ4DM;
      case "uniform" -> UNIFORM;
      case "last" -> LAST;
      default -> throw new IllegalArgumentException("unknown calibration '" + s + "'; expected ptq4dm, uniform or last");
    };
  }

  /**
   * The chain step of each of {@code n} calibration samples, for a chain of {@code chainSteps}
   * steps; {@code rng} is used by {@link #PTQ4DM} only (one Gaussian per sample, in order).
   */
  public int[] steps(int n, int chainSteps, Rng rng) {
    if (n < 1 || chainSteps < 1) {
      throw new IllegalArgumentException("need n >= 1 calibration samples and a chain of >= 1 steps, got n = " + n
          + ", steps = " + chainSteps);
    }
    int[] k = new int[n];
    for (int i = 0; i < n; i++) {
      double raw = switch (this) {
        case PTQ4DM -> (NORMAL_MEAN + NORMAL_STD * rng.nextGaussian()) * chainSteps;
        case UNIFORM -> n == 1 ? 0 : Math.rint((double) i * chainSteps / (n - 1));
        case LAST -> chainSteps - 1;
      };
      // int() truncates toward zero as torch's .type(torch.int); then clamp as the official code.
      long step = (long) raw;
      k[i] = (int) Math.max(0, Math.min(chainSteps - 1, step));
    }
    return k;
  }
}
