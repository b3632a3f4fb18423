package org.diffusion4j.bench;

import java.util.Locale;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.sde.BrownianPath;
import org.diffusion4j.sde.BrownianTree;
import org.diffusion4j.sde.CounterNormal;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.Solver;
import org.diffusion4j.sde.models.Gbm;

/**
 * Throughput of the SDE engine, in path-steps per second, best of {@code reps} runs (the first
 * run is a warm-up and is not counted), for the tables of docs/sde.md. On a shared machine the
 * wall clock depends on the load, so each rate is printed twice: per wall-clock second and per
 * CPU second of this process (divide by the thread count for a per-core rate; CPU time includes
 * the JIT and GC threads, so it slightly understates the rate):
 *
 * <ul>
 *   <li>{@code gbm}: GBM dY = 0.05 Y dt + 0.2 Y dW with Euler-Maruyama, {@code paths} x {@code steps}
 *       on [0, 1], printed beside the normal-draw bound: the same number of standard normals
 *       drawn from the same per-path streams with no SDE arithmetic (two cores cannot beat it);</li>
 *   <li>{@code tree}: a {@link BrownianTree} on [0, 1] with leaf tolerance {@code --tol} (default
 *       2^-24, the tree's own default; {@code --tol 1e-3} is {@code forSpacing(1e-3)}) queried left
 *       to right at dt = 1/steps (non-dyadic for steps = 1000), increments only and with the time
 *       integral, beside the tree before the issue-24 speed work ({@code BrownianTreeBefore});</li>
 *   <li>{@code solvers}: every solver on GBM (additive OU for sra) with fixed steps;</li>
 *   <li>{@code weak}: weak errors |E[y_h^2] - E[y^2]| on GBM (mu 0.5, sigma 0.4) at h = 2^-2..2^-6,
 *       each path compared with the exact solution on the same Brownian-tree path, so that the
 *       Monte Carlo noise of the two means cancels and {@code paths} paths resolve the bias;
 *       prints the errors and the log-log slope (the weak order).</li>
 * </ul>
 *
 * <pre>
 *   java -cp diffusion4j-core/target/classes:diffusion4j-bench/target/classes \
 *       org.diffusion4j.bench.SdeEngineBench gbm --threads 1,2 --paths 100000 --steps 10000
 * </pre>
 */
public final class SdeEngineBench {
  private SdeEngineBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "gbm";
    int[] threads = {1, 2};
    int paths = 100_000;
    int steps = 10_000;
    int reps = 2;
    double tol = 0x1p-24;
    int block = 0;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--threads":
          String[] t = args[i + 1].split(",");
          threads = new int[t.length];
          for (int k = 0; k < t.length; k++) {
            threads[k] = Integer.parseInt(t[k]);
          }
          break;
        case "--paths":
          paths = Integer.parseInt(args[i + 1]);
          break;
        case "--steps":
          steps = Integer.parseInt(args[i + 1]);
          break;
        case "--block":
          block = Integer.parseInt(args[i + 1]);
          break;
        case "--tol":
          tol = Double.parseDouble(args[i + 1]);
          break;
        case "--reps":
          reps = Integer.parseInt(args[i + 1]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "# %s, %d paths x %d steps, %d cores, load average %.2f%n", mode, paths, steps,
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    for (int th : threads) {
      switch (mode) {
        case "gbm":
          int rows = block;
          double gbm = best(reps, th, paths, steps, (p, n) -> gbm(p, n, rows));
          String gbmCpu = cpu();
          double bound = best(reps, th, paths, steps, SdeEngineBench::normals);
          System.out.printf(Locale.ROOT, "gbm-euler threads %d: %.3e path-steps/s%s; normal-draw bound %.3e draws/s%s (%.0f%% of it)%n",
              th, gbm, gbmCpu, bound, cpu(), 100 * gbm / bound);
          break;
        case "tree":
          // The tree before the issue-24 speed work (bench.baseline.BrownianTreeBefore) and now, interleaved
          // (before, now, before, now) so that both see the same load; best of the rounds per CPU-second.
          double leaf = tol;
          double[] cpuBest = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
              Double.POSITIVE_INFINITY};
          for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 4; k++) {
              boolean before = k % 2 == 0;
              boolean integral = k >= 2;
              best(reps, th, paths, steps, (p, s) -> tree(p, s, leaf, integral, before));
              cpuBest[k] = Math.min(cpuBest[k], 1 / cpuRate);
            }
          }
          System.out.printf(Locale.ROOT, "tree tol %.3g threads %d, per CPU-second: increments %.3e before, %.3e now"
              + " (x%.2f); with time integral %.3e before, %.3e now (x%.2f)%n", tol, th, 1 / cpuBest[0],
              1 / cpuBest[1], cpuBest[0] / cpuBest[1], 1 / cpuBest[2], 1 / cpuBest[3], cpuBest[2] / cpuBest[3]);
          break;
        case "weak":
          weak(paths);
          return;
        case "solvers":
          for (Solver s : Solver.values()) {
            double rate = best(reps, th, paths, steps, (p, n) -> solver(s, p, n));
            System.out.printf(Locale.ROOT, "%s threads %d: %.3e path-steps/s%s%n", s.cliName(), th, rate, cpu());
          }
          break;
        default:
          throw new IllegalArgumentException("mode must be gbm, tree or solvers, got " + mode);
      }
    }
  }

  private static void weak(int paths) {
    double[] hs = {0x1p-2, 0x1p-3, 0x1p-4, 0x1p-5, 0x1p-6};
    for (Solver s : new Solver[] {Solver.EULER, Solver.MILSTEIN, Solver.HEUN, Solver.SRI}) {
      Gbm gbm = new Gbm(0.5, 0.4, 1, s == Solver.HEUN ? org.diffusion4j.sde.Calculus.STRATONOVICH : org.diffusion4j.sde.Calculus.ITO);
      BrownianTree tree = BrownianTree.of(77, 1, 0, 1);
      double[] exact2 = new double[paths];
      double[] w = new double[1];
      for (int p = 0; p < paths; p++) {
        tree.path(p).increment(0, 1, w, 0);
        double e = gbm.exact(1, 1, w[0]);
        exact2[p] = e * e;
      }
      double[] err = new double[hs.length];
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < hs.length; i++) {
        double[] y = SdeSolve.of(gbm).solver(s).t1(1).dt(hs[i]).y0(1).paths(paths).brownian(tree).run().values();
        double diff = 0;
        for (int p = 0; p < paths; p++) {
          diff += (y[p] * y[p] - exact2[p]) / paths;
        }
        err[i] = Math.abs(diff);
        line.append(String.format(Locale.ROOT, " %.2e", err[i]));
      }
      double sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (int i = 0; i < hs.length; i++) {
        double x = Math.log(hs[i]);
        double yv = Math.log(err[i]);
        sx += x;
        sy += yv;
        sxx += x * x;
        sxy += x * yv;
      }
      int n = hs.length;
      double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
      System.out.printf(Locale.ROOT, "weak %s: errors%s, slope %.2f (declared %.1f)%n", s.cliName(), line, slope, s.weakOrder());
    }
  }

  private interface Work {
    void run(int paths, int steps) throws Exception;
  }

  private static long seed;

  /** Last measurement's rate per CPU second (all threads of the process). */
  private static double cpuRate;

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double best(int reps, int threads, int paths, int steps, Work w) throws Exception {
    double bestSeconds = Double.POSITIVE_INFINITY;
    double bestCpu = Double.POSITIVE_INFINITY;
    for (int r = 0; r <= reps; r++) {
      long t0 = System.nanoTime();
      long c0 = cpuNanos();
      Parallel.withThreads(threads, () -> {
        w.run(paths, steps);
        return null;
      });
      double s = (System.nanoTime() - t0) / 1e9;
      double c = (cpuNanos() - c0) / 1e9;
      if (r > 0) {
        bestSeconds = Math.min(bestSeconds, s);
        bestCpu = Math.min(bestCpu, c);
      }
    }
    cpuRate = (double) paths * steps / bestCpu;
    return (double) paths * steps / bestSeconds;
  }

  private static String cpu() {
    return String.format(Locale.ROOT, " [%.3e per CPU-second]", cpuRate);
  }

  private static volatile double sink;

  private static void gbm(int paths, int steps, int block) {
    SdeSolve solve = SdeSolve.of(Gbm.ito(0.05, 0.2)).solver(Solver.EULER).t1(1).dt(1.0 / steps).y0(1).paths(paths).seed(seed++);
    if (block > 0) {
      solve.blockRows(block);
    }
    sink += solve.run().values()[0];
  }

  private static void solver(Solver s, int paths, int steps) {
    var term = s == Solver.SRA ? new org.diffusion4j.sde.models.OrnsteinUhlenbeck(1, 0, 0.2, 1)
        : new Gbm(0.05, 0.2, 1, s.calculus() == null ? org.diffusion4j.sde.Calculus.ITO : s.calculus());
    sink += SdeSolve.of(term).solver(s).t1(1).dt(1.0 / steps).y0(1).paths(paths).seed(seed++).run().values()[0];
  }

  /**
   * The normals the Euler run draws (BrownianIncrements: counter-based stream per path, one
   * normal per step, two per hash: CounterNormal.normal32), summed, with no SDE arithmetic.
   */
  private static void normals(int paths, int steps) {
    double[] sums = new double[paths];
    long s = seed++;
    Parallel.forRows(paths, 64, (from, to) -> {
      for (int p = from; p < to; p++) {
        long key = CounterNormal.mix(s + 0x9E3779B97F4A7C15L * (p + 1));
        double acc = 0;
        for (int k = 0; k + 1 < steps; k += 2) {
          long h = CounterNormal.pairHash(key, k >>> 1);
          acc += CounterNormal.low(h) + CounterNormal.high(h);
        }
        if ((steps & 1) == 1) {
          acc += CounterNormal.normal32(key, steps - 1);
        }
        sums[p] = acc;
      }
    });
    sink += sums[0];
  }

  private static void tree(int paths, int steps, double tol, boolean integral, boolean before) {
    org.diffusion4j.sde.BrownianSource tree = before
        ? org.diffusion4j.bench.baseline.BrownianTreeBefore.of(seed++, 1, 0, 1, tol) : BrownianTree.of(seed++, 1, 0, 1, tol);
    double dt = 1.0 / steps;
    double[] sums = new double[paths];
    Parallel.forRows(paths, 16, (from, to) -> {
      double[] dw = new double[1];
      double[] iw = new double[1];
      for (int p = from; p < to; p++) {
        BrownianPath path = tree.path(p);
        double acc = 0;
        for (int k = 0; k < steps; k++) {
          double b = k + 1 == steps ? 1.0 : (k + 1) * dt;
          if (integral) {
            path.increment(k * dt, b, dw, iw, 0);
            acc += iw[0];
          } else {
            path.increment(k * dt, b, dw, 0);
          }
          acc += dw[0];
        }
        sums[p] = acc;
      }
    });
    sink += sums[0];
  }
}
