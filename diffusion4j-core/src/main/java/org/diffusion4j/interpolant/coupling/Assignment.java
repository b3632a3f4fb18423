package org.diffusion4j.interpolant.coupling;

import java.util.Arrays;
import org.diffusion4j.array.Batch;

/**
 * Exact linear assignment: the permutation pi minimising sum_i C[i][pi(i)] for a square cost
 * matrix, by the shortest-augmenting-path Hungarian method with dual potentials (Kuhn 1955;
 * Munkres 1957; in the O(n^3) form of Jonker &amp; Volgenant 1987, without their heuristics).
 * With squared Euclidean costs this is the exact minibatch optimal-transport plan of OT-CFM
 * (Tong et al. 2024, "Improving and generalizing flow-based generative models with minibatch
 * optimal transport", Sec. 3.2, Eq. 15 with W2 cost).
 */
public final class Assignment {
  private Assignment() {}

  /**
   * The optimal assignment of the square {@code cost} matrix: {@code result[i]} is the column
   * given to row i. Costs must be finite.
   */
  public static int[] solve(double[][] cost) {
    int n = cost.length;
    for (int i = 0; i < n; i++) {
      if (cost[i].length != n) {
        throw new IllegalArgumentException("cost matrix must be square: row " + i + " has " + cost[i].length
            + " entries, expected " + n);
      }
      for (int j = 0; j < n; j++) {
        if (!Double.isFinite(cost[i][j])) {
          throw new IllegalArgumentException("cost[" + i + "][" + j + "] = " + cost[i][j] + " is not finite");
        }
      }
    }
    // 1-based arrays; column 0 is a virtual column holding the row being inserted.
    double[] u = new double[n + 1];
    double[] v = new double[n + 1];
    int[] rowOf = new int[n + 1];
    int[] way = new int[n + 1];
    double[] minSlack = new double[n + 1];
    boolean[] used = new boolean[n + 1];
    for (int i = 1; i <= n; i++) {
      rowOf[0] = i;
      int j0 = 0;
      Arrays.fill(minSlack, Double.POSITIVE_INFINITY);
      Arrays.fill(used, false);
      // Dijkstra-like growth of the alternating tree until a free column is reached.
      do {
        used[j0] = true;
        int i0 = rowOf[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= n; j++) {
          if (!used[j]) {
            double reduced = cost[i0 - 1][j - 1] - u[i0] - v[j];
            if (reduced < minSlack[j]) {
              minSlack[j] = reduced;
              way[j] = j0;
            }
            if (minSlack[j] < delta) {
              delta = minSlack[j];
              j1 = j;
            }
          }
        }
        // Dual update keeps reduced costs >= 0 and tight on the tree.
        for (int j = 0; j <= n; j++) {
          if (used[j]) {
            u[rowOf[j]] += delta;
            v[j] -= delta;
          } else {
            minSlack[j] -= delta;
          }
        }
        j0 = j1;
      } while (rowOf[j0] != 0);
      // Augment along the alternating path back to the virtual column.
      do {
        int j1 = way[j0];
        rowOf[j0] = rowOf[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] colOfRow = new int[n];
    for (int j = 1; j <= n; j++) {
      colOfRow[rowOf[j] - 1] = j - 1;
    }
    return colOfRow;
  }

  /** Total cost sum_i C[i][perm[i]]. */
  public static double cost(double[][] cost, int[] perm) {
    double s = 0;
    for (int i = 0; i < perm.length; i++) {
      s += cost[i][perm[i]];
    }
    return s;
  }

  /** C[i][j] = |a_i - b_j|^2 between the rows of two batches of the same dimension. */
  public static double[][] squaredEuclidean(Batch a, Batch b) {
    if (a.d() != b.d()) {
      throw new IllegalArgumentException("batches have dimensions " + a.d() + " and " + b.d());
    }
    int d = a.d();
    double[] x = a.data();
    double[] y = b.data();
    double[][] c = new double[a.n()][b.n()];
    for (int i = 0; i < a.n(); i++) {
      for (int j = 0; j < b.n(); j++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          double e = x[i * d + k] - y[j * d + k];
          s += e * e;
        }
        c[i][j] = s;
      }
    }
    return c;
  }
}
