package org.diffusion4j.interpolant.kinetic;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.random.Rng;

/**
 * The data separation function of a dataset, the single 1-D function through which data enters
 * the kinetic energy of a Gaussian path (Shaul, Chen, Nickel, Le &amp; Lipman 2023, "On Kinetic
 * Optimal Probability Paths for Generative Models", Sec. 3, observation (i)).
 *
 * <p>Derivation used here (flow-matching time tau: x_tau = alpha x1 + sigma eps, data x1 at
 * tau = 1). With s = alpha/sigma, y = x/sigma = s x1 + eps and the posterior mean
 * x1hat = E[x1 | y], the marginal velocity is u = sigma' y + sigma s' x1hat, and
 * E|u|^2 = alpha'^2 m2 + sigma'^2 d - sigma^2 s'^2 mmse(s), where m2 = E|x1|^2 and
 * mmse(s) = E|x1 - E[x1 | s x1 + eps]|^2. In the coordinates a = c alpha (c = sqrt(m2/d)),
 * a = r sin(phi), sigma = r cos(phi) this is
 * <pre>  E|u|^2 = d [ r'^2 + kappa(phi) r^2 phi'^2 ],  kappa(phi) = 1 - mmse(s) (1 + c^2 s^2) / m2,  s = tan(phi)/c.</pre>
 * kappa is our normalisation of the paper's data separation function: it lies in [0, 1]
 * (mmse is at most the linear estimator's error m2/(1 + c^2 s^2)), equals 1 for perfectly
 * separated data (mmse = 0, where cond-OT is kinetic optimal) and 0 for isotropic Gaussian data
 * (where moving along phi is free); for n points in d dimensions it tends to 1 as n/sqrt(d) -&gt; 0
 * (the paper's Theorem, observation (iv)).
 *
 * <p>Estimate: the data distribution is the empirical one of the given rows, so E[x1 | y] is the
 * exact softmax over all rows; the expectation over x1 and eps is a Monte Carlo average over up
 * to {@code maxQueries} rows with {@code draws} noise vectors each, the same noise at every s
 * (common random numbers, so the tabulated curve is smooth in s). Rows and noise come from
 * seeded streams: the result does not depend on the thread count.
 */
public final class DataSeparation {
  /**
   * Estimation settings.
   *
   * @param nodes number of intervals of the uniform phi grid on [0, pi/2]
   * @param maxQueries at most this many data rows are used as x1 in the Monte Carlo average
   * @param draws noise vectors per query row
   * @param seed seed of the row subset and the noise
   */
  public record Options(int nodes, int maxQueries, int draws, long seed) {
    public Options {
      if (nodes < 4 || maxQueries < 1 || draws < 1) {
        throw new IllegalArgumentException("data separation needs nodes >= 4, maxQueries >= 1, draws >= 1, got "
            + nodes + ", " + maxQueries + ", " + draws);
      }
    }

    /** 128 phi intervals, 256 query rows, 2 noise draws each. */
    public static Options defaults(long seed) {
      return new Options(128, 256, 2, seed);
    }
  }

  private final int dim;
  private final double m2;
  private final double c;
  private final double[] phi;
  private final double[] mmse;
  private final double[] kappa;

  private DataSeparation(int dim, double m2, double[] phi, double[] mmse) {
    this.dim = dim;
    this.m2 = m2;
    this.c = Math.sqrt(m2 / dim);
    this.phi = phi;
    this.mmse = mmse;
    this.kappa = new double[phi.length];
    for (int k = 0; k < phi.length; k++) {
      double cos = Math.cos(phi[k]);
      double v = k == phi.length - 1 ? 1 : 1 - mmse[k] / (m2 * cos * cos);
      kappa[k] = Math.min(1, Math.max(0, v));
    }
  }

  /** Estimates the separation function of the empirical distribution of the rows of {@code data}. */
  public static DataSeparation estimate(Batch data, Options options) {
    int n = data.n();
    int d = data.d();
    if (n < 1) {
      throw new IllegalArgumentException("data separation needs at least one data row");
    }
    if (data.firstNonFinite() >= 0) {
      throw new IllegalArgumentException("data has a non-finite value at element " + data.firstNonFinite());
    }
    double[] x = data.data();
    double[] norm2 = new double[n];
    double m2 = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += x[i * d + j] * x[i * d + j];
      }
      norm2[i] = s;
      m2 += s;
    }
    m2 /= n;
    if (!(m2 > 0)) {
      throw new IllegalArgumentException("data separation needs data with E|x|^2 > 0");
    }
    int nodes = options.nodes();
    double[] phi = new double[nodes + 1];
    double[] svals = new double[nodes + 1];
    double c = Math.sqrt(m2 / d);
    for (int k = 0; k <= nodes; k++) {
      phi[k] = 0.5 * Math.PI * k / nodes;
      svals[k] = k == nodes ? Double.POSITIVE_INFINITY : Math.tan(phi[k]) / c;
    }
    int[] queries = chooseQueries(n, options.maxQueries(), options.seed());
    int m = queries.length;
    int draws = options.draws();
    double[][] perQuery = new double[m][nodes + 1];
    Rng root = Rng.of(options.seed());
    Parallel.forRows(m, 1, (from, to) -> {
      double[] eps = new double[d];
      double[] gram = new double[n];
      double[] noiseDot = new double[n];
      double[] logits = new double[n];
      double[] xhat = new double[d];
      for (int q = from; q < to; q++) {
        int i = queries[q];
        Rng rng = root.stream(q + 1);
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int l = 0; l < d; l++) {
            s += x[i * d + l] * x[j * d + l];
          }
          gram[j] = s;
        }
        for (int r = 0; r < draws; r++) {
          rng.fillGaussian(eps, 0, d);
          for (int j = 0; j < n; j++) {
            double s = 0;
            for (int l = 0; l < d; l++) {
              s += eps[l] * x[j * d + l];
            }
            noiseDot[j] = s;
          }
          for (int k = 0; k < nodes; k++) {
            double s = svals[k];
            // log p(j | y) = s y.x_j - s^2 |x_j|^2 / 2 + const, with y = s x_i + eps.
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
              logits[j] = s * (s * gram[j] + noiseDot[j]) - 0.5 * s * s * norm2[j];
              max = Math.max(max, logits[j]);
            }
            double total = 0;
            for (int j = 0; j < n; j++) {
              logits[j] = Math.exp(logits[j] - max);
              total += logits[j];
            }
            java.util.Arrays.fill(xhat, 0);
            double cut = 1e-17 * total;
            for (int j = 0; j < n; j++) {
              double w = logits[j];
              if (w > cut) {
                w /= total;
                for (int l = 0; l < d; l++) {
                  xhat[l] += w * x[j * d + l];
                }
              }
            }
            double err = 0;
            for (int l = 0; l < d; l++) {
              double e = x[i * d + l] - xhat[l];
              err += e * e;
            }
            perQuery[q][k] += err / draws;
          }
        }
      }
    });
    double[] mmse = new double[nodes + 1];
    for (int q = 0; q < m; q++) {
      for (int k = 0; k <= nodes; k++) {
        mmse[k] += perQuery[q][k] / m;
      }
    }
    return new DataSeparation(d, m2, phi, mmse);
  }

  /** The first {@code min(n, max)} entries of a seeded Fisher-Yates shuffle of 0..n-1 (all rows in order if n &lt;= max). */
  private static int[] chooseQueries(int n, int max, long seed) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    if (n <= max) {
      return idx;
    }
    Rng rng = Rng.of(seed);
    for (int i = 0; i < max; i++) {
      int j = i + rng.nextInt(n - i);
      int tmp = idx[i];
      idx[i] = idx[j];
      idx[j] = tmp;
    }
    return java.util.Arrays.copyOf(idx, max);
  }

  /** Data dimension d. */
  public int dim() {
    return dim;
  }

  /** m2 = E|x1|^2 of the data. */
  public double secondMoment() {
    return m2;
  }

  /** c = sqrt(m2 / d), the scale that makes the (alpha, sigma) metric isotropic. */
  public double scale() {
    return c;
  }

  /** Number of grid intervals in phi. */
  public int nodes() {
    return phi.length - 1;
  }

  /** phi of grid node k (uniform on [0, pi/2]). */
  public double phi(int k) {
    return phi[k];
  }

  /** Estimated mmse(s) at grid node k, s = tan(phi_k)/c (0 at the last node, s = infinity). */
  public double mmseAt(int k) {
    return mmse[k];
  }

  /** kappa(phi) at grid node k, in [0, 1]. */
  public double kappaAt(int k) {
    return kappa[k];
  }

  /** kappa(phi) for phi in [0, pi/2], linear between grid nodes. */
  public double kappa(double phiValue) {
    if (!(phiValue >= 0 && phiValue <= 0.5 * Math.PI + 1e-12)) {
      throw new IllegalArgumentException("phi " + phiValue + " is outside [0, pi/2]");
    }
    double u = phiValue / phi[phi.length - 1] * (phi.length - 1);
    int k = Math.min(phi.length - 2, (int) Math.floor(u));
    double w = u - k;
    return (1 - w) * kappa[k] + w * kappa[k + 1];
  }

  /** The estimated mmse(s) = E|x1 - E[x1 | s x1 + eps]|^2 for s &gt;= 0, linear in phi between grid nodes. */
  public double mmse(double s) {
    if (!(s >= 0)) {
      throw new IllegalArgumentException("snr s must be >= 0, got " + s);
    }
    double p = Math.atan(c * s);
    double cos = Math.cos(p);
    return (1 - kappa(p)) * m2 * cos * cos;
  }
}
