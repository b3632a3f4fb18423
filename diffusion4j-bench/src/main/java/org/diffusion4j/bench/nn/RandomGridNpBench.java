package org.diffusion4j.bench.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.diffusion4j.nn.pde.RandomGridNp;
import org.diffusion4j.nn.pde.RandomGridNpConfig;
import org.diffusion4j.pde.ParametricPde;
import org.diffusion4j.pde.RandomGrid;
import org.diffusion4j.random.Rng;

/**
 * The tables of docs/random-grid-np.md: the random-grid neural process against the fixed-grid
 * physics-informed baseline of the same size (same network, cell-centre grid every step), for each
 * training grid size: relative L2 error against the in-tree finite-difference solver on held-out
 * parameters (input on cell centres, on random grids, on a fine grid), train and predict time, the
 * coverage of the predictive 95% band, and an inverse problem (noisy off-grid observations).
 *
 * <pre>
 *   java ... RandomGridNpBench [problem=poisson|burgers] [iterations=3000] [grids=16,32,64] [outDir|-] [observations=4]
 * </pre>
 */
public final class RandomGridNpBench {
  private RandomGridNpBench() {}

  public static void main(String[] args) throws IOException {
    Locale.setDefault(Locale.ROOT);
    String problem = args.length > 0 ? args[0] : "poisson";
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    String[] sizes = (args.length > 2 ? args[2] : "16,32,64").split(",");
    Path outDir = args.length > 3 && !args[3].equals("-") ? Path.of(args[3]) : null;
    RandomGridNpConfig base = RandomGridNpConfig.defaults(problem).withIterations(iterations);
    if (args.length > 4) {
      base = base.withObservations(Integer.parseInt(args[4]));
    }
    ParametricPde family = base.problem().family();
    int tests = 32;
    double[][] thetas = new double[tests][];
    for (int i = 0; i < tests; i++) {
      thetas[i] = family.sampleParameters(Rng.of(9999).stream(i));
    }
    double[][] q = evaluationPoints(family);
    System.out.println("config: " + base);
    System.out.println("| grid | model | params | train s (wall) | train s (CPU) | predict ms (CPU) | rel L2 (cell centres) | rel L2 (random grid) "
        + "| rel L2 (256 pts) | band coverage | inverse rel L2 | inverse coverage |");
    for (String s : sizes) {
      int n = Integer.parseInt(s.trim());
      for (boolean fixed : new boolean[] {false, true}) {
        RandomGridNpConfig cfg = base.withGrid(n, fixed);
        long cpu0 = processCpuNanos();
        RandomGridNp np = RandomGridNp.train(cfg, null);
        double trainCpu = (processCpuNanos() - cpu0) / 1e9;
        if (outDir != null) {
          np.save(outDir.resolve(problem + "-" + (fixed ? "fixed" : "random") + "-" + n));
        }
        double[] centres = RandomGrid.cellCentres(n, family.lower(), family.upper());
        double errCentres = np.relativeError(thetas, centres, q[0], q[1]);
        double errRandom = 0;
        for (int r = 0; r < 4; r++) {
          errRandom += np.relativeError(thetas, RandomGrid.stratified(Rng.of(77).stream(r), n, family.lower(), family.upper()),
              q[0], q[1]) / 4;
        }
        double errFine = np.relativeError(thetas, RandomGrid.cellCentres(256, family.lower(), family.upper()), q[0], q[1]);
        // predict time: one problem, input on the n-point grid, 101 query points, latent mean
        double[] one = family.inputFunction(thetas[0], centres);
        for (int warm = 0; warm < 20; warm++) {
          np.predict(centres, one, q[0], q[1], 1, warm);
        }
        long t0 = processCpuNanos();
        int reps = 200;
        for (int r = 0; r < reps; r++) {
          np.predict(centres, one, q[0], q[1], 1, r);
        }
        double predictMs = (processCpuNanos() - t0) / 1e6 / reps;
        double coverage = coverage(np, family, thetas, n, q);
        double[] inverse = inverse(np, family, thetas, q);
        System.out.printf("| %d | %s | %d | %.1f | %.1f | %.2f | %.4f | %.4f | %.4f | %.3f | %.4f | %.3f |%n", n,
            fixed ? "fixed grid" : "random grid", np.parameterCount(), np.summary().seconds(), trainCpu, predictMs, errCentres,
            errRandom, errFine, coverage, inverse[0], inverse[1]);
      }
    }
  }

  /** CPU time of the whole process (all threads): less sensitive than wall time to other load on the machine. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Poisson: 101 points on [0, 1]; Burgers: 51 points at each of t = T/4, T/2, 3T/4, T. */
  static double[][] evaluationPoints(ParametricPde family) {
    if (!family.timeDependent()) {
      double[] x = new double[101];
      for (int i = 0; i < x.length; i++) {
        x[i] = i / 100.0;
      }
      return new double[][] {x, null};
    }
    double[] x = new double[4 * 51];
    double[] t = new double[x.length];
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < 51; i++) {
        x[k * 51 + i] = i / 50.0;
        t[k * 51 + i] = family.endTime() * (k + 1) / 4;
      }
    }
    return new double[][] {x, t};
  }

  /** Fraction of reference values inside the 95% band (4 random grids x 50 latent draws), first 8 test problems. */
  static double coverage(RandomGridNp np, ParametricPde family, double[][] thetas, int n, double[][] q) {
    int inside = 0;
    int total = 0;
    for (int i = 0; i < 8; i++) {
      RandomGridNp.Prediction p = np.predictParameters(thetas[i], n, 4, 50, q[0], q[1], i);
      double[] ref = family.reference(thetas[i], q[0], q[1]);
      for (int j = 0; j < ref.length; j++) {
        if (family.timeDependent() || (q[0][j] > 0 && q[0][j] < 1)) {
          total++;
          if (ref[j] >= p.lower()[j] && ref[j] <= p.upper()[j]) {
            inside++;
          }
        }
      }
    }
    return inside / (double) total;
  }

  /**
   * Inverse problem on the first 8 test problems: 8 observations at random off-grid points
   * (Burgers: at t = T) with noise std 0.02 max|u|; returns {mean relative L2 error of the
   * posterior mean solution at the evaluation points, coverage of the 95% band}.
   */
  static double[] inverse(RandomGridNp np, ParametricPde family, double[][] thetas, double[][] q) {
    double err = 0;
    int inside = 0;
    int total = 0;
    for (int i = 0; i < 8; i++) {
      Rng rng = Rng.of(555).stream(i);
      double[] ox = RandomGrid.uniform(rng, 8, family.lower(), family.upper());
      double[] ot = null;
      if (family.timeDependent()) {
        ot = new double[8];
        java.util.Arrays.fill(ot, family.endTime());
      }
      double[] truth = family.reference(thetas[i], ox, ot);
      double scale = 0;
      for (double v : family.reference(thetas[i], q[0], q[1])) {
        scale = Math.max(scale, Math.abs(v));
      }
      double noise = 0.02 * scale;
      double[] y = new double[8];
      for (int k = 0; k < 8; k++) {
        y[k] = truth[k] + noise * rng.nextGaussian();
      }
      RandomGridNp.Inverse inv = np.inverse(ox, ot, y, noise, 64, 200, q[0], q[1], i);
      double[] ref = family.reference(thetas[i], q[0], q[1]);
      double num = 0;
      double den = 0;
      for (int j = 0; j < ref.length; j++) {
        double m = inv.solution().mean()[j];
        num += (m - ref[j]) * (m - ref[j]);
        den += ref[j] * ref[j];
        if (family.timeDependent() || (q[0][j] > 0 && q[0][j] < 1)) {
          total++;
          if (ref[j] >= inv.solution().lower()[j] && ref[j] <= inv.solution().upper()[j]) {
            inside++;
          }
        }
      }
      err += Math.sqrt(num / den) / 8;
    }
    return new double[] {err, inside / (double) total};
  }
}
