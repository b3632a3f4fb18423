package org.diffusion4j.metrics;

import java.util.Arrays;
import org.diffusion4j.array.Batch;

/**
 * Squared maximum mean discrepancy with a Gaussian (RBF) kernel, unbiased estimator
 * (Gretton et al. 2012, "A Kernel Two-Sample Test", JMLR 13, Lemma 6 / Eq. 3):
 * MMD_u^2 = 1/(n(n-1)) sum_{i!=j} k(x_i, x_j) + 1/(m(m-1)) sum_{i!=j} k(y_i, y_j)
 * - 2/(nm) sum_{i,j} k(x_i, y_j), with k(x, y) = sum_b exp(-|x - y|^2 / (2 h_b^2)).
 * Being unbiased it can be slightly negative when the distributions are equal.
 *
 * <p>Bandwidths h_b are either given, or multiples of the median heuristic (Gretton et al. 2012,
 * Sec. 8): the median Euclidean distance between pooled samples. For more than
 * {@value #MEDIAN_SUBSET} pooled points the median is taken over a subset chosen by a hash of each
 * row's values, so it does not depend on row order.
 *
 * @param bandwidths fixed bandwidths, or null to use {@code multipliers} times the median heuristic
 * @param multipliers multipliers of the median bandwidth (used when {@code bandwidths} is null)
 */
public record Mmd(double[] bandwidths, double[] multipliers) implements SampleDistance {
  /** Pooled points used for the median heuristic. */
  public static final int MEDIAN_SUBSET = 1000;

  public Mmd {
    double[] hs = bandwidths != null ? bandwidths : multipliers;
    String what = bandwidths != null ? "bandwidth" : "bandwidth multiplier";
    if (hs == null || hs.length == 0) {
      throw new IllegalArgumentException("MMD needs at least one " + what);
    }
    for (double h : hs) {
      if (!(h > 0) || !Double.isFinite(h)) {
        throw new IllegalArgumentException("MMD " + what + " must be positive and finite, got " + h);
      }
    }
    bandwidths = bandwidths == null ? null : bandwidths.clone();
    multipliers = multipliers == null ? null : multipliers.clone();
  }

  /** RBF kernel(s) with the given bandwidth(s) (summed when several). */
  public static Mmd rbf(double... bandwidths) {
    return new Mmd(bandwidths, null);
  }

  /** One RBF kernel whose bandwidth is the median pairwise distance. */
  public static Mmd medianHeuristic() {
    return new Mmd(null, new double[] {1});
  }

  /** A sum of RBF kernels with bandwidths {@code multipliers} times the median pairwise distance. */
  public static Mmd medianHeuristic(double... multipliers) {
    return new Mmd(null, multipliers);
  }

  @Override
  public double[] bandwidths() {
    return bandwidths == null ? null : bandwidths.clone();
  }

  @Override
  public double[] multipliers() {
    return multipliers == null ? null : multipliers.clone();
  }

  @Override
  public String name() {
    return "mmd2";
  }

  /** The bandwidths used for {@code a} and {@code b}. */
  public double[] bandwidthsFor(Batch a, Batch b) {
    if (bandwidths != null) {
      return bandwidths.clone();
    }
    double median = medianDistance(a, b);
    double[] hs = new double[multipliers.length];
    for (int i = 0; i < hs.length; i++) {
      hs[i] = multipliers[i] * median;
    }
    return hs;
  }

  @Override
  public double between(Batch a, Batch b) {
    Checks.requirePair(name(), a, b, 2);
    double[] hs = bandwidthsFor(a, b);
    double[] c = new double[hs.length];
    for (int i = 0; i < hs.length; i++) {
      c[i] = 1 / (2 * hs[i] * hs[i]);
    }
    PairSums s = PairSums.of(a, b, q -> {
      double k = 0;
      for (double ci : c) {
        k += Math.exp(-q * ci);
      }
      return k;
    });
    double n = a.n();
    double m = b.n();
    return s.aa() / (n * (n - 1)) + s.bb() / (m * (m - 1)) - 2 * s.ab() / (n * m);
  }

  /**
   * Median Euclidean distance between distinct pooled points (over a row-order independent subset
   * of at most {@value #MEDIAN_SUBSET} points). Falls back to the mean distance if the median is 0,
   * and to 1 if all points coincide.
   */
  public static double medianDistance(Batch a, Batch b) {
    Checks.requirePair("mmd2 median heuristic", a, b, 1);
    int d = a.d();
    int total = a.n() + b.n();
    double[][] pooled = new double[total][];
    for (int i = 0; i < total; i++) {
      pooled[i] = i < a.n() ? a.row(i) : b.row(i - a.n());
    }
    double[][] rows = pooled;
    if (total > MEDIAN_SUBSET) {
      long[] keys = new long[total];
      Integer[] order = new Integer[total];
      for (int i = 0; i < total; i++) {
        keys[i] = hash(pooled[i]);
        order[i] = i;
      }
      Arrays.sort(order, (x, y) -> {
        int c = Long.compare(keys[x], keys[y]);
        return c != 0 ? c : Arrays.compare(pooled[x], pooled[y]);
      });
      double[][] subset = new double[MEDIAN_SUBSET][];
      for (int i = 0; i < MEDIAN_SUBSET; i++) {
        subset[i] = pooled[order[i]];
      }
      rows = subset;
    }
    int k = rows.length;
    double[] dist = new double[k * (k - 1) / 2];
    int p = 0;
    double sum = 0;
    for (int i = 0; i < k; i++) {
      for (int j = i + 1; j < k; j++) {
        double q = 0;
        for (int c = 0; c < d; c++) {
          double r = rows[i][c] - rows[j][c];
          q += r * r;
        }
        dist[p++] = Math.sqrt(q);
        sum += dist[p - 1];
      }
    }
    if (dist.length == 0) {
      return 1;
    }
    Arrays.sort(dist);
    int mid = dist.length / 2;
    double median = dist.length % 2 == 1 ? dist[mid] : 0.5 * (dist[mid - 1] + dist[mid]);
    if (median > 0) {
      return median;
    }
    return sum > 0 ? sum / dist.length : 1;
  }

  /** SplitMix64-style hash of a row's bit patterns (+0.0 and -0.0 treated alike). */
  private static long hash(double[] row) {
    long h = 0x9E3779B97F4A7C15L;
    for (double v : row) {
      h ^= Double.doubleToLongBits(v == 0 ? 0.0 : v);
      h *= 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    h *= 0x94D049BB133111EBL;
    return h ^ (h >>> 29);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mmd other && Arrays.equals(bandwidths, other.bandwidths)
        && Arrays.equals(multipliers, other.multipliers);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bandwidths) + Arrays.hashCode(multipliers);
  }

  @Override
  public String toString() {
    return bandwidths != null ? "Mmd(rbf " + Arrays.toString(bandwidths) + ")"
        : "Mmd(median x " + Arrays.toString(multipliers) + ")";
  }
}
