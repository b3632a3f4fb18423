package org.diffusion4j.interpolant.coupling;

/**
 * Entropic optimal transport by Sinkhorn iterations in the log domain (Cuturi 2013, "Sinkhorn
 * Distances", Eq. 2 and Alg. 1; log-domain stabilisation as in Peyre &amp; Cuturi 2019,
 * "Computational Optimal Transport", Remark 4.23 / Eq. 4.43). The plan is
 * P_ij = exp((f_i + g_j - C_ij) / reg) with potentials updated alternately as
 * f_i = reg log a_i - reg LSE_j((g_j - C_ij)/reg) and g_j = reg log b_j - reg LSE_i((f_i - C_ij)/reg),
 * so no exp(-C/reg) kernel ever under- or overflows, even for reg much smaller than the costs.
 * It is the entropic minibatch coupling of OT-CFM (Tong et al. 2024, Sec. 3.2).
 */
public final class Sinkhorn {
  /**
   * A transport plan.
   *
   * @param plan P_ij (rows sum to a, columns to b up to {@code marginalError})
   * @param iterations Sinkhorn sweeps used
   * @param marginalError L1 error of the row marginal at exit (columns are exact after each sweep)
   */
  public record Plan(double[][] plan, int iterations, double marginalError) {
    /** Transport cost sum_ij P_ij C_ij. */
    public double cost(double[][] cost) {
      double s = 0;
      for (int i = 0; i < plan.length; i++) {
        for (int j = 0; j < plan[i].length; j++) {
          s += plan[i][j] * cost[i][j];
        }
      }
      return s;
    }
  }

  private Sinkhorn() {}

  /**
   * Solves entropic OT between marginals {@code a} (length n, positive, summing to 1) and
   * {@code b} (length m) for cost matrix C (n x m) with regularisation {@code reg} &gt; 0, until
   * the L1 marginal error is below {@code tol} or {@code maxIterations} sweeps.
   */
  public static Plan solve(double[][] cost, double[] a, double[] b, double reg, double tol, int maxIterations) {
    int n = a.length;
    int m = b.length;
    if (!(reg > 0) || !Double.isFinite(reg)) {
      throw new IllegalArgumentException("sinkhorn regularisation must be finite and > 0, got " + reg);
    }
    if (!(tol > 0) || maxIterations < 1) {
      throw new IllegalArgumentException("sinkhorn needs tol > 0 and maxIterations >= 1, got " + tol + ", " + maxIterations);
    }
    if (cost.length != n) {
      throw new IllegalArgumentException("cost has " + cost.length + " rows but a has " + n + " entries");
    }
    checkMarginal("a", a);
    checkMarginal("b", b);
    double[] logA = new double[n];
    double[] logB = new double[m];
    for (int i = 0; i < n; i++) {
      if (cost[i].length != m) {
        throw new IllegalArgumentException("cost row " + i + " has " + cost[i].length + " entries, expected " + m);
      }
      logA[i] = Math.log(a[i]);
    }
    for (int j = 0; j < m; j++) {
      logB[j] = Math.log(b[j]);
    }
    double[] f = new double[n];
    double[] g = new double[m];
    double[] buf = new double[Math.max(n, m)];
    double err = Double.POSITIVE_INFINITY;
    int it = 0;
    // Epsilon scaling (Schmitzer 2019, "Stabilized sparse scaling algorithms for entropy
    // regularized transport problems", Sec. 3.2): plain Sinkhorn contracts at a rate that degrades
    // like exp(-max C / reg), so we anneal reg from the cost scale down to the target, warm-starting
    // the potentials; each stage but the last stops at a loose tolerance.
    double maxCost = 0;
    for (double[] row : cost) {
      for (double c : row) {
        maxCost = Math.max(maxCost, Math.abs(c));
      }
    }
    double stageReg = Math.max(reg, maxCost);
    while (it < maxIterations) {
      boolean last = stageReg <= reg;
      double stageTol = last ? tol : Math.max(tol, 1e-3);
      err = Double.POSITIVE_INFINITY;
      while (it < maxIterations && err > stageTol) {
        it++;
        err = sweep(cost, logA, logB, f, g, buf, a, stageReg);
      }
      if (last) {
        break;
      }
      stageReg = Math.max(reg, 0.5 * stageReg);
    }
    double[][] plan = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        plan[i][j] = Math.exp((f[i] + g[j] - cost[i][j]) / reg);
      }
    }
    return new Plan(plan, it, err);
  }

  /** One f-then-g sweep at regularisation reg; returns the L1 error of the row marginal. */
  private static double sweep(double[][] cost, double[] logA, double[] logB, double[] f, double[] g,
      double[] buf, double[] a, double reg) {
    int n = f.length;
    int m = g.length;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        buf[j] = (g[j] - cost[i][j]) / reg;
      }
      f[i] = reg * (logA[i] - logSumExp(buf, m));
    }
    for (int j = 0; j < m; j++) {
      for (int i = 0; i < n; i++) {
        buf[i] = (f[i] - cost[i][j]) / reg;
      }
      g[j] = reg * (logB[j] - logSumExp(buf, n));
    }
    double err = 0;
    for (int i = 0; i < n; i++) {
      double row = 0;
      for (int j = 0; j < m; j++) {
        row += Math.exp((f[i] + g[j] - cost[i][j]) / reg);
      }
      err += Math.abs(row - a[i]);
    }
    return err;
  }

  /** Uniform marginals 1/n and 1/m. */
  public static Plan solveUniform(double[][] cost, double reg, double tol, int maxIterations) {
    int n = cost.length;
    int m = n == 0 ? 0 : cost[0].length;
    double[] a = new double[n];
    double[] b = new double[m];
    java.util.Arrays.fill(a, 1.0 / n);
    java.util.Arrays.fill(b, 1.0 / m);
    return solve(cost, a, b, reg, tol, maxIterations);
  }

  private static void checkMarginal(String name, double[] p) {
    if (p.length == 0) {
      throw new IllegalArgumentException("marginal " + name + " is empty");
    }
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] > 0) || !Double.isFinite(p[i])) {
        throw new IllegalArgumentException("marginal " + name + "[" + i + "] = " + p[i] + " must be positive");
      }
      s += p[i];
    }
    if (Math.abs(s - 1) > 1e-9) {
      throw new IllegalArgumentException("marginal " + name + " sums to " + s + ", expected 1");
    }
  }

  private static double logSumExp(double[] x, int len) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < len; i++) {
      max = Math.max(max, x[i]);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double s = 0;
    for (int i = 0; i < len; i++) {
      s += Math.exp(x[i] - max);
    }
    return max + Math.log(s);
  }
}
