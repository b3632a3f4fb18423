package org.diffusion4j.likelihood;

import org.diffusion4j.model.VectorField;
import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Rng;

/**
 * Hutchinson's trace estimator (Hutchinson 1990; used for likelihoods by FFJORD, Grathwohl et
 * al. 2019, Eq. 7, and Song et al. 2021, Appendix D.2): div F = E[w^T J w] for probes w with
 * E[w w^T] = I, here averaged over {@code probes} probes, each J w a central-difference
 * Jacobian-vector product (2 field evaluations). Unbiased up to the O(h^2) difference error.
 *
 * <p>The probes of global row r are drawn from {@code Rng.of(seed).stream(1, r)}: they are fixed
 * for a whole ODE solve (so an adaptive solver sees a deterministic right-hand side) and do not
 * depend on batching or thread count.
 *
 * @param probes number of probe vectors per state, at least 1
 * @param kind Rademacher (+-1 entries, the lower-variance choice) or standard Gaussian entries
 * @param seed seed of the probe streams
 */
public record HutchinsonDivergence(int probes, Probe kind, long seed) implements DivergenceEstimator {
  /** Distribution of the probe entries. */
  public enum Probe {
    RADEMACHER,
    GAUSSIAN
  }

  public HutchinsonDivergence {
    if (probes < 1) {
      throw new IllegalArgumentException("Hutchinson estimator needs at least 1 probe, got " + probes);
    }
    if (kind == null) {
      throw new IllegalArgumentException("Hutchinson probe kind must not be null");
    }
  }

  @Override
  public void evaluate(VectorField field, Batch x, double t, long firstRow, Batch value, double[] div) {
    int d = x.d();
    // Probes of one row are drawn in order k = 0, 1, ...; regenerate the stream for each row.
    double[][] rowProbes = new double[probes][d];
    long[] cachedRow = {Long.MIN_VALUE};
    CentralDifferences.quadraticForms(field, x, t, firstRow, probes, 1.0 / probes, (row, k, w) -> {
      if (cachedRow[0] != row) {
        Rng r = Rng.of(seed).stream(1, row);
        for (double[] p : rowProbes) {
          for (int j = 0; j < d; j++) {
            p[j] = kind == Probe.RADEMACHER ? r.nextRademacher() : r.nextGaussian();
          }
        }
        cachedRow[0] = row;
      }
      System.arraycopy(rowProbes[k], 0, w, 0, d);
    }, value, div);
  }

  @Override
  public int evaluationsPerRow(int dim) {
    return 1 + 2 * probes;
  }

  @Override
  public String describe() {
    return "hutchinson (" + probes + " " + kind.name().toLowerCase(java.util.Locale.ROOT) + " probes, seed " + seed + ")";
  }
}
