package org.diffusion4j.metrics;

import org.diffusion4j.array.Batch;

/**
 * Energy distance (Szekely &amp; Rizzo 2013, "Energy statistics: A class of statistics based on
 * distances", J. Stat. Plan. Inference 143, Eq. 2.1):
 * D^2(X, Y) = 2 E|X - Y| - E|X - X'| - E|Y - Y'| (Euclidean norms), which is &gt;= 0 and 0 only when
 * the distributions are equal. Estimated without bias by U-statistics (within-set sums over
 * i != j divided by n(n-1)), so for equal distributions it is centred at 0 and may be slightly
 * negative. Returns D^2, the squared-distance form used by Szekely &amp; Rizzo.
 */
public record EnergyDistance() implements SampleDistance {
  @Override
  public String name() {
    return "energy";
  }

  @Override
  public double between(Batch a, Batch b) {
    Checks.requirePair(name(), a, b, 2);
    PairSums s = PairSums.of(a, b, Math::sqrt);
    double n = a.n();
    double m = b.n();
    return 2 * s.ab() / (n * m) - s.aa() / (n * (n - 1)) - s.bb() / (m * (m - 1));
  }
}
