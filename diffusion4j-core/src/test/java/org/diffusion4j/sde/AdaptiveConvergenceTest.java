package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.sde.models.Gbm;
import org.diffusion4j.sde.models.OrnsteinUhlenbeck;
import org.junit.jupiter.api.Test;

/**
 * Every solver that declares adaptive support for a term ({@link Solver#supportsAdaptive}) must
 * converge to the exact solution on the same Brownian path as the tolerance shrinks; every other
 * solver that accepts the term must refuse a controller with a message that says why. Before the
 * declarations, adaptive Euler on Ito GBM kept a mean path error of about 0.25 at every tolerance
 * (the path-dependent steps bias sum g g' (dW^2 - h)); this test fails on that behaviour.
 */
class AdaptiveConvergenceTest {
  private static final int PATHS = 60;

  /** A term with its exact (or reference) value at t = 1 on paths [0, PATHS) of a tree. */
  private record Problem(String name, SdeTerm term, BrownianTree tree, double[] exact) {}

  private static List<Problem> problems() {
    List<Problem> out = new ArrayList<>();
    for (Calculus c : Calculus.values()) {
      Gbm gbm = new Gbm(0.5, 1.0, 1, c);
      BrownianTree tree = BrownianTree.of(40 + c.ordinal(), 1, 0, 1);
      double[] exact = new double[PATHS];
      double[] w = new double[1];
      for (int p = 0; p < PATHS; p++) {
        tree.path(p).increment(0, 1, w, 0);
        exact[p] = gbm.exact(1.0, 1.0, w[0]);
      }
      out.add(new Problem("gbm " + c, gbm, tree, exact));
    }
    BrownianTree tree = BrownianTree.of(43, 1, 0, 1);
    out.add(new Problem("additive ou", new OrnsteinUhlenbeck(2.0, 0.0, 1.0, 1), tree, SamePath.ou(tree, PATHS, 2.0, 1.0, 1.0)));
    return out;
  }

  private static double meanError(Problem pr, Solver s, double tol) {
    SdeSolution sol = SdeSolve.of(pr.term()).solver(s).t1(1).controller(PidController.of(tol, tol)).y0(1.0)
        .paths(PATHS).brownian(pr.tree()).run();
    double e = 0;
    for (int p = 0; p < PATHS; p++) {
      e += Math.abs(sol.get(p, 0, 0) - pr.exact()[p]) / PATHS;
    }
    System.out.printf("adaptive %-16s %-16s tol %.0e: mean path error %.3e, %d steps%n", s.cliName(), pr.name(), tol, e,
        sol.steps());
    return e;
  }

  @Test
  void everySolverThatAcceptsATolConvergesOnTheSamePath() {
    int checked = 0;
    for (Problem pr : problems()) {
      for (Solver s : Solver.values()) {
        if (!s.supportsAdaptive(pr.term())) {
          continue;
        }
        double loose = meanError(pr, s, 1e-2);
        double tight = meanError(pr, s, 1e-4);
        assertTrue(tight < 0.2 * loose, s.cliName() + " on " + pr.name() + ": error " + tight + " at tol 1e-4 vs " + loose
            + " at 1e-2: adaptive steps do not converge");
        assertTrue(tight < 1e-2, s.cliName() + " on " + pr.name() + ": error " + tight + " at tol 1e-4");
        checked++;
      }
    }
    // gbm Ito: milstein, sri; gbm Stratonovich: milstein, heun; additive: all but reversible-heun.
    assertEquals(10, checked);
  }

  @Test
  void solversThatCannotControlTheErrorRefuseATolWithAReason() {
    int refused = 0;
    for (Problem pr : problems()) {
      for (Solver s : Solver.values()) {
        if (!s.accepts(pr.term()) || s.supportsAdaptive(pr.term())) {
          continue;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SdeSolve.of(pr.term()).solver(s)
            .t1(1).controller(PidController.of(1e-3, 1e-3)).y0(1.0).paths(2).brownian(pr.tree()).run());
        String msg = e.getMessage();
        assertTrue(msg.startsWith(s.cliName()) && (msg.contains("adaptive") || msg.contains("fixed steps")), msg);
        refused++;
      }
    }
    // euler and implicit-euler on Ito gbm; reversible-heun on Stratonovich gbm and on the additive OU.
    assertEquals(4, refused);
    String euler = assertThrows(IllegalArgumentException.class,
        () -> Solver.EULER.checkAdaptive(Gbm.ito(0.5, 1.0))).getMessage();
    assertTrue(euler.contains("milstein") && euler.contains("sri") && euler.contains("--dt"), euler);
  }

  /** Heun on non-commutative GENERAL noise has strong order 0.5: refused, as diffrax requires commutative noise. */
  @Test
  void nonCommutativeNoiseRefusesAdaptiveSteps() {
    SdeTerm term = new SdeTerm() {
      public int dim() {
        return 2;
      }

      public NoiseType noiseType() {
        return NoiseType.GENERAL;
      }

      public int noiseDim() {
        return 2;
      }

      public Calculus calculus() {
        return Calculus.STRATONOVICH;
      }

      public void drift(double t, double[] y, double[] out, int n) {
        java.util.Arrays.fill(out, 0, 2 * n, 0.0);
      }

      public void diffusion(double t, double[] y, double[] out, int n) {
        for (int r = 0; r < n; r++) {
          out[4 * r] = 1;
          out[4 * r + 1] = 0;
          out[4 * r + 2] = 0;
          out[4 * r + 3] = y[2 * r];
        }
      }
    };
    assertEquals(0.5, Solver.HEUN.strongOrder(term));
    assertTrue(Solver.HEUN.accepts(term));
    String msg = assertThrows(IllegalArgumentException.class, () -> Solver.HEUN.checkAdaptive(term)).getMessage();
    assertTrue(msg.contains("non-commutative"), msg);
  }
}
