package org.diffusion4j.array;

import java.util.Arrays;

/**
 * A batch of {@code n} states of dimension {@code d}, stored row-major in one {@code double[]}
 * (row {@code i} occupies {@code data[i*d .. i*d+d-1]}).
 *
 * <p>This is deliberately not a tensor library: it holds the few element-wise operations that
 * samplers and solvers need, all in place or into a caller-supplied destination so that hot
 * loops allocate nothing. The backing array is exposed on purpose ({@link #data()}) so that
 * models and solvers can run tight loops over it.
 */
public final class Batch {
  private final int n;
  private final int d;
  private final double[] data;

  /** A zero-filled batch of shape (n, d). */
  public Batch(int n, int d) {
    this(n, d, new double[checkedSize(n, d)]);
  }

  /** Wraps {@code data} (not copied) as a batch of shape (n, d). */
  public Batch(int n, int d, double[] data) {
    long size = checkedSize(n, d);
    if (data.length != size) {
      throw new IllegalArgumentException(
          "batch data has length " + data.length + " but shape (" + n + ", " + d + ") needs " + size);
    }
    this.n = n;
    this.d = d;
    this.data = data;
  }

  private static int checkedSize(int n, int d) {
    if (n < 0 || d < 1) {
      throw new IllegalArgumentException("batch shape must be n >= 0, d >= 1, got (" + n + ", " + d + ")");
    }
    long size = (long) n * d;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("batch shape (" + n + ", " + d + ") is too large for one array");
    }
    return (int) size;
  }

  /** Number of rows (states). */
  public int n() {
    return n;
  }

  /** Dimension of each state. */
  public int d() {
    return d;
  }

  /** Total number of elements, n * d. */
  public int size() {
    return data.length;
  }

  /** The backing row-major array (not a copy). */
  public double[] data() {
    return data;
  }

  public double get(int row, int col) {
    return data[row * d + col];
  }

  public void set(int row, int col, double value) {
    data[row * d + col] = value;
  }

  /** A copy of row {@code i}. */
  public double[] row(int i) {
    return Arrays.copyOfRange(data, i * d, (i + 1) * d);
  }

  /** A deep copy. */
  public Batch copy() {
    return new Batch(n, d, data.clone());
  }

  /** A zero batch of the same shape. */
  public Batch zerosLike() {
    return new Batch(n, d);
  }

  /** Copies {@code src} (same shape) into this batch. */
  public Batch setFrom(Batch src) {
    requireSameShape(src);
    System.arraycopy(src.data, 0, data, 0, data.length);
    return this;
  }

  /** this = a * x (element-wise). */
  public Batch setScaled(double a, Batch x) {
    requireSameShape(x);
    double[] xs = x.data;
    for (int i = 0; i < data.length; i++) {
      data[i] = a * xs[i];
    }
    return this;
  }

  /** this = a * x + b * y. */
  public Batch setLinear(double a, Batch x, double b, Batch y) {
    requireSameShape(x);
    requireSameShape(y);
    double[] xs = x.data;
    double[] ys = y.data;
    for (int i = 0; i < data.length; i++) {
      data[i] = a * xs[i] + b * ys[i];
    }
    return this;
  }

  /** this = a * x + b * y + c * z. */
  public Batch setLinear(double a, Batch x, double b, Batch y, double c, Batch z) {
    requireSameShape(x);
    requireSameShape(y);
    requireSameShape(z);
    double[] xs = x.data;
    double[] ys = y.data;
    double[] zs = z.data;
    for (int i = 0; i < data.length; i++) {
      data[i] = a * xs[i] + b * ys[i] + c * zs[i];
    }
    return this;
  }

  /** this = sum_k coef[k] * terms[k]. */
  public Batch setLinear(double[] coef, Batch[] terms) {
    if (coef.length != terms.length || coef.length == 0) {
      throw new IllegalArgumentException("need one coefficient per term, got " + coef.length + " and " + terms.length);
    }
    for (Batch t : terms) {
      requireSameShape(t);
    }
    double[] first = terms[0].data;
    double c0 = coef[0];
    for (int i = 0; i < data.length; i++) {
      data[i] = c0 * first[i];
    }
    for (int k = 1; k < terms.length; k++) {
      double[] ts = terms[k].data;
      double ck = coef[k];
      for (int i = 0; i < data.length; i++) {
        data[i] += ck * ts[i];
      }
    }
    return this;
  }

  /** this += a * x. */
  public Batch addScaled(double a, Batch x) {
    requireSameShape(x);
    double[] xs = x.data;
    for (int i = 0; i < data.length; i++) {
      data[i] += a * xs[i];
    }
    return this;
  }

  /** this *= a. */
  public Batch scale(double a) {
    for (int i = 0; i < data.length; i++) {
      data[i] *= a;
    }
    return this;
  }

  /** Index of the first non-finite element, or -1 if all are finite. */
  public int firstNonFinite() {
    for (int i = 0; i < data.length; i++) {
      if (!Double.isFinite(data[i])) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Root-mean-square of (this - other) over all elements: the RMSE per coordinate,
   * sqrt(sum_ij e_ij^2 / (n d)). The per-sample RMSE sqrt(mean_i |e_i|^2) that the official
   * DPM-Solver / UniPC comparisons report is sqrt(d) times this.
   */
  public double rmsDistance(Batch other) {
    requireSameShape(other);
    double s = 0;
    for (int i = 0; i < data.length; i++) {
      double e = data[i] - other.data[i];
      s += e * e;
    }
    return data.length == 0 ? 0 : Math.sqrt(s / data.length);
  }

  /** Largest absolute element-wise difference. */
  public double maxAbsDistance(Batch other) {
    requireSameShape(other);
    double m = 0;
    for (int i = 0; i < data.length; i++) {
      m = Math.max(m, Math.abs(data[i] - other.data[i]));
    }
    return m;
  }

  /** Throws if {@code other} does not have this batch's shape. */
  public void requireSameShape(Batch other) {
    if (other.n != n || other.d != d) {
      throw new IllegalArgumentException(
          "shape mismatch: (" + n + ", " + d + ") vs (" + other.n + ", " + other.d + ")");
    }
  }

  @Override
  public String toString() {
    return "Batch(" + n + ", " + d + ")";
  }
}
