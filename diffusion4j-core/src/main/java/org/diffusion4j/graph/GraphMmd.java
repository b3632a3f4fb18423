package org.diffusion4j.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * The graph-generation MMD of GraphRNN as GDSS computes it (official code harryjo97/GDSS,
 * evaluation/stats.py and evaluation/mmd.py, with the kernels of utils/loader.py
 * {@code load_eval_settings}):
 *
 * <ul>
 *   <li>degree: per graph the degree histogram (networkx {@code degree_histogram}: counts of
 *       degree 0..max), normalised to a pmf; Gaussian kernel on the earth mover's distance,
 *       sigma 1, ground distance |i - j|;</li>
 *   <li>clustering: per graph the histogram of the local clustering coefficients in 100 equal
 *       bins on [0, 1] (numpy.histogram), as a pmf; Gaussian-EMD kernel, sigma 0.1, ground
 *       distance |i - j| / 100;</li>
 *   <li>orbit: per graph the 4-node orbit counts ({@link OrbitCounter}) summed over nodes and
 *       divided by the node count, not normalised; GDSS's kernel is {@code gaussian}, a Gaussian
 *       on the Euclidean distance, sigma 30 ({@link Kernel#GAUSSIAN_L2}); GraphRNN's total
 *       variation version is {@link Kernel#GAUSSIAN_TV}.</li>
 * </ul>
 * Vectors of unequal length are zero-padded to the longer one (mmd.py {@code process_tensor}).
 * The estimate is the biased V-statistic of mmd.py {@code compute_mmd}:
 * mean k(X, X) + mean k(Y, Y) - 2 mean k(X, Y), diagonal terms included, so MMD(S, S) = 0.
 * Generated graphs with no nodes are dropped for degree and clustering, as stats.py does.
 */
public final class GraphMmd {
  /** Clustering histogram bins of stats.py {@code clustering_stats}. */
  public static final int CLUSTERING_BINS = 100;

  private GraphMmd() {}

  /** The kernels of mmd.py. */
  public enum Kernel {
    /** exp(-EMD(x, y)^2 / (2 sigma^2)), EMD with ground distance |i - j| / scaling (gaussian_emd). */
    GAUSSIAN_EMD,
    /** exp(-||x - y||_2^2 / (2 sigma^2)) (gaussian). */
    GAUSSIAN_L2,
    /** exp(-TV(x, y)^2 / (2 sigma^2)), TV = sum |x - y| / 2 (gaussian_tv). */
    GAUSSIAN_TV
  }

  /** MMD^2 of the three statistics. */
  public record Table(double degree, double clustering, double orbit) {}

  /** GDSS's degree, clustering and orbit MMD^2 between a reference set and a generated set. */
  public static Table gdss(List<Graph> reference, List<Graph> generated) {
    return new Table(degree(reference, generated), clustering(reference, generated), orbit(reference, generated));
  }

  /** Degree MMD^2 (stats.py degree_stats, gaussian_emd, sigma 1). */
  public static double degree(List<Graph> reference, List<Graph> generated) {
    return mmd(pmfs(reference, GraphMmd::degreeHistogram), pmfs(nonEmpty(generated), GraphMmd::degreeHistogram),
        Kernel.GAUSSIAN_EMD, 1.0, 1.0);
  }

  /** Clustering MMD^2 (stats.py clustering_stats, gaussian_emd, sigma 0.1, distance scaling 100). */
  public static double clustering(List<Graph> reference, List<Graph> generated) {
    return mmd(pmfs(reference, g -> clusteringHistogram(g, CLUSTERING_BINS)),
        pmfs(nonEmpty(generated), g -> clusteringHistogram(g, CLUSTERING_BINS)), Kernel.GAUSSIAN_EMD, 0.1,
        CLUSTERING_BINS);
  }

  /** Orbit MMD^2 (stats.py orbit_stats_all: mean orbit counts, gaussian (L2), sigma 30). */
  public static double orbit(List<Graph> reference, List<Graph> generated) {
    return orbit(reference, generated, Kernel.GAUSSIAN_L2);
  }

  /** Orbit MMD^2 with a chosen kernel (GAUSSIAN_L2 = GDSS, GAUSSIAN_TV = GraphRNN's variant), sigma 30. */
  public static double orbit(List<Graph> reference, List<Graph> generated, Kernel kernel) {
    List<double[]> r = new ArrayList<>();
    for (Graph g : reference) {
      r.add(OrbitCounter.meanCounts(g));
    }
    List<double[]> p = new ArrayList<>();
    for (Graph g : generated) {
      p.add(OrbitCounter.meanCounts(g));
    }
    return mmd(r, p, kernel, 30.0, 1.0);
  }

  /** networkx degree_histogram: entry d = number of nodes of degree d, for d = 0..max degree. */
  public static double[] degreeHistogram(Graph g) {
    int max = 0;
    for (int u = 0; u < g.nodeCount(); u++) {
      max = Math.max(max, g.degree(u));
    }
    double[] h = new double[max + 1];
    for (int u = 0; u < g.nodeCount(); u++) {
      h[g.degree(u)]++;
    }
    return h;
  }

  /** networkx clustering: 2 T(u) / (d (d - 1)) with T(u) the triangles at u, 0 when d &lt; 2. */
  public static double[] clusteringCoefficients(Graph g) {
    double[] c = new double[g.nodeCount()];
    for (int u = 0; u < g.nodeCount(); u++) {
      int[] nb = g.neighboursView(u);
      int d = nb.length;
      if (d < 2) {
        continue;
      }
      long t = 0;
      for (int i = 0; i < d; i++) {
        for (int j = i + 1; j < d; j++) {
          if (g.hasEdge(nb[i], nb[j])) {
            t++;
          }
        }
      }
      c[u] = 2.0 * t / ((double) d * (d - 1));
    }
    return c;
  }

  /** Histogram of the clustering coefficients, {@code bins} equal bins on [0, 1]. */
  public static double[] clusteringHistogram(Graph g, int bins) {
    return histogram(clusteringCoefficients(g), bins);
  }

  /**
   * numpy.histogram(values, bins, range=(0, 1)) counts, bin assignment exactly as numpy's
   * equal-width path: index floor((v - 0) * bins / 1), the last edge closed, then corrected
   * against the edges linspace(0, 1, bins + 1) for rounding.
   */
  public static double[] histogram(double[] values, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("histogram bins must be >= 1, got " + bins);
    }
    double[] edges = new double[bins + 1];
    double step = 1.0 / bins;
    for (int i = 0; i <= bins; i++) {
      edges[i] = i * step; // numpy linspace: start + i * step
    }
    edges[bins] = 1.0;
    double[] h = new double[bins];
    for (double v : values) {
      if (!(v >= 0 && v <= 1)) {
        continue; // outside the range: numpy drops it
      }
      int idx = (int) (v * bins);
      if (idx == bins) {
        idx--;
      }
      if (v < edges[idx]) {
        idx--;
      } else if (idx != bins - 1 && v >= edges[idx + 1]) {
        idx++;
      }
      h[idx]++;
    }
    return h;
  }

  /**
   * Biased MMD^2 estimate of mmd.py compute_mmd (is_hist=False: vectors used as given):
   * mean k(x_i, x_j) + mean k(y_i, y_j) - 2 mean k(x_i, y_j).
   *
   * @param scaling the EMD ground distance is |i - j| / scaling (ignored by the other kernels)
   */
  public static double mmd(List<double[]> x, List<double[]> y, Kernel kernel, double sigma, double scaling) {
    if (x.isEmpty() || y.isEmpty()) {
      throw new IllegalArgumentException("MMD needs two non-empty sets, got " + x.size() + " and " + y.size());
    }
    if (!(sigma > 0) || !(scaling > 0)) {
      throw new IllegalArgumentException("MMD kernel needs sigma > 0 and scaling > 0, got " + sigma + ", " + scaling);
    }
    return disc(x, x, kernel, sigma, scaling) + disc(y, y, kernel, sigma, scaling)
        - 2 * disc(x, y, kernel, sigma, scaling);
  }

  private static double disc(List<double[]> a, List<double[]> b, Kernel kernel, double sigma, double scaling) {
    double sum = 0;
    for (double[] s : a) {
      double row = 0;
      for (double[] u : b) {
        row += kernel(s, u, kernel, sigma, scaling);
      }
      sum += row;
    }
    return sum / ((double) a.size() * b.size());
  }

  /** One kernel value, after zero-padding both vectors to the longer length. */
  public static double kernel(double[] x, double[] y, Kernel kernel, double sigma, double scaling) {
    int len = Math.max(x.length, y.length);
    double d;
    switch (kernel) {
      case GAUSSIAN_EMD -> {
        // 1-D EMD between equal-mass histograms with ground distance |i - j| / scaling:
        // sum of |CDF_x - CDF_y| over the unit gaps, what pyemd.emd returns for these inputs.
        double cx = 0;
        double cy = 0;
        double acc = 0;
        for (int i = 0; i < len - 1; i++) {
          cx += i < x.length ? x[i] : 0;
          cy += i < y.length ? y[i] : 0;
          acc += Math.abs(cx - cy);
        }
        d = acc / scaling;
      }
      case GAUSSIAN_L2 -> {
        double acc = 0;
        for (int i = 0; i < len; i++) {
          double diff = (i < x.length ? x[i] : 0) - (i < y.length ? y[i] : 0);
          acc += diff * diff;
        }
        d = Math.sqrt(acc);
      }
      case GAUSSIAN_TV -> {
        double acc = 0;
        for (int i = 0; i < len; i++) {
          acc += Math.abs((i < x.length ? x[i] : 0) - (i < y.length ? y[i] : 0));
        }
        d = acc / 2;
      }
      default -> throw new AssertionError(kernel);
    }
    return Math.exp(-d * d / (2 * sigma * sigma));
  }

  private static List<Graph> nonEmpty(List<Graph> graphs) {
    List<Graph> out = new ArrayList<>();
    for (Graph g : graphs) {
      if (g.nodeCount() > 0) {
        out.add(g);
      }
    }
    return out;
  }

  /** Histograms normalised to sum 1 (compute_mmd with is_hist=True). */
  private static List<double[]> pmfs(List<Graph> graphs, java.util.function.Function<Graph, double[]> histogram) {
    List<double[]> out = new ArrayList<>(graphs.size());
    for (Graph g : graphs) {
      double[] h = histogram.apply(g);
      double total = 0;
      for (double v : h) {
        total += v;
      }
      double[] p = new double[h.length];
      for (int i = 0; i < h.length; i++) {
        p[i] = h[i] / total;
      }
      out.add(p);
    }
    return out;
  }
}
