package org.diffusion4j.nn.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.diffusion4j.array.Batch;
import org.diffusion4j.metrics.NearestNeighbours;
import org.diffusion4j.nn.DjlRuntime;

/**
 * Nearest-neighbour L2 distances as {@link NearestNeighbours#distances}, with the search done by
 * PyTorch matrix products: for blocks of queries, |q - r|^2 = |q|^2 + |r|^2 - 2 q.r in float64,
 * the arg-min over the reference rows, then the exact distance to that row recomputed in Java as
 * a sum of squared differences (so a copy of a reference row gets exactly 0). The expansion's
 * rounding error (about 1e-13 |q|^2) can only matter for near-ties, where the returned distance
 * is then within that error of the minimum. About 50x faster than the plain-Java loop for
 * thousands of 784-value rows.
 */
public final class NearestNeighbourSearch {
  /** Queries per matrix product (the (block, m) distance matrix is 8 MB per 1000 x 1000). */
  private static final int BLOCK = 256;

  private NearestNeighbourSearch() {}

  /**
   * For each row of {@code queries}, the L2 distance to its nearest row of {@code reference}.
   *
   * @throws IllegalArgumentException if either set is empty, the dimensions differ or a value is not finite
   */
  public static double[] distances(Batch queries, Batch reference) {
    requireRows("queries", queries);
    requireRows("reference", reference);
    if (queries.d() != reference.d()) {
      throw new IllegalArgumentException("nearest neighbours: queries have dimension " + queries.d()
          + " but the reference set " + reference.d());
    }
    int d = queries.d();
    int m = reference.n();
    double[] q = queries.data();
    double[] r = reference.data();
    double[] out = new double[queries.n()];
    try (NDManager manager = DjlRuntime.newManager()) {
      NDArray ref = manager.create(r, new Shape(m, d));
      NDArray refT = ref.transpose();
      NDArray refSq = ref.square().sum(new int[] {1}).reshape(1, m);
      for (int from = 0; from < queries.n(); from += BLOCK) {
        int rows = Math.min(BLOCK, queries.n() - from);
        try (NDManager sm = manager.newSubManager()) {
          double[] block = java.util.Arrays.copyOfRange(q, from * d, (from + rows) * d);
          NDArray qa = sm.create(block, new Shape(rows, d));
          // |r|^2 - 2 q.r: |q|^2 is constant along each row, so it does not change the arg-min.
          NDArray partial = qa.matMul(refT).mul(-2.0).add(refSq);
          long[] nearest = partial.argMin(1).toType(DataType.INT64, false).toLongArray();
          for (int i = 0; i < rows; i++) {
            int qo = (from + i) * d;
            int ro = (int) nearest[i] * d;
            double s = 0;
            for (int k = 0; k < d; k++) {
              double e = q[qo + k] - r[ro + k];
              s += e * e;
            }
            out[from + i] = Math.sqrt(s);
          }
        }
      }
    }
    return out;
  }

  private static void requireRows(String which, Batch x) {
    if (x.n() < 1) {
      throw new IllegalArgumentException("nearest neighbours: the " + which + " set is empty");
    }
    int bad = x.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException("nearest neighbours: the " + which + " set has a non-finite value at row "
          + bad / x.d() + ", column " + bad % x.d());
    }
  }
}
