package org.diffusion4j.likelihood;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.random.Rng;

/**
 * Bits per dimension of discrete data (e.g. 8-bit images) under a continuous density, by uniform
 * dequantisation (Theis et al. 2016, "A note on the evaluation of generative models", Sec. 3.1;
 * Ho et al. 2019, "Flow++", Sec. 3.1, Eq. 11-12 for the importance-weighted bound).
 *
 * <p>Derivation. Data k in {0, ..., L-1}^d (L = {@code levels}, 256 for 8 bits). The model is a
 * density p_Z on z = a y + b with y = (k + u)/L in [0, 1)^d (a = 2, b = -1 maps to [-1, 1);
 * a = 1, b = 0 keeps [0, 1)). The discrete model P(k) = integral over the unit cube of
 * p_X(k + u) du with p_X(x) = p_Z(a x / L + b) (a / L)^d, so
 * <pre>
 *   log P(k) &gt;= log (1/K) sum_{i=1..K} p_X(k + u_i),     u_i ~ U[0, 1)^d,
 *   log p_X(k + u) = log p_Z(z) + d log(a / L),
 *   bpd = -log P(k) / (d log 2)     (e.g. -(log p_Z(z) + d log(2/256)) / (d log 2) for [-1, 1]),
 * </pre>
 * the importance-weighted bound of Burda et al. 2016 with the uniform proposal q(u) = 1: its
 * expectation increases with K towards log P(k) (K = 1 is the usual variational bound
 * E_u[log p_X(k + u)]). Dequantisation noise of sample i of data row r comes from
 * {@code Rng.of(seed).stream(2, r * K + i)}.
 */
public final class BitsPerDim {
  private final int levels;
  private final double scale;
  private final double shift;
  private final int samples;

  /**
   * @param levels number of discrete values per coordinate (256 for 8-bit data)
   * @param scale a in z = a (k + u)/L + b, nonzero
   * @param shift b
   * @param samples K, dequantisation samples per data point (&gt;= 1)
   */
  public BitsPerDim(int levels, double scale, double shift, int samples) {
    if (levels < 2) {
      throw new IllegalArgumentException("levels must be >= 2, got " + levels);
    }
    if (scale == 0 || !Double.isFinite(scale) || !Double.isFinite(shift)) {
      throw new IllegalArgumentException("data scaling z = a y + b needs finite a != 0 and finite b, got a = " + scale
          + ", b = " + shift);
    }
    if (samples < 1) {
      throw new IllegalArgumentException("dequantisation samples K must be >= 1, got " + samples);
    }
    this.levels = levels;
    this.scale = scale;
    this.shift = shift;
    this.samples = samples;
  }

  /** 8-bit data scaled to [-1, 1) (z = 2 (k + u)/256 - 1), the usual convention of diffusion models. */
  public static BitsPerDim eightBitSymmetric(int samples) {
    return new BitsPerDim(256, 2, -1, samples);
  }

  public int samples() {
    return samples;
  }

  /** Per-point results in nats and bits/dim. */
  public record Result(double[] logProb, int dim) {
    /** Bits per dimension of point i. */
    public double bitsPerDim(int i) {
      return -logProb[i] / (dim * Math.log(2));
    }

    /** Mean bits per dimension over the points. */
    public double meanBitsPerDim() {
      double s = 0;
      for (double v : logProb) {
        s += v;
      }
      return -s / logProb.length / (dim * Math.log(2));
    }

    /** Standard error of {@link #meanBitsPerDim()}. */
    public double standardError() {
      int n = logProb.length;
      if (n < 2) {
        return 0;
      }
      double m = 0;
      for (double v : logProb) {
        m += v;
      }
      m /= n;
      double s = 0;
      for (double v : logProb) {
        s += (v - m) * (v - m);
      }
      return Math.sqrt(s / (n - 1) / n) / (dim * Math.log(2));
    }
  }

  /** Checks that every element is an integer in [0, levels). */
  public void requireDiscrete(Batch counts) {
    double[] a = counts.data();
    for (int i = 0; i < a.length; i++) {
      double v = a[i];
      if (!(v >= 0 && v <= levels - 1) || v != Math.rint(v)) {
        throw new IllegalArgumentException("data row " + i / counts.d() + ", column " + i % counts.d() + " is " + v
            + "; bits/dim needs integer values in [0, " + (levels - 1) + "]");
      }
    }
  }

  /** The K dequantised, scaled copies of every row: row r * K + i is a (k_r + u_i)/L + b. */
  public Batch dequantize(Batch counts, long seed) {
    requireDiscrete(counts);
    int n = counts.n();
    int d = counts.d();
    int k = samples;
    Batch z = new Batch(Math.multiplyExact(n, k), d);
    double[] c = counts.data();
    double[] zs = z.data();
    Rng root = Rng.of(seed);
    Parallel.forRows(n * k, (from, to) -> {
      for (int r = from; r < to; r++) {
        Rng rng = root.stream(2, r);
        int src = (r / k) * d;
        for (int j = 0; j < d; j++) {
          zs[r * d + j] = scale * ((c[src + j] + rng.nextDouble()) / levels) + shift;
        }
      }
    });
    return z;
  }

  /**
   * Combines log p_Z of the dequantised copies (as from {@link #dequantize}: K consecutive rows
   * per data point) into the importance-weighted bound on log P(k) per data point.
   */
  public Result combine(double[] logDensityZ, int dim) {
    if (logDensityZ.length % samples != 0) {
      throw new IllegalArgumentException(logDensityZ.length + " densities are not a multiple of K = " + samples);
    }
    int n = logDensityZ.length / samples;
    double jacobian = dim * Math.log(Math.abs(scale) / levels);
    double[] out = new double[n];
    for (int r = 0; r < n; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < samples; i++) {
        max = Math.max(max, logDensityZ[r * samples + i]);
      }
      double s = 0;
      for (int i = 0; i < samples; i++) {
        s += Math.exp(logDensityZ[r * samples + i] - max);
      }
      out[r] = max == Double.NEGATIVE_INFINITY ? max : max + Math.log(s / samples) + jacobian;
    }
    return new Result(out, dim);
  }

  /** Dequantises, evaluates {@code model} on the scaled copies and combines (see the class documentation). */
  public Result evaluate(LogDensity model, Batch counts, long seed) {
    Batch z = dequantize(counts, seed);
    return combine(model.logDensity(z), counts.d());
  }
}
