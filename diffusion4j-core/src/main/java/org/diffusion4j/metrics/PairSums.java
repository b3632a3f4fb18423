package org.diffusion4j.metrics;

import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;

/**
 * The three pair sums behind the U-statistics of MMD and energy distance, for a kernel given as a
 * function of the squared Euclidean distance: sum over i != j of k(a_i, a_j), the same for b, and
 * sum over all (i, j) of k(a_i, b_j). Rows are processed in parallel, one partial sum per row,
 * and the partials are added in row order, so the result does not depend on the thread count.
 */
record PairSums(double aa, double bb, double ab) {
  static PairSums of(Batch a, Batch b, DoubleUnaryOperator kernelOfSquaredDistance) {
    double[] rowAa = new double[a.n()];
    double[] rowAb = new double[a.n()];
    double[] rowBb = new double[b.n()];
    Parallel.forRows(a.n(), 16, (from, to) -> {
      for (int i = from; i < to; i++) {
        rowAa[i] = rowSum(a, i, a, i + 1, kernelOfSquaredDistance);
        rowAb[i] = rowSum(a, i, b, 0, kernelOfSquaredDistance);
      }
    });
    Parallel.forRows(b.n(), 16, (from, to) -> {
      for (int i = from; i < to; i++) {
        rowBb[i] = rowSum(b, i, b, i + 1, kernelOfSquaredDistance);
      }
    });
    return new PairSums(2 * sum(rowAa), 2 * sum(rowBb), sum(rowAb));
  }

  /** sum over rows j >= from of y of k(|x_i - y_j|^2). */
  private static double rowSum(Batch x, int i, Batch y, int from, DoubleUnaryOperator k) {
    int d = x.d();
    double[] xs = x.data();
    double[] ys = y.data();
    int xo = i * d;
    double s = 0;
    for (int j = from; j < y.n(); j++) {
      int yo = j * d;
      double q = 0;
      for (int c = 0; c < d; c++) {
        double r = xs[xo + c] - ys[yo + c];
        q += r * r;
      }
      s += k.applyAsDouble(q);
    }
    return s;
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }
}
