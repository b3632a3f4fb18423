package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;

/**
 * A high-accuracy reference solution of the probability-flow ODE (Song et al. 2021, Eq. 13),
 * dx/dt = f x - g^2 score / 2 = u(x, t) (the velocity), integrated with Hipparchus' adaptive
 * Dormand-Prince 8(5,3) (Hairer, Norsett &amp; Wanner, "Solving ODEs I", Sec. II.10) at a given
 * relative and absolute tolerance. The whole batch is one state vector, so every row is solved
 * with the same step sequence. Used to measure sampler errors against ground truth.
 */
public final class ProbabilityFlowReference {
  private ProbabilityFlowReference() {}

  /** The result and the number of model evaluations (batch calls) used. */
  public record Solution(Batch x, int evaluations) {}

  /**
   * Integrates from {@code x} at {@code tStart} to {@code tEnd} with tolerance {@code tol} (relative
   * and absolute).
   */
  public static Solution solve(Denoiser model, GaussianPath path, Batch x, double tStart, double tEnd, double tol) {
    if (x.d() != model.dim()) {
      throw new IllegalArgumentException("state dimension " + x.d() + " does not match the model dimension "
          + model.dim());
    }
    path.checkTime(tStart);
    path.checkTime(tEnd);
    ModelEvaluator ev = new ModelEvaluator(model, path);
    int n = x.n();
    int d = x.d();
    OrdinaryDifferentialEquation ode = new OrdinaryDifferentialEquation() {
      private final Batch in = new Batch(n, d);
      private final Batch out = new Batch(n, d);

      @Override
      public int getDimension() {
        return n * d;
      }

      @Override
      public double[] computeDerivatives(double t, double[] y) {
        System.arraycopy(y, 0, in.data(), 0, y.length);
        ev.evaluate(in, t, Prediction.VELOCITY, out);
        return out.data().clone();
      }
    };
    double span = Math.abs(tStart - tEnd);
    DormandPrince853Integrator integrator = new DormandPrince853Integrator(span * 1e-14, span, tol, tol);
    ODEState end = integrator.integrate(ode, new ODEState(tStart, x.data().clone()), tEnd);
    return new Solution(new Batch(n, d, end.getPrimaryState()), ev.nfe());
  }
}
