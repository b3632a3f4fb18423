package org.diffusion4j.metrics;

import org.diffusion4j.array.Batch;

/**
 * A discrepancy between two sample sets of the same dimension (rows are samples), used to score
 * generated samples against held-out data. Implementations are immutable, deterministic for
 * their seed and thread-count independent, and invariant to the order of rows (up to
 * floating-point summation order).
 *
 * <p>Implementations: {@link SlicedWasserstein}, {@link Mmd}, {@link EnergyDistance},
 * {@link MeanError}, {@link CovarianceError}, {@link FrechetDistance}.
 */
public interface SampleDistance {
  /** Short name for tables, e.g. {@code sw1}. */
  String name();

  /**
   * The distance between the empirical distributions of {@code a} and {@code b}.
   *
   * @throws IllegalArgumentException if the dimensions differ, a set is too small, or a value is not finite
   */
  double between(Batch a, Batch b);
}
