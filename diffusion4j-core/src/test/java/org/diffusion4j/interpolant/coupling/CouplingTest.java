package org.diffusion4j.interpolant.coupling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class CouplingTest {
  /** Brute force: the minimum of sum_i C[i][pi(i)] over all n! permutations (Heap's algorithm). */
  static double bruteForce(double[][] c) {
    int n = c.length;
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    double best = Assignment.cost(c, p);
    int[] k = new int[n];
    int i = 1;
    while (i < n) {
      if (k[i] < i) {
        int a = i % 2 == 0 ? 0 : k[i];
        int tmp = p[a];
        p[a] = p[i];
        p[i] = tmp;
        best = Math.min(best, Assignment.cost(c, p));
        k[i]++;
        i = 1;
      } else {
        k[i] = 0;
        i++;
      }
    }
    return best;
  }

  @Test
  void assignmentIsOptimalOnRandomSmallCases() {
    for (int n = 1; n <= 8; n++) {
      for (int rep = 0; rep < 6; rep++) {
        long seed = 100L * n + rep;
        double[][] c;
        if (rep < 3) {
          c = Assignment.squaredEuclidean(Noise.standardNormal(seed, n, 3), Noise.standardNormal(seed + 7, n, 3));
        } else {
          // General (non-metric) costs, including ties from small integers.
          Rng r = Rng.of(seed);
          c = new double[n][n];
          for (double[] row : c) {
            for (int j = 0; j < n; j++) {
              row[j] = rep == 3 ? r.nextInt(4) : r.nextGaussian() * 10;
            }
          }
        }
        int[] perm = Assignment.solve(c);
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        for (int j = 0; j < n; j++) {
          assertEquals(j, sorted[j], "not a permutation");
        }
        assertEquals(bruteForce(c), Assignment.cost(c, perm), 1e-9, "n=" + n + " rep=" + rep);
      }
    }
  }

  /** Random costs: exact marginals at every reg, transport cost >= the optimum and falling with reg. */
  @Test
  void sinkhornHasTheRightMarginalsAndItsCostFallsWithReg() {
    int n = 7;
    double[][] c = Assignment.squaredEuclidean(Noise.standardNormal(3, n, 2), Noise.standardNormal(4, n, 2));
    double exact = Assignment.cost(c, Assignment.solve(c)) / n;
    double previousGap = Double.POSITIVE_INFINITY;
    for (double reg : new double[] {3, 1, 0.5, 0.25}) {
      Sinkhorn.Plan plan = Sinkhorn.solveUniform(c, reg, 1e-9, 300_000);
      assertMarginals(plan, n, 1e-9);
      double gap = plan.cost(c) - exact;
      assertTrue(gap >= -1e-9, "entropic plan cannot beat the exact optimum, gap " + gap);
      assertTrue(gap < previousGap, "gap must shrink with reg: " + gap + " after " + previousGap);
      previousGap = gap;
    }
  }

  /**
   * With a unique optimum (x1 a permutation of x0 plus small noise) the entropic plan converges
   * to the assignment's permutation matrix / n as reg -> 0 (Cuturi 2013, Sec. 3; Peyre &amp;
   * Cuturi 2019, Prop. 4.1).
   */
  @Test
  void sinkhornApproachesTheExactAssignment() {
    int n = 8;
    Batch x0 = Noise.standardNormal(3, n, 2);
    int[] shuffle = {3, 0, 7, 5, 1, 6, 2, 4};
    Batch x1 = Couplings.gather(x0, shuffle).addScaled(0.05, Noise.standardNormal(9, n, 2));
    double[][] c = Assignment.squaredEuclidean(x0, x1);
    int[] perm = Assignment.solve(c);
    double exact = Assignment.cost(c, perm) / n;
    double previous = Double.POSITIVE_INFINITY;
    double l1 = Double.NaN;
    for (double reg : new double[] {1, 0.1, 0.01, 0.001}) {
      Sinkhorn.Plan plan = Sinkhorn.solveUniform(c, reg, 1e-9, 300_000);
      assertMarginals(plan, n, 1e-9);
      l1 = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          l1 += Math.abs(plan.plan()[i][j] - (perm[i] == j ? 1.0 / n : 0));
        }
      }
      assertTrue(l1 < previous, "reg " + reg + ": distance to the permutation " + l1 + " after " + previous);
      assertTrue(plan.cost(c) >= exact - 1e-12);
      previous = l1;
    }
    assertTrue(l1 < 1e-6, "plan at reg 1e-3 is " + l1 + " (L1) from the permutation");
  }

  static void assertMarginals(Sinkhorn.Plan plan, int n, double tol) {
    assertTrue(plan.marginalError() <= tol, "marginal error " + plan.marginalError() + " after " + plan.iterations());
    for (int i = 0; i < n; i++) {
      double row = 0;
      double col = 0;
      for (int j = 0; j < n; j++) {
        row += plan.plan()[i][j];
        col += plan.plan()[j][i];
      }
      assertEquals(1.0 / n, row, tol);
      assertEquals(1.0 / n, col, tol);
    }
  }

  @Test
  void couplings() {
    int n = 64;
    Batch x0 = Noise.standardNormal(1, n, 2);
    Batch x1 = Noise.standardNormal(2, n, 2);
    double ot = meanSquared(Couplings.exactOt().couple(x0, x1, 0));
    double indep = meanSquared(Couplings.independent().couple(x0, x1, 5));
    double paired = meanSquared(Couplings.paired().couple(x0, x1, 5));
    double sink = meanSquared(Couplings.sinkhorn(0.01).couple(x0, x1, 5));
    assertTrue(ot < 0.5 * indep, "ot " + ot + " vs independent " + indep);
    assertTrue(ot <= paired + 1e-12);
    assertTrue(sink < 0.5 * indep, "sinkhorn " + sink);
    // Independent shuffles but keeps the multiset of x1 rows; paired keeps the order.
    Coupling.Pair p = Couplings.independent().couple(x0, x1, 5);
    assertArrayEquals(x0.data(), p.x0().data());
    assertArrayEquals(sortedRows(x1), sortedRows(p.x1()));
    assertArrayEquals(p.x1().data(), Couplings.independent().couple(x0, x1, 5).x1().data());
    assertThrows(IllegalArgumentException.class, () -> Couplings.exactOt().couple(x0, new Batch(3, 2), 0));
    assertThrows(IllegalArgumentException.class, () -> Assignment.solve(new double[][] {{0, Double.NaN}, {1, 1}}));
    assertThrows(IllegalArgumentException.class, () -> Sinkhorn.solveUniform(new double[][] {{0}}, 0, 1e-9, 10));
  }

  static double meanSquared(Coupling.Pair p) {
    return p.x0().rmsDistance(p.x1());
  }

  static double[] sortedRows(Batch b) {
    double[] keys = new double[b.n()];
    for (int i = 0; i < b.n(); i++) {
      keys[i] = b.get(i, 0) * 1e3 + b.get(i, 1);
    }
    Arrays.sort(keys);
    return keys;
  }
}
