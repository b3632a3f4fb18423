package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.diffusion4j.array.Parallel;
import org.junit.jupiter.api.Test;

/**
 * The leaf blocks of {@link BrownianTree} (a sweep's queries served from 16 leaves expanded at
 * once): every value they give is bitwise the value of the walk on a fresh path, whatever the
 * query order, for one and several components, on dyadic-aligned and arbitrary intervals.
 */
class BrownianTreeBlockTest {
  /** Trees whose sweeps use blocks: [0, 1] (leaf edges exact) and an interval whose edges round. */
  private static BrownianTree[] trees(int m) {
    return new BrownianTree[] {BrownianTree.forSpacing(21, m, 0, 1, 1e-3), BrownianTree.forSpacing(22, m, 0.3, 2.7, 1.3e-3),
        BrownianTree.of(23, m, -1, 1.7, 2e-3)};
  }

  /** The walk's value at r: a fresh path answers its first query with the walk from the root. */
  private static void fresh(BrownianTree tree, long index, double r, double[] w, double[] q) {
    tree.path(index).value(r, w, q, 0);
  }

  /** Sweep points: a non-dyadic grid of step ~spacing, with some points moved onto leaf edges (dyadic). */
  private static double[] sweep(BrownianTree tree, double spacing, Random rnd) {
    double t0 = tree.t0();
    double t1 = tree.t1();
    int steps = (int) Math.floor((t1 - t0) / spacing);
    double[] ts = new double[steps + 1];
    for (int k = 0; k <= steps; k++) {
      ts[k] = k == steps ? t1 : t0 + k * spacing * (1 + 1e-9);
    }
    double leaf = Math.scalb(t1 - t0, -Math.getExponent((t1 - t0) / spacing) - 1);
    for (int k = 1; k < steps; k += 1 + rnd.nextInt(40)) {
      double edge = t0 + Math.floor((ts[k] - t0) / leaf) * leaf; // a leaf edge on [0, 1]; near one elsewhere
      if (edge > ts[k - 1] && edge < ts[k + 1]) {
        ts[k] = edge;
      }
    }
    return ts;
  }

  private static double spacing(BrownianTree tree) {
    return tree.t1() - tree.t0() > 2 ? 1.3e-3 : tree.t0() < 0 ? 2e-3 : 1e-3;
  }

  @Test
  void sweepIncrementsAreBitwiseTheWalksValues() {
    Random rnd = new Random(5);
    for (int m : new int[] {1, 3}) {
      for (BrownianTree tree : trees(m)) {
        double[] ts = sweep(tree, spacing(tree), rnd);
        for (boolean levy : new boolean[] {false, true}) {
          long index = levy ? 7 : 6;
          BrownianTree.Path path = tree.path(index);
          double[] dw = new double[m];
          double[] iw = new double[m];
          double[] ws = new double[m];
          double[] qs = new double[m];
          double[] wt = new double[m];
          double[] qt = new double[m];
          int served = 0;
          fresh(tree, index, ts[0], ws, qs);
          for (int k = 0; k + 1 < ts.length; k++) {
            double s = ts[k];
            double t = ts[k + 1];
            boolean inBlock = path.leafBlockHolds(t);
            if (levy) {
              path.increment(s, t, dw, iw, 0);
            } else {
              path.increment(s, t, dw, 0);
            }
            served += inBlock || path.leafBlockHolds(t) ? 1 : 0;
            fresh(tree, index, t, wt, qt);
            for (int j = 0; j < m; j++) {
              assertEquals(wt[j] - ws[j], dw[j], 0.0, "dW over [" + s + ", " + t + "] component " + j);
              if (levy) {
                assertEquals(qt[j] - qs[j] - (t - s) * ws[j], iw[j], 0.0, "I over [" + s + ", " + t + "]");
              }
            }
            System.arraycopy(wt, 0, ws, 0, m);
            System.arraycopy(qt, 0, qs, 0, m);
          }
          assertTrue(served > 0.8 * ts.length, "blocks served " + served + " of " + ts.length + " queries");
        }
      }
    }
  }

  /**
   * Forward sweep, backward sweep, shuffled queries and sweeps interleaved with jumps give the
   * same bits at every point, leaf edges (dyadic points) included: a point that ends one node and
   * starts the next has one value whichever side the cache holds.
   */
  @Test
  void valuesDoNotDependOnTheQueryOrder() {
    Random rnd = new Random(6);
    for (int m : new int[] {1, 2}) {
      for (BrownianTree tree : trees(m)) {
        double[] ts = sweep(tree, spacing(tree), rnd);
        int n = ts.length;
        double[][] ref = new double[2][m * n];
        for (int i = 0; i < n; i++) {
          double[] w = new double[m];
          double[] q = new double[m];
          fresh(tree, 4, ts[i], w, q);
          System.arraycopy(w, 0, ref[0], i * m, m);
          System.arraycopy(q, 0, ref[1], i * m, m);
        }
        List<int[]> orders = new ArrayList<>();
        int[] forward = new int[n];
        int[] backward = new int[n];
        for (int i = 0; i < n; i++) {
          forward[i] = i;
          backward[i] = n - 1 - i;
        }
        List<Integer> shuffled = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          shuffled.add(i);
        }
        Collections.shuffle(shuffled, rnd);
        int[] jumps = new int[n]; // runs of 50 sweep points, the runs in random order
        List<Integer> runs = new ArrayList<>();
        for (int r = 0; r * 50 < n; r++) {
          runs.add(r);
        }
        Collections.shuffle(runs, rnd);
        int c = 0;
        for (int r : runs) {
          for (int i = r * 50; i < Math.min(n, r * 50 + 50); i++) {
            jumps[c++] = i;
          }
        }
        orders.add(forward);
        orders.add(backward);
        orders.add(shuffled.stream().mapToInt(Integer::intValue).toArray());
        orders.add(jumps);
        for (int[] order : orders) {
          BrownianTree.Path path = tree.path(4);
          double[] w = new double[m * n];
          double[] q = new double[m * n];
          double[] dw = new double[m];
          double[] iw = new double[m];
          for (int k = 0; k < n; k++) {
            int i = order[k];
            if (k > 0 && (k & 1) == 0) {
              path.increment(ts[order[k - 1]], ts[i], dw, iw, 0); // sweeps move the caches between value queries
            }
            path.value(ts[i], w, q, i * m);
          }
          for (int i = 0; i < m * n; i++) {
            assertEquals(ref[0][i], w[i], 0.0, "W at point " + i / m);
            assertEquals(ref[1][i], q[i], 0.0, "Q at point " + i / m);
          }
        }
      }
    }
  }

  /**
   * Along a sweep on blocks: increments and time integrals add up over consecutive steps
   * (I(s,u) = I(s,t) + I(t,u) + (u - t) W(s,t)), and the space-time Levy area of each step,
   * H = I/h - dW/2, has variance h/12 and no correlation with dW (exact leaves, 1000 steps x 20 paths).
   */
  @Test
  void levyAreaAlongASweepIsConsistentAndExact() {
    BrownianTree tree = BrownianTree.forSpacing(31, 1, 0, 1, 1e-3);
    int steps = 1000;
    int paths = 20;
    double h = 1e-3;
    double[] area = new double[steps * paths];
    double[] w = new double[steps * paths];
    double[] dw = new double[1];
    double[] iw = new double[1];
    for (int p = 0; p < paths; p++) {
      BrownianTree.Path path = tree.path(p);
      for (int k = 0; k < steps; k++) {
        path.increment(k * h, (k + 1) * h, dw, iw, 0);
        w[p * steps + k] = dw[0];
        area[p * steps + k] = iw[0] / h - dw[0] / 2;
        if (k % 2 == 1) {
          // The two steps just taken, as one interval, on a fresh path of the same index.
          double[] dw2 = new double[1];
          double[] iw2 = new double[1];
          tree.path(p).increment((k - 1) * h, (k + 1) * h, dw2, iw2, 0);
          double dwFirst = w[p * steps + k - 1];
          double iwFirst = (area[p * steps + k - 1] + dwFirst / 2) * h;
          assertEquals(dw2[0], dwFirst + dw[0], 1e-12);
          assertEquals(iw2[0], iwFirst + iw[0] + h * dwFirst, 1e-12);
        }
      }
    }
    int n = area.length;
    assertEquals(h / 12, Stats.variance(area), 4 * Math.sqrt(2.0 / n) * h / 12);
    assertEquals(h, Stats.variance(w), 4 * Math.sqrt(2.0 / n) * h);
    assertEquals(0.0, Stats.correlation(area, w), 4 / Math.sqrt(n));
  }

  /** A same-path solve on a spacing tree gives the same bits on one and on two threads. */
  @Test
  void solvesOnBlocksAreIdenticalAtAnyThreadCount() throws Exception {
    BrownianTree tree = BrownianTree.forSpacing(41, 1, 0, 1, 1e-3);
    SdeSolve solve = SdeSolve.of(org.diffusion4j.sde.models.Gbm.ito(0.05, 0.2)).solver(Solver.SRI).t1(1).dt(1e-3).y0(1)
        .paths(64).brownian(tree);
    double[] one = Parallel.withThreads(1, () -> solve.run().values());
    double[] two = Parallel.withThreads(2, () -> solve.run().values());
    for (int i = 0; i < one.length; i++) {
      assertEquals(one[i], two[i], 0.0, "path " + i);
    }
  }

  /** Queries outside [t0, t1] (or NaN) are refused even while a sweep is served from a block. */
  @Test
  void outOfRangeQueriesAfterASweepAreRefused() {
    BrownianTree.Path path = BrownianTree.forSpacing(1, 1, 0, 1, 1e-3).path(0);
    double[] dw = new double[1];
    double[] iw = new double[1];
    for (int k = 0; k < 999; k++) {
      path.increment(k * 1e-3, (k + 1) * 1e-3, dw, iw, 0);
    }
    assertTrue(path.leafBlockHolds(0.999));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> path.increment(0.999, 1.0005, dw, 0));
    assertTrue(e.getMessage().contains("1.0005"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> path.increment(0.999, Double.NaN, dw, iw, 0));
    assertThrows(IllegalArgumentException.class, () -> BrownianTree.forSpacing(1, 1, 0, 1, Double.NaN));
  }
}
