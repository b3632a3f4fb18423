package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * General (d x m) commutative noise: dy_i = mu_i y_i dt + sum_j s_ij y_i dW_j, whose Ito solution is
 * y_i = y0_i exp((mu_i - sum_j s_ij^2 / 2) t + sum_j s_ij W_j). Milstein with the L^j g_k terms
 * (finite differences) must reach strong order 1, Euler 0.5.
 */
class CommutativeMilsteinTest {
  private static final double[] MU = {0.3, -0.2};
  private static final double[][] S = {{0.5, 0.3}, {0.2, 0.6}};

  private static SdeTerm term(boolean commutative) {
    return new SdeTerm() {
      public int dim() {
        return 2;
      }

      public int noiseDim() {
        return 2;
      }

      public NoiseType noiseType() {
        return NoiseType.GENERAL;
      }

      public boolean commutativeNoise() {
        return commutative;
      }

      public Calculus calculus() {
        return Calculus.ITO;
      }

      public void drift(double t, double[] y, double[] out, int n) {
        for (int r = 0; r < n; r++) {
          out[2 * r] = MU[0] * y[2 * r];
          out[2 * r + 1] = MU[1] * y[2 * r + 1];
        }
      }

      public void diffusion(double t, double[] y, double[] out, int n) {
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
              out[4 * r + 2 * i + j] = S[i][j] * y[2 * r + i];
            }
          }
        }
      }
    };
  }

  private static double slope(Solver solver, int from, int to) {
    int paths = 300;
    BrownianTree tree = BrownianTree.of(19, 2, 0, 1);
    double[][] exact = new double[paths][2];
    double[] w = new double[2];
    for (int p = 0; p < paths; p++) {
      tree.path(p).increment(0, 1, w, 0);
      for (int i = 0; i < 2; i++) {
        double a = MU[i];
        double b = 0;
        for (int j = 0; j < 2; j++) {
          a -= 0.5 * S[i][j] * S[i][j];
          b += S[i][j] * w[j];
        }
        exact[p][i] = Math.exp(a + b);
      }
    }
    double[] hs = new double[to - from + 1];
    double[] err = new double[hs.length];
    for (int k = 0; k < hs.length; k++) {
      hs[k] = Math.scalb(1.0, -(from + k));
      SdeSolution s = SdeSolve.of(term(true)).solver(solver).t1(1).dt(hs[k]).y0(1, 1).paths(paths).brownian(tree).run();
      for (int p = 0; p < paths; p++) {
        err[k] += (Math.abs(s.get(p, 0, 0) - exact[p][0]) + Math.abs(s.get(p, 0, 1) - exact[p][1])) / paths;
      }
    }
    double k = Fits.logLogSlope(hs, err);
    System.out.println("general commutative noise " + solver.cliName() + " slope " + k + " " + Arrays.toString(err));
    return k;
  }

  @Test
  void milsteinHasOrderOneOnCommutativeGeneralNoise() {
    assertEquals(1.0, slope(Solver.MILSTEIN, 3, 9), 0.15);
    assertEquals(0.5, slope(Solver.EULER, 4, 10), 0.15);
  }

  @Test
  void nonCommutativeGeneralNoiseIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SdeSolve.of(term(false)).solver(Solver.MILSTEIN).t1(1).dt(0.1).y0(1, 1).run());
    assertTrue(e.getMessage().contains("commutative"), e.getMessage());
  }
}
