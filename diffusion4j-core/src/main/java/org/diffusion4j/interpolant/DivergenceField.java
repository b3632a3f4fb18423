package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import org.diffusion4j.array.Batch;
import org.diffusion4j.likelihood.DivergenceEstimator;

/**
 * A time-dependent vector field together with (an estimate of) its divergence div f = tr(df/dx),
 * as needed by likelihoods: the instantaneous change of variables (Chen et al. 2018, Thm. 1) for
 * the ODE model and the Feynman-Kac weight of {@link SdeInterpolantLikelihood} for the SDE model.
 * {@link #of} wraps any {@link VectorField} with a divergence estimator of the likelihood package
 * (exact by central differences for small d, Hutchinson otherwise); trained networks supply their
 * own (autograd) implementation.
 */
@FunctionalInterface
public interface DivergenceField {
  /**
   * Writes f(x_i, t) into row i of {@code value} and div f(x_i, t) into {@code div[i]}.
   *
   * @param firstRow global index of row 0 of {@code x}; seeds the probes of randomised estimators so a
   *     state sees the same probes at every evaluation, whatever the batching
   */
  void evaluate(Batch x, double t, long firstRow, Batch value, double[] div);

  /** {@code field} with its divergence from {@code estimator}. */
  static DivergenceField of(VectorField field, DivergenceEstimator estimator) {
    if (field == null || estimator == null) {
      throw new IllegalArgumentException("a divergence field needs a field and a divergence estimator");
    }
    return (x, t, firstRow, value, div) -> estimator.evaluate(field, x, t, firstRow, value, div);
  }
}
