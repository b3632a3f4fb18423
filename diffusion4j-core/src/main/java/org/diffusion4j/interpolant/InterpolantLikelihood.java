package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import org.diffusion4j.array.Batch;
import org.diffusion4j.likelihood.DivergenceEstimator;
import org.diffusion4j.likelihood.LogDensity;
import org.diffusion4j.likelihood.OdeSolver;

/**
 * Exact log-likelihood of the deterministic (probability-flow) model of an interpolant between
 * two densities: the transport equation d_t rho + div(b rho) = 0 (Albergo et al. 2023, Eq. 2.9)
 * gives, along the flow X_t, log rho_1(X_1) = log rho_0(X_0) - int_0^1 div b(t, X_t) dt
 * (instantaneous change of variables, Chen et al. 2018, Thm. 1). From a data point x1 the ODE is
 * integrated backward to x0 together with the divergence integral, with the likelihood
 * package's solvers and divergence estimators (exact for small d, Hutchinson otherwise).
 * {@code rho0} need not be Gaussian: any density with a known log-density works.
 */
public final class InterpolantLikelihood {
  private InterpolantLikelihood() {}

  /**
   * log rho_1(x) of every row of {@code x1} under the flow of {@code velocity} from the density
   * {@code rho0}.
   */
  public static double[] logDensity(VectorField velocity, LogDensity rho0, Batch x1, DivergenceEstimator divergence,
      OdeSolver solver) {
    int n = x1.n();
    int d = x1.d();
    // Reversed time tau = 1 - t: dY/dtau = G(Y, tau) = -b(1 - tau, Y), dl/dtau = div G.
    VectorField reversed = (xx, tau, out) -> {
      velocity.evaluate(xx, Math.min(1, Math.max(0, 1 - tau)), out);
      out.scale(-1);
    };
    Batch y = new Batch(n, d + 1);
    for (int i = 0; i < n; i++) {
      System.arraycopy(x1.data(), i * d, y.data(), i * (d + 1), d);
    }
    Batch x = new Batch(n, d);
    Batch value = new Batch(n, d);
    double[] div = new double[n];
    solver.solve((yy, tau, dy) -> {
      for (int i = 0; i < n; i++) {
        System.arraycopy(yy.data(), i * (d + 1), x.data(), i * d, d);
      }
      divergence.evaluate(reversed, x, tau, 0, value, div);
      for (int i = 0; i < n; i++) {
        System.arraycopy(value.data(), i * d, dy.data(), i * (d + 1), d);
        dy.data()[i * (d + 1) + d] = div[i];
      }
    }, y, 0, 1, OdeSolver.StepListener.NONE);
    Batch x0 = new Batch(n, d);
    for (int i = 0; i < n; i++) {
      System.arraycopy(y.data(), i * (d + 1), x0.data(), i * d, d);
    }
    double[] out = rho0.logDensity(x0);
    for (int i = 0; i < n; i++) {
      out[i] += y.data()[i * (d + 1) + d];
    }
    return out;
  }
}
