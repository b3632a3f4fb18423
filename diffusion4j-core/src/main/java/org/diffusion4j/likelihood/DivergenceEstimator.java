package org.diffusion4j.likelihood;

import org.diffusion4j.model.VectorField;
import org.diffusion4j.array.Batch;

/**
 * Computes a vector field's value and its divergence div F = tr(dF/dx) for every row of a batch,
 * as needed by the instantaneous change of variables (Chen et al. 2018, "Neural Ordinary
 * Differential Equations", Theorem 1): d log p(x_t)/dt = -div F(x_t, t).
 *
 * <p>Implementations are stateless: any randomness (probe vectors) is a function of a seed and
 * the row's global index {@code firstRow + i}, so the same row sees the same probes at every
 * evaluation of one ODE solve (FFJORD, Grathwohl et al. 2019, Sec. 3.1, keeps the noise fixed for
 * the whole solve) and results do not depend on batching or thread count.
 */
public interface DivergenceEstimator {
  /**
   * Writes F(x_i, t) into {@code value} and (an estimate of) div F(x_i, t) into {@code div[i]}.
   *
   * @param firstRow global index of row 0 of {@code x} (seeds the probes of randomised estimators)
   */
  void evaluate(VectorField field, Batch x, double t, long firstRow, Batch value, double[] div);

  /** Field evaluations (batch rows) per state and per call: 1 + 2d (exact) or 1 + 2 * probes. */
  int evaluationsPerRow(int dim);

  /** A short description for reports, e.g. {@code exact (central differences)}. */
  String describe();
}
