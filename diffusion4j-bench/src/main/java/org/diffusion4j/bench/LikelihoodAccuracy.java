package org.diffusion4j.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.likelihood.DivergenceEstimator;
import org.diffusion4j.likelihood.DormandPrince;
import org.diffusion4j.likelihood.ExactDivergence;
import org.diffusion4j.likelihood.HutchinsonDivergence;
import org.diffusion4j.likelihood.Likelihood;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;

/**
 * Accuracy table of the probability-flow likelihood against the closed-form mixture density
 * log p_eps(x) (path x dimension: max |error| per dimension), and the cost per 1,000 points of
 * the 64-D mixture (NFE, model evaluations, seconds). Run:
 * {@code java -cp diffusion4j-bench/target/classes:$(cat diffusion4j-bench/target/classes.txt)
 * org.diffusion4j.bench.LikelihoodAccuracy [points] [rtol] [cost]}.
 */
public final class LikelihoodAccuracy {
  private LikelihoodAccuracy() {}

  record Row(String path, int d, String divergence, double maxErrPerDim, double meanErrPerDim, double nfePerSolve,
      double modelEvalsPerPoint, double seconds, double cpuSeconds, int points) {}

  /** CPU seconds of this process (all threads): robust to other processes sharing the cores. */
  static double cpuSeconds() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  static Row run(String pathName, Prediction kind, int d, int n, double rtol, DivergenceEstimator div, boolean pathPrior) {
    GaussianMixture g = GaussianMixture.random(4, d, 100 + d);
    GaussianPath path = Paths.create(pathName, Map.of());
    double eps = path.tMin() == 0 && pathName.equals("ve") ? 0 : 1e-5;
    var b = Likelihood.builder(g.denoiser(path, kind), path).eps(eps).solver(new DormandPrince(rtol, rtol))
        .divergence(div);
    if (!pathPrior) {
      b.prior(z -> g.logDensity(path, path.tMax(), z));
    }
    Likelihood lik = b.build();
    Batch x = g.sample(7, n);
    long t0 = System.nanoTime();
    double c0 = cpuSeconds();
    Likelihood.Result r = lik.evaluate(x);
    double sec = (System.nanoTime() - t0) / 1e9;
    double cpu = cpuSeconds() - c0;
    double[] want = g.logDensity(path, eps, x);
    double worst = 0;
    double mean = 0;
    for (int i = 0; i < n; i++) {
      double e = Math.abs(r.logp()[i] - want[i]) / d;
      worst = Math.max(worst, e);
      mean += e / n;
    }
    return new Row(pathName + "/" + kind.cliName() + (pathPrior ? " (path prior)" : ""), d, div.describe(), worst,
        mean, r.nfePerSolve(), r.modelEvaluationsPerPoint(), sec, cpu, n);
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    double rtol = args.length > 1 ? Double.parseDouble(args[1]) : 1e-6;
    System.out.printf(Locale.ROOT, "probability-flow likelihood vs closed form, dopri5 rtol=atol=%g, %d points, %d cores%n",
        rtol, n, Runtime.getRuntime().availableProcessors());
    System.out.println("| path/kind | d | divergence | max err/dim | mean err/dim | NFE per solve | model evals/point "
        + "| wall s | CPU s | wall s per 1000 pts |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    if (args.length > 2 && args[2].equals("cost")) {
      print(run("vp-linear", Prediction.EPSILON, 64, n, rtol, new ExactDivergence(), false));
      print(run("vp-linear", Prediction.EPSILON, 64, n, rtol,
          new HutchinsonDivergence(8, HutchinsonDivergence.Probe.RADEMACHER, 0), false));
      return;
    }
    List<Object[]> cases = List.of(
        new Object[] {"vp-linear", Prediction.EPSILON},
        new Object[] {"ve", Prediction.SCORE},
        new Object[] {"sub-vp", Prediction.X0},
        new Object[] {"cond-ot", Prediction.VELOCITY});
    for (int d : new int[] {2, 64}) {
      for (Object[] c : cases) {
        print(run((String) c[0], (Prediction) c[1], d, n, rtol, new ExactDivergence(), false));
      }
    }
    print(run("vp-linear", Prediction.EPSILON, 64, n, rtol, new ExactDivergence(), true));
    print(run("vp-linear", Prediction.EPSILON, 64, n, rtol,
        new HutchinsonDivergence(8, HutchinsonDivergence.Probe.RADEMACHER, 0), false));
  }

  private static void print(Row r) {
    System.out.printf(Locale.ROOT, "| %s | %d | %s | %.2e | %.2e | %.0f | %.0f | %.2f | %.2f | %.2f |%n", r.path(), r.d(),
        r.divergence(), r.maxErrPerDim(), r.meanErrPerDim(), r.nfePerSolve(), r.modelEvalsPerPoint(), r.seconds(),
        r.cpuSeconds(), r.seconds() * 1000 / r.points());
  }
}
