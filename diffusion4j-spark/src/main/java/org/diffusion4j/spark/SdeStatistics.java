package org.diffusion4j.spark;

import java.io.Serializable;
import org.diffusion4j.sde.SdeSolution;
import org.diffusion4j.spark.stats.ColumnStats;
import org.diffusion4j.spark.stats.ExactMoments;
import org.diffusion4j.spark.stats.Histogram;

/**
 * Reduced statistics of an SDE Monte Carlo run: for each save time s and component i, a
 * {@link ColumnStats} of the values y_p(t_s)_i over the paths p seen, plus the path and step
 * counts. {@link #merge} is exactly associative and commutative, so the statistics (and their
 * {@link #toJson JSON}) are bitwise the same for any partitioning of the paths.
 */
public final class SdeStatistics implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Quantile levels reported in the JSON. */
  public static final double[] LEVELS = {0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999};

  private final String model;
  private final double[] times;
  private final int dim;
  private final ColumnStats[] columns;
  private long paths;
  private long steps;
  private long rejected;

  private SdeStatistics(String model, double[] times, int dim, ColumnStats[] columns) {
    this.model = model;
    this.times = times;
    this.dim = dim;
    this.columns = columns;
  }

  /** Empty statistics for {@code spec}'s save times and a model of dimension {@code dim}. */
  static SdeStatistics empty(SdeMonteCarlo.Spec spec, int dim) {
    double[] ts = spec.saves().clone();
    ColumnStats[] c = new ColumnStats[ts.length * dim];
    for (int k = 0; k < c.length; k++) {
      c[k] = new ColumnStats(spec.sketchAccuracy(), spec.histLo(), spec.histHi(), spec.histBins());
    }
    return new SdeStatistics(spec.model(), ts, dim, c);
  }

  /** Adds every path of a solution. */
  void add(SdeSolution sol) {
    double[] v = sol.values();
    int width = times.length * dim; // row p: save-major, then component
    for (int p = 0; p < sol.paths(); p++) {
      int o = p * width;
      for (int k = 0; k < width; k++) {
        columns[k].add(v[o + k]);
      }
    }
    paths += sol.paths();
    steps += sol.steps();
    rejected += sol.rejected();
  }

  /** Adds {@code o} into this and returns this (same model, save times and dimension). */
  public SdeStatistics merge(SdeStatistics o) {
    if (o.columns.length != columns.length || o.dim != dim) {
      throw new IllegalArgumentException("cannot merge statistics of different shapes");
    }
    for (int k = 0; k < columns.length; k++) {
      columns[k].merge(o.columns[k]);
    }
    paths += o.paths;
    steps += o.steps;
    rejected += o.rejected;
    return this;
  }

  public long paths() {
    return paths;
  }

  public long steps() {
    return steps;
  }

  public long rejected() {
    return rejected;
  }

  public double[] times() {
    return times.clone();
  }

  public int dim() {
    return dim;
  }

  /** Statistics of component {@code i} at save {@code s}. */
  public ColumnStats column(int s, int i) {
    return columns[s * dim + i];
  }

  /**
   * The report as JSON: counts, then per save time and component the mean, unbiased variance,
   * skewness, excess kurtosis, min, max, DDSketch quantiles at {@link #LEVELS} (relative error
   * bound stated) and the histogram when there is one. Non-finite numbers are written as null.
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder(256 + columns.length * 512);
    sb.append("{\n  \"model\": \"").append(model).append("\",\n  \"paths\": ").append(paths)
        .append(",\n  \"steps\": ").append(steps).append(",\n  \"rejected\": ").append(rejected)
        .append(",\n  \"dim\": ").append(dim)
        .append(",\n  \"sketch_relative_error\": ").append(num(columns[0].sketch().relativeAccuracy()))
        .append(",\n  \"quantile_levels\": ");
    array(sb, LEVELS);
    sb.append(",\n  \"saves\": [");
    for (int s = 0; s < times.length; s++) {
      sb.append(s == 0 ? "\n" : ",\n").append("    {\"t\": ").append(num(times[s])).append(", \"components\": [");
      for (int i = 0; i < dim; i++) {
        ColumnStats c = column(s, i);
        ExactMoments m = c.moments();
        sb.append(i == 0 ? "\n" : ",\n").append("      {\"mean\": ").append(num(m.mean()))
            .append(", \"variance\": ").append(num(m.variance()))
            .append(", \"skewness\": ").append(num(m.skewness()))
            .append(", \"excess_kurtosis\": ").append(num(m.excessKurtosis()))
            .append(", \"min\": ").append(num(m.min())).append(", \"max\": ").append(num(m.max()))
            .append(", \"quantiles\": ");
        double[] q = new double[LEVELS.length];
        for (int k = 0; k < q.length; k++) {
          q[k] = c.sketch().quantile(LEVELS[k]);
        }
        array(sb, q);
        Histogram h = c.histogram();
        if (h != null) {
          sb.append(", \"histogram\": {\"lo\": ").append(num(h.lo())).append(", \"hi\": ").append(num(h.hi()))
              .append(", \"underflow\": ").append(h.underflow()).append(", \"overflow\": ").append(h.overflow())
              .append(", \"nan\": ").append(h.nanCount()).append(", \"counts\": [");
          long[] counts = h.counts();
          for (int k = 0; k < counts.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(counts[k]);
          }
          sb.append("]}");
        }
        sb.append('}');
      }
      sb.append("\n    ]}");
    }
    sb.append("\n  ]\n}\n");
    return sb.toString();
  }

  private static void array(StringBuilder sb, double[] a) {
    sb.append('[');
    for (int k = 0; k < a.length; k++) {
      sb.append(k == 0 ? "" : ", ").append(num(a[k]));
    }
    sb.append(']');
  }

  private static String num(double x) {
    return Double.isFinite(x) ? Double.toString(x) : "null";
  }
}
