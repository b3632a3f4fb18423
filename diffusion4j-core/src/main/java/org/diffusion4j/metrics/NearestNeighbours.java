package org.diffusion4j.metrics;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;

/**
 * Nearest-neighbour Euclidean distances from query rows to a reference set, the usual
 * memorisation check for generative models: if generated samples sit much closer to their
 * nearest training point than held-out data does, the model copies its training set.
 * Distances are exact (direct sums of squared differences, with early abandoning of a candidate
 * once its partial sum exceeds the best so far), so a query that is a copy of a reference row
 * gets exactly 0.
 */
public final class NearestNeighbours {
  private NearestNeighbours() {}

  /**
   * For each row of {@code queries}, the L2 distance to its nearest row of {@code reference}.
   * Rows run in parallel; the result does not depend on the thread count.
   *
   * @throws IllegalArgumentException if either set is empty, the dimensions differ or a value is not finite
   */
  public static double[] distances(Batch queries, Batch reference) {
    Checks.requirePair("nearest neighbours", queries, reference, 1);
    int d = queries.d();
    int m = reference.n();
    double[] q = queries.data();
    double[] r = reference.data();
    double[] out = new double[queries.n()];
    Parallel.forRows(queries.n(), 4, (from, to) -> {
      for (int i = from; i < to; i++) {
        int qo = i * d;
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < m; j++) {
          int ro = j * d;
          double s = 0;
          for (int k = 0; k < d; k++) {
            double e = q[qo + k] - r[ro + k];
            s += e * e;
            // Checking every 32 coordinates keeps the inner loop tight.
            if ((k & 31) == 31 && s >= best) {
              break;
            }
          }
          if (s < best) {
            best = s;
          }
        }
        out[i] = Math.sqrt(best);
      }
    });
    return out;
  }

  /**
   * The q-quantile of {@code values} (0 &lt;= q &lt;= 1) by linear interpolation between order
   * statistics (type 7 of Hyndman &amp; Fan 1996, numpy's default).
   */
  public static double quantile(double[] values, double q) {
    if (values.length == 0) {
      throw new IllegalArgumentException("quantile: no values");
    }
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile: q = " + q + " is outside [0, 1]");
    }
    double[] s = values.clone();
    Arrays.sort(s);
    double h = (s.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (h - lo) * (s[hi] - s[lo]);
  }

  /** The fraction of {@code values} strictly below {@code threshold}. */
  public static double fractionBelow(double[] values, double threshold) {
    if (values.length == 0) {
      throw new IllegalArgumentException("fraction below: no values");
    }
    int c = 0;
    for (double v : values) {
      if (v < threshold) {
        c++;
      }
    }
    return (double) c / values.length;
  }
}
