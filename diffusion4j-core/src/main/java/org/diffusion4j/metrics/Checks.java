package org.diffusion4j.metrics;

import org.diffusion4j.array.Batch;

/** Argument checks shared by the metrics (messages name the metric and the problem). */
final class Checks {
  private Checks() {}

  static void requirePair(String metric, Batch a, Batch b, int minRows) {
    if (a == null || b == null) {
      throw new IllegalArgumentException(metric + ": both sample sets are required");
    }
    if (a.d() != b.d()) {
      throw new IllegalArgumentException(metric + ": sample sets have different dimensions " + a.d() + " and " + b.d());
    }
    requireRows(metric, "first", a, minRows);
    requireRows(metric, "second", b, minRows);
  }

  static void requireRows(String metric, String which, Batch x, int minRows) {
    if (x.n() < minRows) {
      throw new IllegalArgumentException(
          metric + ": the " + which + " sample set has " + x.n() + " rows, needs at least " + minRows);
    }
    int bad = x.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException(metric + ": the " + which + " sample set has a non-finite value "
          + x.data()[bad] + " at row " + bad / x.d() + ", column " + bad % x.d());
    }
  }
}
