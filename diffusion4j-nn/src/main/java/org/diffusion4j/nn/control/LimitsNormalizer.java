package org.diffusion4j.nn.control;

/**
 * Diffuser's LimitsNormalizer (diffuser/datasets/normalization.py): each channel c is mapped
 * affinely from [min_c, max_c] over the dataset to [-scale_c, scale_c]; scale_c = 1 except for
 * channels rescaled on purpose (RTI-DP's scaling of a discrete action).
 */
public record LimitsNormalizer(double[] min, double[] max, double[] scale) {
  public LimitsNormalizer {
    if (min.length != max.length || min.length != scale.length || min.length == 0) {
      throw new IllegalArgumentException("normalizer needs min, max and scale of one equal, positive length");
    }
  }

  /** Limits of the rows of {@code data} (rows of {@code channels} values), scale 1. */
  public static LimitsNormalizer fit(double[] data, int channels) {
    if (data.length == 0 || data.length % channels != 0) {
      throw new IllegalArgumentException("normalizer needs rows of " + channels + " values, got " + data.length
          + " values");
    }
    double[] lo = new double[channels];
    double[] hi = new double[channels];
    java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < data.length; i++) {
      int c = i % channels;
      lo[c] = Math.min(lo[c], data[i]);
      hi[c] = Math.max(hi[c], data[i]);
    }
    for (int c = 0; c < channels; c++) {
      if (!(hi[c] > lo[c])) { // a constant channel maps to 0
        hi[c] = lo[c] + 1;
        lo[c] = lo[c] - 1;
      }
    }
    double[] one = new double[channels];
    java.util.Arrays.fill(one, 1);
    return new LimitsNormalizer(lo, hi, one);
  }

  public LimitsNormalizer withScale(int channel, double s) {
    double[] sc = scale.clone();
    sc[channel] = s;
    return new LimitsNormalizer(min, max, sc);
  }

  public int channels() {
    return min.length;
  }

  public double normalize(double v, int c) {
    return scale[c] * (2 * (v - min[c]) / (max[c] - min[c]) - 1);
  }

  public double unnormalize(double v, int c) {
    return (v / scale[c] + 1) / 2 * (max[c] - min[c]) + min[c];
  }
}
