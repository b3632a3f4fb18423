package org.diffusion4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import org.diffusion4j.graph.EdgeLists;
import org.diffusion4j.io.Idx;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.metrics.SymmetricEigen;
import org.diffusion4j.walk.Adjacency;
import org.diffusion4j.walk.ChainWalk;
import org.diffusion4j.walk.LogisticShards;
import org.diffusion4j.walk.MarkovChain;
import org.diffusion4j.walk.NonBacktrackingWalk;
import org.diffusion4j.walk.SaSrrw;
import org.diffusion4j.walk.SelfRepellentWalk;
import org.diffusion4j.walk.SocialGraphs;
import org.diffusion4j.walk.SrrwTheory;
import org.diffusion4j.walk.TokenWalk;

/**
 * SA-SRRW against the base chain and the non-backtracking walk on an MNIST logistic regression
 * (two digits, 7x7-average-pooled pixels + intercept, rows sorted by label and dealt to the agents
 * in blocks, so that shards are heterogeneous), on generated and shared graphs. Prints markdown
 * tables: (1) sampling, n tr Cov(x_n) for gamma_n = 1/(n+1) against Doshi et al.'s V_X(alpha);
 * (2) optimisation, tr Cov(theta_n)/beta_n (spread around the runs' mean) and the mean squared
 * error / beta_n, against V_theta(alpha) (Hu et al. case (i), gamma_n = (n+1)^-0.6, beta_n =
 * s/(n + n0)). Run:
 * {@code java -cp diffusion4j-core/target/classes:diffusion4j-bench/target/classes
 * org.diffusion4j.bench.SrrwBench /work/shared/data [runs] [steps]}.
 */
public final class SrrwBench {
  private static final double[] ALPHAS = {1, 5, 10, 20};
  private static final double GAMMA_EXPONENT = 0.6;

  private SrrwBench() {}

  public static void main(String[] args) throws IOException {
    Path data = Path.of(args.length > 0 ? args[0] : "/work/shared/data");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
    int[] digits = {4, 9};
    double[][][] xy = mnistPair(data.resolve("mnist10k"), digits[0], digits[1], 7);
    List<String> names = new ArrayList<>();
    List<Adjacency> graphs = new ArrayList<>();
    names.add("Barabasi-Albert n=50 m=2");
    graphs.add(SocialGraphs.barabasiAlbert(50, 2, 1));
    names.add("Watts-Strogatz n=50 k=4 p=0.1");
    graphs.add(SocialGraphs.wattsStrogatz(50, 4, 0.1, 1).largestComponent());
    Adjacency community = Adjacency.of(EdgeLists.read(data.resolve("graphs/community_small/test.txt")).get(0)).largestComponent();
    names.add("community_small test #0 (" + community.nodes() + " nodes)");
    graphs.add(community);
    Adjacency ego = Adjacency.of(EdgeLists.read(data.resolve("graphs/ego_small/test.txt")).get(0)).largestComponent();
    names.add("ego_small test #0 (" + ego.nodes() + " nodes)");
    graphs.add(ego);
    System.out.printf(Locale.ROOT, "MNIST %d vs %d: %d rows, %d features; runs %d, steps %d%n", digits[0], digits[1],
        xy[0].length, xy[0][0].length, runs, steps);
    for (int g = 0; g < graphs.size(); g++) {
      long t0 = System.nanoTime();
      Adjacency graph = graphs.get(g);
      MarkovChain chain = MarkovChain.simpleRandomWalk(graph);
      SrrwTheory theory = SrrwTheory.of(chain);
      System.out.printf(Locale.ROOT, "%n### %s: %d edges, base chain = simple random walk%n%n", names.get(g), graph.edges());
      sampling(chain, theory, graph, runs * 4, steps / 2);
      optimisation(chain, theory, graph, new LogisticShards(xy[0], xy[1][0], graph.nodes(), 0.1), runs, steps);
      System.out.printf(Locale.ROOT, "%n(%.0f s)%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  static void sampling(MarkovChain chain, SrrwTheory theory, Adjacency graph, int runs, int steps) {
    System.out.println("Sampling: n tr Cov(x_n), gamma_n = 1/(n+1)\n");
    System.out.println("| walk | measured | theory | ratio to base, measured | ratio to base, theory |");
    System.out.println("|---|---|---|---|---|");
    double base = SrrwTheory.trace(theory.samplingCovariance(0));
    double baseMeasured = samplingTrace(seed -> new ChainWalk(chain, 0, seed), runs, steps);
    row("simple random walk", baseMeasured, base, baseMeasured, base);
    double nbrw = samplingTrace(seed -> new NonBacktrackingWalk(graph, 0, seed), runs, steps);
    row("non-backtracking", nbrw, Double.NaN, baseMeasured, base);
    for (double alpha : ALPHAS) {
      double m = samplingTrace(seed -> new SelfRepellentWalk(chain, alpha, 0, seed), runs, steps);
      row("SRRW alpha=" + (int) alpha, m, SrrwTheory.trace(theory.samplingCovariance(alpha)), baseMeasured, base);
    }
  }

  static double samplingTrace(LongFunction<TokenWalk> walks, int runs, int steps) {
    double[][] xs = new double[runs][];
    for (int r = 0; r < runs; r++) {
      xs[r] = TokenWalk.visitFrequencies(walks.apply(1000 + r), steps);
    }
    return steps * SrrwTheory.sampleCovarianceTrace(xs, null);
  }

  static void optimisation(MarkovChain chain, SrrwTheory theory, Adjacency graph, LogisticShards f, int runs, int steps) {
    double[] star = f.minimiser();
    double[][] hessian = f.objectiveHessian(star);
    double[] eig = SymmetricEigen.of(hessian).values();
    double[][] inc = SaSrrw.increments(f, chain.target(), star);
    double scale = 2 / eig[0];
    double maxWeight = 0;
    double[] mu = chain.target();
    for (double m : mu) {
      maxWeight = Math.max(maxWeight, 1 / (mu.length * m));
    }
    SaSrrw.StepSize beta = new SaSrrw.StepSize(scale, Math.max(100, 2 * scale * eig[eig.length - 1] * maxWeight), 1.0);
    System.out.printf(Locale.ROOT, "%nOptimisation: theta* accuracy %.4f, Hessian eigenvalues [%.3g, %.3g], beta_n = %.3g/(n + %.0f),"
        + " gamma_n = (n+1)^-%.1f%n%n", f.accuracy(star), eig[0], eig[eig.length - 1], beta.scale(), beta.offset(), GAMMA_EXPONENT);
    System.out.println("| walk | tr Cov/beta_n measured | theory | ratio to base, measured | ratio to base, theory | MSE/beta_n |");
    System.out.println("|---|---|---|---|---|---|");
    double base = SrrwTheory.trace(SrrwTheory.iterateCovariance(hessian, theory.iterateNoise(0, inc), beta));
    double[] baseMeasured = iterateTrace(seed -> new ChainWalk(chain, 0, seed), f, star, beta, runs, steps);
    optimisationRow("simple random walk", baseMeasured, base, baseMeasured[0], base);
    optimisationRow("non-backtracking", iterateTrace(seed -> new NonBacktrackingWalk(graph, 0, seed), f, star, beta, runs, steps),
        Double.NaN, baseMeasured[0], base);
    for (double alpha : ALPHAS) {
      double[] m = iterateTrace(seed -> new SelfRepellentWalk(chain, alpha, GAMMA_EXPONENT, 0, seed), f, star, beta, runs, steps);
      optimisationRow("SRRW alpha=" + (int) alpha, m,
          SrrwTheory.trace(SrrwTheory.iterateCovariance(hessian, theory.iterateNoise(alpha, inc), beta)), baseMeasured[0], base);
    }
  }

  /** {tr Cov(theta_n)/beta_n, mean |theta_n - theta*|^2 / beta_n} over seeded runs started at theta*. */
  static double[] iterateTrace(LongFunction<TokenWalk> walks, LogisticShards f, double[] star, SaSrrw.StepSize beta, int runs,
      int steps) {
    double[][] thetas = new double[runs][];
    for (int r = 0; r < runs; r++) {
      thetas[r] = SaSrrw.run(walks.apply(500 + r), f, star, beta, steps);
    }
    return new double[] {SrrwTheory.sampleCovarianceTrace(thetas, null) / beta.at(steps), SrrwTheory.sampleCovarianceTrace(thetas, star) / beta.at(steps)};
  }

  static void row(String walk, double measured, double theory, double baseMeasured, double base) {
    System.out.printf(Locale.ROOT, "| %s | %.4g | %s | %.4f | %s |%n", walk, measured, Double.isNaN(theory) ? "-" : String.format(Locale.ROOT, "%.4g", theory),
        measured / baseMeasured, Double.isNaN(theory) ? "-" : String.format(Locale.ROOT, "%.4f", theory / base));
  }

  static void optimisationRow(String walk, double[] measured, double theory, double baseMeasured, double base) {
    System.out.printf(Locale.ROOT, "| %s | %.4g | %s | %.4f | %s | %.4g |%n", walk, measured[0],
        Double.isNaN(theory) ? "-" : String.format(Locale.ROOT, "%.4g", theory), measured[0] / baseMeasured,
        Double.isNaN(theory) ? "-" : String.format(Locale.ROOT, "%.4f", theory / base), measured[1]);
  }

  /**
   * Rows of the two digits from the MNIST IDX files (read through core io), pixels / 255
   * average-pooled in pool x pool blocks, plus a constant 1; sorted by label (digit a first, label
   * 0). Returns {features, {labels}}.
   */
  static double[][][] mnistPair(Path dir, int a, int b, int pool) throws IOException {
    NdArray images = Idx.read(dir.resolve("images-idx3-ubyte.gz"));
    NdArray labels = Idx.read(dir.resolve("labels-idx1-ubyte.gz"));
    int n = (int) images.dim(0);
    int side = (int) images.dim(1);
    int cells = side / pool;
    double[] pixels = images.data();
    List<double[]> rows = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int digit : new int[] {a, b}) {
      for (int k = 0; k < n; k++) {
        if ((int) labels.flat(k) != digit) {
          continue;
        }
        double[] x = new double[cells * cells + 1];
        for (int r = 0; r < cells * pool; r++) {
          for (int c = 0; c < cells * pool; c++) {
            x[(r / pool) * cells + c / pool] += pixels[k * side * side + r * side + c] / (255.0 * pool * pool);
          }
        }
        x[cells * cells] = 1;
        rows.add(x);
        ys.add(digit == a ? 0.0 : 1.0);
      }
    }
    double[] y = new double[ys.size()];
    for (int k = 0; k < y.length; k++) {
      y[k] = ys.get(k);
    }
    return new double[][][] {rows.toArray(new double[0][]), {y}};
  }
}
