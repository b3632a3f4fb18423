package org.diffusion4j.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** SA-SRRW (Hu et al., ICLR 2024) on a small logistic regression split over 10 agents. */
class SaSrrwTest {
  private static final MarkovChain CHAIN = MarkovChain.simpleRandomWalk(SocialGraphs.barabasiAlbert(10, 2, 3));

  /** 200 rows, two Gaussian features + intercept, sorted by label so that shards are heterogeneous. */
  static LogisticShards problem() {
    Rng rng = Rng.of(5);
    int rows = 200;
    double[][] x = new double[rows][];
    double[] y = new double[rows];
    for (int k = 0; k < rows; k++) {
      y[k] = k < rows / 2 ? 0 : 1;
      x[k] = new double[] {rng.nextGaussian() + (y[k] == 1 ? 1 : -1), rng.nextGaussian(), 1};
    }
    return new LogisticShards(x, y, 10, 0.5);
  }

  @Test
  void gradientsAndHessiansMatchCentralDifferences() {
    LogisticShards f = problem();
    double[] theta = {0.3, -0.7, 0.2};
    double[] g = new double[3];
    double[] gp = new double[3];
    double[] gm = new double[3];
    double h = 1e-6;
    for (int agent : new int[] {0, 4, 9}) {
      f.gradient(agent, theta, g);
      double[][] hess = f.hessian(agent, theta);
      for (int a = 0; a < 3; a++) {
        double[] tp = theta.clone();
        double[] tm = theta.clone();
        tp[a] += h;
        tm[a] -= h;
        assertEquals((f.loss(agent, tp) - f.loss(agent, tm)) / (2 * h), g[a], 1e-8);
        f.gradient(agent, tp, gp);
        f.gradient(agent, tm, gm);
        for (int b = 0; b < 3; b++) {
          assertEquals((gp[b] - gm[b]) / (2 * h), hess[b][a], 1e-8);
        }
      }
    }
  }

  @Test
  void minimiserZeroesTheAverageGradient() {
    LogisticShards f = problem();
    double[] star = f.minimiser();
    double[] mean = new double[3];
    double[] g = new double[3];
    for (int i = 0; i < 10; i++) {
      f.gradient(i, star, g);
      for (int a = 0; a < 3; a++) {
        mean[a] += g[a] / 10;
      }
    }
    for (int a = 0; a < 3; a++) {
      assertEquals(0, mean[a], 1e-12);
    }
    // the importance-weighted increments average to zero under the walk's target as well
    double[][] inc = SaSrrw.increments(f, CHAIN.target(), star);
    double[] mu = CHAIN.target();
    for (int a = 0; a < 3; a++) {
      double s = 0;
      for (int i = 0; i < 10; i++) {
        s += mu[i] * inc[i][a];
      }
      assertEquals(0, s, 1e-12);
    }
  }

  @Test
  void iteratesConvergeToTheMinimiserForEveryWalk() {
    LogisticShards f = problem();
    double[] star = f.minimiser();
    SaSrrw.StepSize beta = new SaSrrw.StepSize(5, 100, 1.0);
    for (TokenWalk walk : new TokenWalk[] {new ChainWalk(CHAIN, 0, 1), new NonBacktrackingWalk(CHAIN.graph(), 0, 1),
        new SelfRepellentWalk(CHAIN, 10, 0.6, 0, 1)}) {
      double[] theta = SaSrrw.run(walk, f, new double[3], beta, 100_000);
      double error = 0;
      for (int a = 0; a < 3; a++) {
        error = Math.max(error, Math.abs(theta[a] - star[a]));
      }
      assertTrue(error < 0.02, walk.getClass().getSimpleName() + " error " + error);
    }
  }

  /**
   * tr Cov(theta_n)/beta_n over 40 seeded runs against the closed form V_theta(alpha): at alpha =
   * 0 within 40% (the estimate's relative spread is about 20%; measured 1.16), and at alpha = 5 below a tenth of
   * the base chain's (theory 3.0%, measured 3.0%).
   */
  @Test
  void iterateCovarianceFallsWithAlphaAsTheoryPredicts() {
    LogisticShards f = problem();
    double[] star = f.minimiser();
    double[][] hessian = f.objectiveHessian(star);
    double[][] inc = SaSrrw.increments(f, CHAIN.target(), star);
    SrrwTheory theory = SrrwTheory.of(CHAIN);
    SaSrrw.StepSize beta = new SaSrrw.StepSize(5, 100, 1.0);
    int runs = 40;
    int steps = 12_000;
    double[] measured = new double[2];
    double[] alphas = {0, 5};
    for (int k = 0; k < 2; k++) {
      double[][] thetas = new double[runs][];
      for (int r = 0; r < runs; r++) {
        thetas[r] = SaSrrw.run(new SelfRepellentWalk(CHAIN, alphas[k], 0.6, 0, 500 + r), f, star, beta, steps);
      }
      measured[k] = SrrwTheory.sampleCovarianceTrace(thetas, null) / beta.at(steps);
    }
    double base = SrrwTheory.trace(SrrwTheory.iterateCovariance(hessian, theory.iterateNoise(0, inc), beta));
    double five = SrrwTheory.trace(SrrwTheory.iterateCovariance(hessian, theory.iterateNoise(5, inc), beta));
    assertEquals(1.0, measured[0] / base, 0.4, "alpha 0: measured " + measured[0] + ", theory " + base);
    assertTrue(five / base < 0.05, "theory ratio " + five / base);
    assertTrue(measured[1] / measured[0] < 0.1, "alpha 5 ratio to base " + measured[1] / measured[0]);
  }

  @Test
  void lyapunovSolutionSatisfiesItsEquation() {
    double[][] a = {{2, 0.5}, {0.5, 1}};
    double[][] u = {{1, 0.3}, {0.3, 2}};
    for (double c : new double[] {0, 0.5}) {
      double[][] v = SrrwTheory.lyapunov(a, u, c);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          double residual = u[i][j] + 2 * c * v[i][j];
          for (int k = 0; k < 2; k++) {
            residual -= a[i][k] * v[k][j] + v[i][k] * a[k][j];
          }
          assertEquals(0, residual, 1e-12);
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> SrrwTheory.lyapunov(new double[][] {{0.2}}, new double[][] {{1}}, 0.5));
  }

  @Test
  void badArgumentsAreRefused() {
    LogisticShards f = problem();
    assertThrows(IllegalArgumentException.class, () -> new SaSrrw.StepSize(1, 1, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new SaSrrw.StepSize(0, 1, 1));
    MarkovChain other = MarkovChain.simpleRandomWalk(SocialGraphs.barabasiAlbert(12, 2, 3));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> SaSrrw.run(new ChainWalk(other, 0, 1), f, new double[3], new SaSrrw.StepSize(1, 1, 1), 10))
        .getMessage().contains("12 nodes"));
    assertThrows(IllegalArgumentException.class, () -> new LogisticShards(new double[][] {{1}}, new double[] {2}, 1, 0));
  }
}
