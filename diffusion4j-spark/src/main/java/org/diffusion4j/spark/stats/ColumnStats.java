package org.diffusion4j.spark.stats;

import java.io.Serializable;

/**
 * The reduced statistics of one scalar column: exact moments, a DDSketch for quantiles and an
 * optional fixed-bin histogram. Every part merges exactly, so the result of a reduction does not
 * depend on how the rows were partitioned or in which order partial results were merged.
 */
public final class ColumnStats implements Serializable {
  private static final long serialVersionUID = 1L;
  private final ExactMoments moments = new ExactMoments();
  private final QuantileSketch sketch;
  private final Histogram histogram; // null: none

  /** Empty statistics: sketch accuracy {@code alpha}; {@code bins == 0} for no histogram. */
  public ColumnStats(double alpha, double histLo, double histHi, int bins) {
    this.sketch = new QuantileSketch(alpha);
    this.histogram = bins == 0 ? null : new Histogram(histLo, histHi, bins);
  }

  public void add(double x) {
    moments.add(x);
    sketch.add(x);
    if (histogram != null) {
      histogram.add(x);
    }
  }

  /** Adds {@code o}'s observations (same sketch accuracy and bins). */
  public void merge(ColumnStats o) {
    moments.merge(o.moments);
    sketch.merge(o.sketch);
    if (histogram != null) {
      histogram.merge(o.histogram);
    }
  }

  public ExactMoments moments() {
    return moments;
  }

  public QuantileSketch sketch() {
    return sketch;
  }

  /** The histogram, or null when none was asked for. */
  public Histogram histogram() {
    return histogram;
  }
}
