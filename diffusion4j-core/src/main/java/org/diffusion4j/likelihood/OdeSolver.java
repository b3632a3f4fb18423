package org.diffusion4j.likelihood;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.VectorField;

/**
 * Integrates a batched ODE dy/dt = F(y, t) (one state per row of a {@link Batch}) from t0 to t1
 * in place. The likelihood integrates the augmented state [x, log-det] (d + 1 columns).
 */
public interface OdeSolver {
  /** Receives (t, accepted steps, rhs evaluations) after every accepted step. */
  @FunctionalInterface
  interface StepListener {
    StepListener NONE = (t, steps, nfe) -> {};

    void onStep(double t, int steps, int nfe);
  }

  /** What one solve cost: accepted and rejected steps and right-hand-side evaluations (NFE). */
  record Stats(int acceptedSteps, int rejectedSteps, int nfe) {}

  /**
   * Integrates y from t0 to t1 (overwriting y with the solution at t1); {@code rhs} must write every
   * element of its output.
   */
  Stats solve(VectorField rhs, Batch y, double t0, double t1, StepListener listener);

  /** A short description for reports. */
  String describe();

  /** Throws an error naming the step and time if {@code dy} has a non-finite element. */
  static void requireFinite(Batch dy, int step, double t) {
    int bad = dy.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalStateException("ODE right-hand side is " + dy.data()[bad] + " at step " + step + ", t = " + t
          + " (row " + bad / dy.d() + ", column " + bad % dy.d() + "): the model returned a non-finite value");
    }
  }
}
