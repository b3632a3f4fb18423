package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.sde.models.Gbm;
import org.junit.jupiter.api.Test;

class AdaptiveTest {
  private static final int PATHS = 200;

  private static double meanError(SdeSolution s, Gbm gbm, BrownianTree tree) {
    double[] w = new double[1];
    double e = 0;
    for (int p = 0; p < PATHS; p++) {
      tree.path(p).increment(0, 1, w, 0);
      e += Math.abs(s.get(p, s.saves() - 1, 0) - gbm.exact(1, 1, w[0])) / PATHS;
    }
    return e;
  }

  /** Tightening rtol on the tree drives the adaptive solution to the exact one on the same path. */
  @Test
  void adaptiveSolvesConvergeOnTheSamePath() {
    Gbm gbm = Gbm.ito(0.5, 1.0);
    BrownianTree tree = BrownianTree.of(31, 1, 0, 1);
    double previous = Double.POSITIVE_INFINITY;
    long previousSteps = 0;
    for (double tol : new double[] {1e-2, 1e-3, 1e-4}) {
      SdeSolution s = SdeSolve.of(gbm).solver(Solver.MILSTEIN).t1(1).controller(PidController.of(tol, tol))
          .y0(1).paths(PATHS).brownian(tree).saveAt(0.5, 1).run();
      double err = meanError(s, gbm, tree);
      System.out.printf("adaptive milstein tol %.0e: error %.3e, steps %d, rejected %d%n", tol, err, s.steps(), s.rejected());
      assertTrue(err < previous, "error should fall with tolerance: " + err + " vs " + previous);
      assertTrue(s.steps() > previousSteps);
      assertTrue(s.rejected() > 0, "the controller should reject some steps");
      previous = err;
      previousSteps = s.steps();
    }
    // And it agrees with a fine fixed-step solve on the same path.
    SdeSolution fixed = SdeSolve.of(gbm).solver(Solver.MILSTEIN).t1(1).dt(0x1p-12).y0(1).paths(PATHS).brownian(tree).run();
    // At tol 1e-4 the error is tolerance-limited, a few 1e-3 over 200 paths (2e-3 to 3.2e-3 across tree seeds).
    assertTrue(previous < 3 * meanError(fixed, gbm, tree) + 5e-3, "adaptive " + previous);
  }

  @Test
  void sriAdaptiveHitsSaveTimesExactly() {
    Gbm gbm = Gbm.ito(0.2, 0.5);
    BrownianTree tree = BrownianTree.of(32, 1, 0, 1);
    SdeSolution s = SdeSolve.of(gbm).solver(Solver.SRI).t1(1).controller(PidController.of(1e-5, 1e-5))
        .y0(1).paths(50).brownian(tree).saveAt(0, 0.3, 0.7, 1).run();
    double[] w = new double[1];
    double[] ts = {0, 0.3, 0.7, 1};
    for (int p = 0; p < 50; p++) {
      for (int k = 0; k < ts.length; k++) {
        if (ts[k] == 0) {
          assertEquals(1.0, s.get(p, k, 0), 0.0);
          continue;
        }
        tree.path(p).increment(0, ts[k], w, 0);
        assertEquals(gbm.exact(1, ts[k], w[0]), s.get(p, k, 0), 2e-3, "path " + p + " t " + ts[k]);
      }
    }
  }
}
