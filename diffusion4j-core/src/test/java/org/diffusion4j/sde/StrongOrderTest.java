package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.diffusion4j.sde.models.Gbm;
import org.diffusion4j.sde.models.OrnsteinUhlenbeck;
import org.junit.jupiter.api.Test;

/**
 * Strong order: mean |y_T - exact_T| over paths on one Brownian tree, at dyadic step sizes (so
 * every solve sees the same path exactly), against the order each solver declares for the term
 * ({@link Solver#strongOrder(SdeTerm)}).
 */
class StrongOrderTest {
  private static final int PATHS = 300;

  private static double[] dts(int from, int to) {
    double[] h = new double[to - from + 1];
    for (int i = 0; i < h.length; i++) {
      h[i] = Math.scalb(1.0, -(from + i));
    }
    return h;
  }

  private static double[] exactGbm(Gbm gbm, BrownianTree tree) {
    return exactGbm(gbm, tree, PATHS);
  }

  private static double[] exactGbm(Gbm gbm, BrownianTree tree, int paths) {
    double[] exact = new double[paths];
    double[] w = new double[1];
    for (int p = 0; p < paths; p++) {
      tree.path(p).increment(0, 1, w, 0);
      exact[p] = gbm.exact(1.0, 1.0, w[0]);
    }
    return exact;
  }

  private static double slope(SdeTerm term, Solver solver, BrownianTree tree, double[] exact, double[] h) {
    int paths = exact.length;
    double[] err = new double[h.length];
    for (int i = 0; i < h.length; i++) {
      SdeSolution s = SdeSolve.of(term).solver(solver).t1(1).dt(h[i]).y0(1.0).paths(paths).brownian(tree).run();
      double sum = 0;
      for (int p = 0; p < paths; p++) {
        sum += Math.abs(s.get(p, 0, 0) - exact[p]);
      }
      err[i] = sum / paths;
    }
    double k = Fits.logLogSlope(h, err);
    System.out.printf("strong order %-16s %-12s slope %.3f errors %s%n", solver.cliName(), term.calculus(), k,
        Arrays.toString(err));
    return k;
  }

  @Test
  void eulerMaruyamaHasOrderHalf() {
    Gbm gbm = new Gbm(0.5, 1.0, 1, Calculus.ITO);
    BrownianTree tree = BrownianTree.of(11, 1, 0, 1);
    assertEquals(Solver.EULER.strongOrder(gbm), slope(gbm, Solver.EULER, tree, exactGbm(gbm, tree), dts(4, 10)), 0.15);
  }

  @Test
  void milsteinItoAndStratonovichHaveOrderOne() {
    Gbm ito = new Gbm(0.5, 1.0, 1, Calculus.ITO);
    BrownianTree tree = BrownianTree.of(12, 1, 0, 1);
    assertEquals(Solver.MILSTEIN.strongOrder(ito), slope(ito, Solver.MILSTEIN, tree, exactGbm(ito, tree), dts(3, 9)), 0.15);
    Gbm strat = new Gbm(0.5, 1.0, 1, Calculus.STRATONOVICH);
    assertEquals(Solver.MILSTEIN.strongOrder(strat), slope(strat, Solver.MILSTEIN, tree, exactGbm(strat, tree), dts(3, 9)), 0.15);
  }

  @Test
  void milsteinWithFiniteDifferenceDerivativeHasOrderOne() {
    Gbm gbm = new Gbm(0.5, 1.0, 1, Calculus.ITO);
    SdeTerm noDerivative = new SdeTerm() {
      public int dim() {
        return 1;
      }

      public NoiseType noiseType() {
        return NoiseType.DIAGONAL;
      }

      public Calculus calculus() {
        return Calculus.ITO;
      }

      public void drift(double t, double[] y, double[] out, int n) {
        gbm.drift(t, y, out, n);
      }

      public void diffusion(double t, double[] y, double[] out, int n) {
        gbm.diffusion(t, y, out, n);
      }
    };
    BrownianTree tree = BrownianTree.of(13, 1, 0, 1);
    assertEquals(Solver.MILSTEIN.strongOrder(noDerivative), slope(noDerivative, Solver.MILSTEIN, tree, exactGbm(gbm, tree), dts(3, 9)), 0.15);
  }

  @Test
  void stochasticHeunHasOrderOneForStratonovich() {
    Gbm strat = new Gbm(0.5, 1.0, 1, Calculus.STRATONOVICH);
    BrownianTree tree = BrownianTree.of(14, 1, 0, 1);
    assertEquals(Solver.HEUN.strongOrder(strat), slope(strat, Solver.HEUN, tree, exactGbm(strat, tree), dts(3, 9)), 0.15);
  }

  @Test
  void sriHasOrderThreeHalves() {
    // 1000 paths: on GBM with sigma = 1 the slope over h = 2^-3..2^-8 is about 1.42 (pre-asymptotic)
    // with a spread of +-0.05 between trees at 300 paths (1.33-1.52 over seeds 11-18), which the
    // 0.15 tolerance does not absorb; at 1000 paths the spread is 1.39-1.47.
    Gbm gbm = new Gbm(0.5, 1.0, 1, Calculus.ITO);
    BrownianTree tree = BrownianTree.of(15, 1, 0, 1);
    assertEquals(Solver.SRI.strongOrder(gbm), slope(gbm, Solver.SRI, tree, exactGbm(gbm, tree, 1000), dts(3, 8)), 0.15);
  }

  /**
   * SRA on the additive-noise OU dY = -a Y dt + b dW. The reference integrates the exact OU
   * transition on a fine dyadic grid of the same tree, with the stochastic convolution
   * int e^{-a(t+d-r)} dW_r = e^{-a d} (dW + a (d dW - I_(1,0))) + O(d^{5/2}).
   */
  @Test
  void sraHasOrderThreeHalvesOnAdditiveNoise() {
    double a = 2.0;
    double b = 1.0;
    OrnsteinUhlenbeck ou = new OrnsteinUhlenbeck(a, 0.0, b, 1);
    BrownianTree tree = BrownianTree.of(16, 1, 0, 1);
    double[] exact = SamePath.ou(tree, PATHS, a, b, 1.0);
    // For a linear drift the leading order-1.5 error terms of SRA1 vanish (they involve f''),
    // and the slope is about 2: require at least the theoretical 1.5.
    double k = slope(ou, Solver.SRA, tree, exact, dts(2, 7));
    org.junit.jupiter.api.Assertions.assertTrue(k > Solver.SRA.strongOrder(ou) - 0.15, "SRA slope on OU " + k);
  }

  /** SRA on the nonlinear additive-noise double well dY = (Y - Y^3) dt + dW; reference: SRA at h = 2^-14. */
  @Test
  void sraHasOrderThreeHalvesOnNonlinearAdditiveNoise() {
    SdeTerm well = new org.diffusion4j.sde.models.DoubleWell(1.0, 1);
    BrownianTree tree = BrownianTree.of(17, 1, 0, 1);
    SdeSolution ref = SdeSolve.of(well).solver(Solver.SRA).t1(1).dt(0x1p-14).y0(1.0).paths(PATHS).brownian(tree).run();
    assertEquals(Solver.SRA.strongOrder(well), slope(well, Solver.SRA, tree, ref.column(0, 0), dts(4, 9)), 0.15);
  }
}
