package org.diffusion4j.interpolant.coupling;

import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Rng;

/** The couplings: independent, paired, exact minibatch OT and entropic (Sinkhorn) minibatch OT. */
public final class Couplings {
  private Couplings() {}

  /**
   * Independent coupling rho0 x rho1: x1 is shuffled by a seeded uniform permutation
   * (Fisher-Yates), so any pairing in the input is broken.
   */
  public static Coupling independent() {
    return (x0, x1, seed) -> {
      requireShapes(x0, x1);
      int[] perm = new int[x1.n()];
      for (int i = 0; i < perm.length; i++) {
        perm[i] = i;
      }
      Rng rng = Rng.of(seed);
      for (int i = perm.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      return new Coupling.Pair(x0.copy(), gather(x1, perm));
    };
  }

  /** Paired data (e.g. image-to-image): row i of x0 stays with row i of x1. */
  public static Coupling paired() {
    return (x0, x1, seed) -> {
      requireShapes(x0, x1);
      return new Coupling.Pair(x0.copy(), x1.copy());
    };
  }

  /**
   * Exact minibatch OT (OT-CFM, Tong et al. 2024, Sec. 3.2): x1 is permuted by the assignment
   * minimising sum_i |x0_i - x1_pi(i)|^2 ({@link Assignment}). Deterministic; the seed is unused.
   */
  public static Coupling exactOt() {
    return (x0, x1, seed) -> {
      requireShapes(x0, x1);
      int[] perm = Assignment.solve(Assignment.squaredEuclidean(x0, x1));
      return new Coupling.Pair(x0.copy(), gather(x1, perm));
    };
  }

  /**
   * Entropic minibatch OT: the Sinkhorn plan for the squared Euclidean cost with regularisation
   * {@code relativeReg} times the mean pairwise cost, from which n index pairs (i, j) are drawn
   * with replacement (as OT-CFM samples its minibatch plan, Tong et al. 2024, Alg. 1).
   */
  public static Coupling sinkhorn(double relativeReg) {
    if (!(relativeReg > 0) || !Double.isFinite(relativeReg)) {
      throw new IllegalArgumentException("sinkhorn relative regularisation must be finite and > 0, got " + relativeReg);
    }
    return (x0, x1, seed) -> {
      requireShapes(x0, x1);
      double[][] c = Assignment.squaredEuclidean(x0, x1);
      int n = c.length;
      double mean = 0;
      for (double[] row : c) {
        for (double v : row) {
          mean += v;
        }
      }
      mean /= (double) n * n;
      Sinkhorn.Plan plan = Sinkhorn.solveUniform(c, relativeReg * Math.max(mean, Double.MIN_NORMAL), 1e-9, 10_000);
      double[] cdf = new double[n * n];
      double acc = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          acc += plan.plan()[i][j];
          cdf[i * n + j] = acc;
        }
      }
      Rng rng = Rng.of(seed);
      int[] rows = new int[n];
      int[] cols = new int[n];
      for (int k = 0; k < n; k++) {
        double u = rng.nextDouble() * acc;
        int idx = java.util.Arrays.binarySearch(cdf, u);
        idx = idx >= 0 ? idx + 1 : -idx - 1;
        idx = Math.min(idx, n * n - 1);
        rows[k] = idx / n;
        cols[k] = idx % n;
      }
      return new Coupling.Pair(gather(x0, rows), gather(x1, cols));
    };
  }

  /** Rows idx[0], idx[1], ... of x as a new batch. */
  static Batch gather(Batch x, int[] idx) {
    int d = x.d();
    Batch out = new Batch(idx.length, d);
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(x.data(), idx[i] * d, out.data(), i * d, d);
    }
    return out;
  }

  private static void requireShapes(Batch x0, Batch x1) {
    if (x0.n() != x1.n() || x0.d() != x1.d()) {
      throw new IllegalArgumentException("coupling needs batches of the same shape, got " + x0 + " and " + x1);
    }
  }
}
