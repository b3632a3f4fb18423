package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The worked example of docs/sde.md ("Your own SDE in Java"), kept compiling and checked. */
class UserDefinedSdeExampleTest {
  /** dY = r Y (1 - Y/K) dt + sigma Y dW: logistic growth with multiplicative (diagonal) noise, Ito. */
  record NoisyLogistic(double r, double k, double sigma) implements SdeTerm {
    @Override
    public int dim() {
      return 1;
    }

    @Override
    public NoiseType noiseType() {
      return NoiseType.DIAGONAL;
    }

    @Override
    public Calculus calculus() {
      return Calculus.ITO;
    }

    @Override
    public void drift(double t, double[] y, double[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = r * y[i] * (1 - y[i] / k);
      }
    }

    @Override
    public void diffusion(double t, double[] y, double[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = sigma * y[i];
      }
    }

    /** Optional, for Milstein: (g . grad) g = sigma * g (without it, a finite difference along g). */
    @Override
    public boolean diffusionDerivative(double t, double[] y, double[] g, double[] out, int n) {
      for (int i = 0; i < n; i++) {
        out[i] = sigma * g[i];
      }
      return true;
    }
  }

  @Test
  void withoutNoiseItIsTheLogisticCurve() {
    SdeSolution sol = SdeSolve.of(new NoisyLogistic(2, 1, 0.0)).solver(Solver.MILSTEIN).t1(5).dt(1e-3).y0(0.1)
        .paths(4).seed(1).saveAt(1, 2, 5).run();
    double[] ts = {1, 2, 5};
    for (int s = 0; s < 3; s++) {
      double exact = 1.0 / (1 + (1 / 0.1 - 1) * Math.exp(-2 * ts[s]));
      assertEquals(exact, sol.get(0, s, 0), 1e-3, "t=" + ts[s]);
    }
  }

  @Test
  void noisyRunsFixedAndAdaptive() {
    NoisyLogistic model = new NoisyLogistic(2, 1, 0.3);
    SdeSolution fixed = SdeSolve.of(model).solver(Solver.MILSTEIN).t1(5).dt(1e-3).y0(0.1).paths(2000).seed(1)
        .saveAt(1, 2, 5).run();
    double[] atT = fixed.column(2, 0);
    double mean = 0;
    for (double v : atT) {
      assertTrue(v > 0, "the logistic SDE stays positive: " + v);
      mean += v / atT.length;
    }
    // Near the carrying capacity the noise pulls the mean below K = 1 (E[Y] ~ K (1 - sigma^2 / (2 r))).
    assertEquals(1 - 0.09 / 4, mean, 0.03);
    assertTrue(Solver.MILSTEIN.supportsAdaptive(model));
    SdeSolution adaptive = SdeSolve.of(model).solver(Solver.MILSTEIN).t1(5).controller(PidController.of(1e-3, 1e-3))
        .y0(0.1).paths(200).seed(1).run();
    assertEquals(200, adaptive.paths());
  }
}
