package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.sde.models.Gbm;
import org.diffusion4j.sde.models.OrnsteinUhlenbeck;
import org.diffusion4j.sde.models.SdeModel;
import org.junit.jupiter.api.Test;

/**
 * Weak errors: Monte Carlo E[y_T], E[y_T^2] against closed forms, with bounds of 4 standard
 * errors from the sample size. Euler's discrete-time moments are known exactly (so the check is
 * sharp), and the bias against the continuous moments is first order in h.
 */
class WeakOrderTest {
  private static final int N = 40_000;

  private static double[] moments(SdeSolution s) {
    double[] y = s.column(0, 0);
    double m1 = 0, m2 = 0, m4 = 0;
    for (double v : y) {
      m1 += v;
      m2 += v * v;
      m4 += v * v * v * v;
    }
    m1 /= y.length;
    m2 /= y.length;
    m4 /= y.length;
    double se1 = Math.sqrt((m2 - m1 * m1) / y.length);
    double se2 = Math.sqrt((m4 - m2 * m2) / y.length);
    return new double[] {m1, m2, se1, se2};
  }

  @Test
  void eulerOnGbmMatchesItsDiscreteMomentsAndTheExactOnes() {
    double mu = 0.5, sigma = 0.4, h = 0.05;
    int n = 20;
    Gbm gbm = Gbm.ito(mu, sigma);
    double[] m = moments(SdeSolve.of(gbm).solver(Solver.EULER).t1(1).dt(h).y0(1).paths(N).seed(21).run());
    // E[Y_{k+1}] = (1 + mu h) E[Y_k], E[Y_{k+1}^2] = ((1 + mu h)^2 + sigma^2 h) E[Y_k^2].
    double d1 = Math.pow(1 + mu * h, n);
    double d2 = Math.pow((1 + mu * h) * (1 + mu * h) + sigma * sigma * h, n);
    assertEquals(d1, m[0], 4 * m[2]);
    assertEquals(d2, m[1], 4 * m[3]);
    SdeModel.Marginal exact = gbm.marginal(1, new double[] {1});
    double e2 = exact.variance() + exact.mean() * exact.mean();
    assertEquals(exact.mean(), m[0], 4 * m[2] + Math.abs(exact.mean() - d1));
    assertEquals(e2, m[1], 4 * m[3] + Math.abs(e2 - d2));
    // Weak order 1: the discrete bias halves with h.
    double half = Math.pow(1 + mu * h / 2, 2 * n);
    double ratio = (exact.mean() - d1) / (exact.mean() - half);
    assertEquals(2.0, ratio, 0.1);
  }

  @Test
  void milsteinAndSriOnGbmMatchExactMoments() {
    Gbm gbm = Gbm.ito(0.5, 0.4);
    SdeModel.Marginal exact = gbm.marginal(1, new double[] {1});
    double e2 = exact.variance() + exact.mean() * exact.mean();
    for (Solver s : new Solver[] {Solver.MILSTEIN, Solver.SRI}) {
      double[] m = moments(SdeSolve.of(gbm).solver(s).t1(1).dt(0.01).y0(1).paths(N).seed(22).run());
      // Weak bias at h = 0.01 is below 0.01 relative (order 1): allow it on top of 4 SE.
      assertEquals(exact.mean(), m[0], 4 * m[2] + 0.01 * exact.mean(), s.cliName());
      assertEquals(e2, m[1], 4 * m[3] + 0.01 * e2, s.cliName());
    }
  }

  @Test
  void ornsteinUhlenbeckMomentsForEulerSraAndMilstein() {
    double theta = 2, mu = 0.5, sigma = 0.7, h = 0.02;
    int n = 50;
    OrnsteinUhlenbeck ou = new OrnsteinUhlenbeck(theta, mu, sigma, 1);
    double[] m = moments(SdeSolve.of(ou).solver(Solver.EULER).t1(1).dt(h).y0(2).paths(N).seed(23).run());
    // Euler recursion: mean' = mu + (1 - theta h)(mean - mu), var' = (1 - theta h)^2 var + sigma^2 h.
    double mean = 2, var = 0;
    for (int k = 0; k < n; k++) {
      mean = mu + (1 - theta * h) * (mean - mu);
      var = (1 - theta * h) * (1 - theta * h) * var + sigma * sigma * h;
    }
    assertEquals(mean, m[0], 4 * m[2]);
    assertEquals(var + mean * mean, m[1], 4 * m[3]);
    SdeModel.Marginal exact = ou.marginal(1, new double[] {2});
    double e2 = exact.variance() + exact.mean() * exact.mean();
    for (Solver s : new Solver[] {Solver.SRA, Solver.MILSTEIN, Solver.HEUN}) {
      double[] ms = moments(SdeSolve.of(ou).solver(s).t1(1).dt(h).y0(2).paths(N).seed(24).run());
      double bias = s == Solver.SRA || s == Solver.HEUN ? 0.002 : 0.05;
      assertEquals(exact.mean(), ms[0], 4 * ms[2] + bias, s.cliName());
      assertEquals(e2, ms[1], 4 * ms[3] + bias, s.cliName());
    }
  }

  /** Drift-implicit Euler stays stable on a stiff OU (theta h = 5, where Euler diverges) with its exact discrete law. */
  @Test
  void implicitEulerIsStableAndMatchesItsDiscreteMoments() {
    double theta = 50, sigma = 1, h = 0.1;
    int n = 10;
    OrnsteinUhlenbeck ou = new OrnsteinUhlenbeck(theta, 0, sigma, 1);
    double[] m = moments(SdeSolve.of(ou).solver(Solver.IMPLICIT_EULER).t1(1).dt(h).y0(3).paths(N).seed(25).run());
    double mean = 3, var = 0;
    for (int k = 0; k < n; k++) {
      mean = mean / (1 + theta * h);
      var = (var + sigma * sigma * h) / ((1 + theta * h) * (1 + theta * h));
    }
    assertEquals(mean, m[0], 4 * m[2] + 1e-12);
    assertEquals(var + mean * mean, m[1], 4 * m[3]);
    double[] explicit = moments(SdeSolve.of(ou).solver(Solver.EULER).t1(1).dt(h).y0(3).paths(100).seed(25).run());
    assertTrue(Math.abs(explicit[0]) > 1e4, "explicit Euler should diverge here");
  }

  /** Nonlinear drift: implicit Euler on the double well converges to the same mean as a fine explicit solve. */
  @Test
  void implicitEulerOnNonlinearDrift() {
    SdeTerm well = new org.diffusion4j.sde.models.DoubleWell(0.5, 1);
    BrownianTree tree = BrownianTree.of(26, 1, 0, 1);
    SdeSolution ref = SdeSolve.of(well).solver(Solver.SRA).t1(1).dt(0x1p-10).y0(0.3).paths(200).brownian(tree).run();
    double[] err = new double[3];
    double[] hs = {0x1p-4, 0x1p-6, 0x1p-8};
    for (int i = 0; i < 3; i++) {
      SdeSolution s = SdeSolve.of(well).solver(Solver.IMPLICIT_EULER).t1(1).dt(hs[i]).y0(0.3).paths(200).brownian(tree).run();
      for (int p = 0; p < 200; p++) {
        err[i] += Math.abs(s.get(p, 0, 0) - ref.get(p, 0, 0)) / 200;
      }
    }
    // Additive noise: strong order 1.
    assertEquals(1.0, Fits.logLogSlope(hs, err), 0.2);
  }

  /** General (correlated 2 x 2) noise: Heston's E[S_t] = S_0 e^{mu t}, and the CIR variance factor's mean. */
  @Test
  void hestonWithGeneralNoiseMatchesItsMeans() {
    org.diffusion4j.sde.models.Heston heston = new org.diffusion4j.sde.models.Heston(0.1, 2.0, 0.04, 0.3, -0.7);
    SdeSolution s = SdeSolve.of(heston).solver(Solver.EULER).t1(1).dt(0.01).y0(1.0, 0.04).paths(N).seed(27).run();
    double[] m = moments(s);
    assertEquals(Math.exp(0.1), m[0], 4 * m[2]);
    // v is CIR with v0 = theta: E[v_t] = theta (full truncation adds a bias far below the bound here).
    double[] v = s.column(0, 1);
    double se = Math.sqrt(Stats.variance(v) / v.length);
    assertEquals(0.04, Stats.mean(v), 4 * se + 5e-4);
  }

  @Test
  void coxIngersollRossMeanAndVarianceWithMilstein() {
    org.diffusion4j.sde.models.CoxIngersollRoss cir = new org.diffusion4j.sde.models.CoxIngersollRoss(2.0, 0.1, 0.3);
    double[] y = SdeSolve.of(cir).solver(Solver.MILSTEIN).t1(1).dt(0.005).y0(0.05).paths(N).seed(28).run().column(0, 0);
    SdeModel.Marginal exact = cir.marginal(1, new double[] {0.05});
    double var = Stats.variance(y);
    assertEquals(exact.mean(), Stats.mean(y), 4 * Math.sqrt(var / y.length) + 1e-3);
    assertEquals(exact.variance(), var, 4 * var * Math.sqrt(2.0 / y.length) + 0.05 * exact.variance());
  }
}
