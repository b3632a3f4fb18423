package org.diffusion4j.spark;

import java.util.ArrayList;
import java.util.List;

/** Contiguous index ranges: how a job's rows, paths or shards are spread over partitions. */
final class Ranges {
  private Ranges() {}

  /**
   * [0, total) cut into {@code parts} contiguous non-empty ranges {from, to} whose sizes differ by
   * at most one (fewer ranges when total &lt; parts).
   */
  static List<long[]> split(long total, int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + parts);
    }
    if (total < 1) {
      throw new IllegalArgumentException("nothing to partition: " + total + " items");
    }
    int k = (int) Math.min(parts, total);
    List<long[]> out = new ArrayList<>(k);
    long q = total / k;
    long rem = total % k;
    long from = 0;
    for (int i = 0; i < k; i++) {
      long to = from + q + (i < rem ? 1 : 0);
      out.add(new long[] {from, to});
      from = to;
    }
    return out;
  }
}
