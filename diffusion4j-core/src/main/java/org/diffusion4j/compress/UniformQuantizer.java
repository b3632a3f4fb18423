package org.diffusion4j.compress;

/**
 * Uniform affine ("asymmetric") quantisation with b bits, as QDrop's {@code UniformAffineQuantizer}
 * that PTQ4DM uses (42Shawn/PTQ4DM, {@code QDrop/quant/quant_layer.py}; Jacob et al. 2018, Eq. 1-2):
 * a range [lo, hi] (widened to contain 0) gives the step delta = (hi - lo) / (2^b - 1) and the integer
 * zero point z = -round(lo / delta) in [0, 2^b - 1]; a value quantises to
 * q = clamp(round(x / delta) + z, 0, 2^b - 1) and dequantises to (q - z) delta ("fake quantisation":
 * the dequantised float takes the place of x). Rounding is half to even, as torch.round.
 *
 * <p>The range of a set of values comes from its min and max ({@link RangeMethod#MIN_MAX}) or from
 * a search that minimises the mean |x - q(x)|^2.4 over shrunken ranges ({@link RangeMethod#MSE},
 * the official default {@code scale_method="mse"} with its p = 2.4 and 100 candidates). The official
 * code searches symmetric thresholds t (range [-t, t], or [0, t] / [-t, 0] for one-sided data) and,
 * for two-sided data, a second axis of zero points; this class searches the 100 ranges
 * [lo i / 100, hi i / 100], which keeps the data's own asymmetry and is one-dimensional (the
 * two-dimensional search costs 2^b times more, 25,600 candidates per channel at 8 bits).
 */
public final class UniformQuantizer {
  /** The exponent of the official search's error, |x - q(x)|^p. */
  public static final double SEARCH_POWER = 2.4;
  /** Candidate ranges in the official search. */
  public static final int SEARCH_CANDIDATES = 100;
  /** The smallest step (the official eps, 1e-8), so constant data still gets a valid quantiser. */
  static final double MIN_DELTA = 1e-8;

  /** How a range is chosen from data. */
  public enum RangeMethod {
    MIN_MAX, MSE;

    /** Parses "minmax" or "mse". */
    public static RangeMethod parse(String s) {
      return switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "minmax", "min-max" -> MIN_MAX;
        case "mse" -> MSE;
        default -> throw new IllegalArgumentException("unknown range method '" + s + "'; expected minmax or mse");
      };
    }
  }

  /**
   * One quantiser: step and zero point for {@code bits} bits.
   *
   * @param bits bit width in [2, 16]
   * @param delta quantisation step (> 0)
   * @param zeroPoint integer zero point in [0, 2^bits - 1]
   */
  public record Params(int bits, double delta, double zeroPoint) {
    public Params {
      requireBits(bits);
      if (!(delta > 0) || !Double.isFinite(delta)) {
        throw new IllegalArgumentException("quantisation step must be positive and finite, got " + delta);
      }
    }

    /** Number of levels 2^bits. */
    public int levels() {
      return 1 << bits;
    }

    /** Quantise-dequantise one value. */
    public double fakeQuant(double x) {
      double q = Math.rint(x / delta) + zeroPoint;
      q = Math.max(0, Math.min(levels() - 1, q));
      return (q - zeroPoint) * delta;
    }

    /** The integer code of one value, in [0, 2^bits - 1]. */
    public int code(double x) {
      double q = Math.rint(x / delta) + zeroPoint;
      return (int) Math.max(0, Math.min(levels() - 1, q));
    }

    /** The smallest representable value. */
    public double low() {
      return -zeroPoint * delta;
    }

    /** The largest representable value. */
    public double high() {
      return (levels() - 1 - zeroPoint) * delta;
    }
  }

  private UniformQuantizer() {}

  /** Throws unless {@code bits} is in [2, 16]. */
  public static void requireBits(int bits) {
    if (bits < 2 || bits > 16) {
      throw new IllegalArgumentException("bit width must be in [2, 16], got " + bits);
    }
  }

  /**
   * The quantiser of range [lo, hi] (official {@code calculate_qparams}): the range is widened to
   * contain 0, delta = max((hi - lo) / (2^b - 1), 1e-8), z = clamp(-round(lo / delta), 0, 2^b - 1).
   */
  public static Params fromRange(int bits, double lo, double hi) {
    requireBits(bits);
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
      throw new IllegalArgumentException("quantisation range must be finite with lo <= hi, got [" + lo + ", " + hi + "]");
    }
    double min = Math.min(lo, 0);
    double max = Math.max(hi, 0);
    int qmax = (1 << bits) - 1;
    double delta = Math.max((max - min) / qmax, MIN_DELTA);
    double z = Math.max(0, Math.min(qmax, -Math.rint(min / delta)));
    return new Params(bits, delta, z);
  }

  /** The quantiser chosen by {@code method} for {@code values[from, from + len)}. */
  public static Params fit(int bits, float[] values, int from, int len, RangeMethod method) {
    return fit(bits, values, from, len, 1, method);
  }

  /**
   * The quantiser chosen by {@code method} for the {@code len} values
   * {@code values[from + i * stride]}.
   */
  public static Params fit(int bits, float[] values, int from, int len, int stride, RangeMethod method) {
    if (len < 1) {
      throw new IllegalArgumentException("need at least one value to fit a quantiser, got " + len);
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < len; i++) {
      double v = values[from + i * stride];
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("cannot quantise a non-finite value (" + v + ") at index " + (from + i * stride));
      }
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (method == RangeMethod.MIN_MAX) {
      return fromRange(bits, lo, hi);
    }
    Params best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int c = 1; c <= SEARCH_CANDIDATES; c++) {
      double f = (double) c / SEARCH_CANDIDATES;
      Params p = fromRange(bits, lo * f, hi * f);
      double score = 0;
      for (int i = 0; i < len; i++) {
        double v = values[from + i * stride];
        score += Math.pow(Math.abs(v - p.fakeQuant(v)), SEARCH_POWER);
      }
      if (score < bestScore) { // strict: ties keep the narrower range found first
        bestScore = score;
        best = p;
      }
    }
    return best;
  }

  /**
   * Fake-quantises a weight tensor of shape (out, rest...) stored row-major: one quantiser per
   * output channel (the first axis, as the official {@code channel_wise}) or one for the tensor.
   * Returns the quantisers (one per channel, or one) and writes the dequantised values into
   * {@code out} (which may be {@code w}).
   */
  public static Params[] quantizeWeights(float[] w, int channels, boolean perChannel, int bits, RangeMethod method,
      float[] out) {
    if (channels < 1 || w.length % channels != 0) {
      throw new IllegalArgumentException("a tensor of " + w.length + " values has no " + channels + " equal channels");
    }
    int per = w.length / channels;
    Params[] ps = new Params[perChannel ? channels : 1];
    if (!perChannel) {
      ps[0] = fit(bits, w, 0, w.length, method);
    }
    for (int ch = 0; ch < channels; ch++) {
      Params p = perChannel ? (ps[ch] = fit(bits, w, ch * per, per, method)) : ps[0];
      for (int i = ch * per; i < (ch + 1) * per; i++) {
        out[i] = (float) p.fakeQuant(w[i]);
      }
    }
    return ps;
  }
}
