package org.diffusion4j.likelihood;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.VectorField;

/**
 * A fixed-step explicit Runge-Kutta method with {@code steps} equal steps: classical RK4
 * (order 4) or the fifth-order Dormand-Prince formula without error control. Global error
 * O(h^order); NFE = 4 or 6 per step (Dormand-Prince reuses its last stage).
 */
public final class FixedStepSolver implements OdeSolver {
  private final ButcherTableau tableau;
  private final int steps;

  private FixedStepSolver(ButcherTableau tableau, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("fixed-step solver needs at least 1 step, got " + steps);
    }
    this.tableau = tableau;
    this.steps = steps;
  }

  /** Classical RK4 with {@code steps} steps. */
  public static FixedStepSolver rk4(int steps) {
    return new FixedStepSolver(ButcherTableau.RK4, steps);
  }

  /** Dormand-Prince 5th order with {@code steps} fixed steps. */
  public static FixedStepSolver dopri5(int steps) {
    return new FixedStepSolver(ButcherTableau.DOPRI5, steps);
  }

  /** The order of the method. */
  public int order() {
    return tableau.order();
  }

  @Override
  public Stats solve(VectorField rhs, Batch y, double t0, double t1, StepListener listener) {
    RungeKutta rk = new RungeKutta(tableau, y);
    Batch next = y.zerosLike();
    double h = (t1 - t0) / steps;
    int nfe = 0;
    boolean haveFirst = false;
    for (int i = 0; i < steps; i++) {
      double t = t0 + i * h;
      // Land exactly on t1 in the last step.
      double hi = i == steps - 1 ? t1 - t : h;
      nfe += rk.step(rhs, t, y, hi, haveFirst, next, i);
      y.setFrom(next);
      if (tableau.fsal()) {
        rk.k(0).setFrom(rk.k(tableau.stages() - 1));
        haveFirst = true;
      }
      listener.onStep(t + hi, i + 1, nfe);
    }
    return new Stats(steps, 0, nfe);
  }

  @Override
  public String describe() {
    return tableau.name() + " (" + steps + " fixed steps)";
  }
}
