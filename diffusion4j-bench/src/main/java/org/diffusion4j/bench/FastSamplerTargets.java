package org.diffusion4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.ProbabilityFlowReference;
import org.diffusion4j.sampler.SamplerOptions;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.plan.BenchmarkMixtures;
import org.diffusion4j.sampler.plan.OfficialBaseline;
import org.diffusion4j.sampler.plan.ScheduleSampler;
import org.diffusion4j.sampler.plan.ScheduleSearch;

/**
 * The fast-sampler targets of issue 24 (docs/fast-samplers.md): on each mixture and NFE, the RMSE
 * (per coordinate, against the Dormand-Prince PF-ODE solution from the same noise) of
 * <ul>
 *   <li>every official configuration: DPM-Solver and DPM-Solver++ singlestep (2, 3; DPM-Solver-fast
 *       order mix and the official step placement) and multistep (2, 3 with the official D2
 *       weighting), UniPC bh1/bh2 orders 2-3, each on the official grids logSNR, time-uniform and
 *       time-quadratic, with the official lower-order-final rules — the best of them is the
 *       reference;</li>
 *   <li>d4j's best fixed solver on the logSNR grid;</li>
 *   <li>the searched plan ({@link ScheduleSearch}: pilots of seed 1001, evaluated on noise of seed 1).</li>
 * </ul>
 * Mode {@code grids}: the RMSE of the default solvers on each grid family per path and NFE,
 * relative to the best family (the data behind {@code Sampling}'s default grid).
 * Run: {@code java -cp diffusion4j-bench/target/classes:$(cat diffusion4j-bench/target/classes.txt)
 * org.diffusion4j.bench.FastSamplerTargets targets|grids [mixture,...] [pilots] [nfe,...] [rounds]}.
 */
public final class FastSamplerTargets {
  private FastSamplerTargets() {}

  static final String[] D4J = {"dpm-solver++-2m", "dpm-solver++-3m", "dpm-solver-multistep-3", "unipc-bh1-3",
      "unipc-bh2-3", "dpm-solver-3", "dpm-solver++-3s"};

  /**
   * Mixtures by name: the two bundled ones the search was developed on (ring8-2d, gmm64-12) and
   * held-out ones made here that neither the search's design nor its pilots saw.
   */
  static GaussianMixture mixture(String name) {
    return switch (name) {
      case "ring8-2d", "gmm64-12" -> BenchmarkMixtures.bundled(name);
      case "ring9-2d" -> ring(9, 2.2, 0.03, 0.015);
      case "ring5-2d" -> ring(5, 1.5, 0.02, 0.04);
      case "gmm2-6" -> GaussianMixture.random(6, 2, 9003);
      case "gmm8-6" -> GaussianMixture.random(6, 8, 9001);
      case "gmm64-12b" -> GaussianMixture.random(12, 64, 9002);
      default -> throw new IllegalArgumentException("unknown mixture " + name);
    };
  }

  /** A mixture's model, n evaluation noises (seed 1, scaled to the prior at t0) and their PF-ODE solution at t1. */
  record Problem(Denoiser model, Batch xT, Batch ref) {
    static Problem of(String mixture, GaussianPath path, double t0, double t1, int n) {
      GaussianMixture g = mixture(mixture);
      Denoiser model = g.denoiser(path, Prediction.EPSILON);
      Batch xT = Noise.standardNormal(1, n, g.dim());
      xT.scale(path.priorStd(t0));
      return new Problem(model, xT, ProbabilityFlowReference.solve(model, path, xT, t0, t1, 1e-9).x());
    }
  }

  /** k components on a circle of radius r, alternating weights 1, 2 and anisotropic variances. */
  static GaussianMixture ring(int k, double r, double v1, double v2) {
    double[] w = new double[k];
    double[][] mu = new double[k][];
    double[][] var = new double[k][];
    for (int i = 0; i < k; i++) {
      double a = 2 * Math.PI * i / k + 0.3;
      w[i] = i % 2 == 0 ? 1 : 2;
      mu[i] = new double[] {r * Math.cos(a), r * Math.sin(a)};
      var[i] = i % 2 == 0 ? new double[] {v1, v2} : new double[] {v2, v1};
    }
    return new GaussianMixture(w, mu, var);
  }

  static double rmse(String solver, SamplerOptions o, Denoiser model, GaussianPath path, TimeGrid.Spacing sp,
      double t0, double t1, int nfe, Batch xT, Batch ref) {
    return OfficialBaseline.rmse(solver, o, sp, model, path, t0, t1, nfe, xT, ref);
  }

  public static void main(String[] args) {
    String mode = args.length > 0 ? args[0] : "targets";
    String[] mixtures = (args.length > 1 ? args[1] : "ring9-2d,gmm2-6,gmm8-6,gmm64-12b").split(",");
    if (mode.equals("grids")) {
      // grids: the third argument, if given, is a comma list of paths (default: all five).
      grids(mixtures, args.length > 2 ? args[2].split(",") : new String[] {"vp-linear", "vp-cosine", "ve", "edm", "cond-ot"});
      return;
    }
    int pilots = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    int[] nfes = args.length > 3 ? java.util.Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {5, 10};
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    if (mode.equals("options")) {
      options(mixtures);
      return;
    }
    GaussianPath path = Paths.create("vp-linear", Map.of());
    double t0 = 1;
    double t1 = 1e-3;
    System.out.println("| mixture | NFE | best official (config) | d4j best fixed, logSNR | searched plan | plan / official"
        + " | d4j fixed / official | search s |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String name : mixtures) {
      Problem pb = Problem.of(name, path, t0, t1, 1024);
      Denoiser model = pb.model();
      Batch xT = pb.xT();
      Batch ref = pb.ref();
      for (int nfe : nfes) {
        OfficialBaseline.Best off = OfficialBaseline.best(model, path, t0, t1, nfe, xT, ref);
        double bestOff = off.rmse();
        String bestOffName = off.toString();
        double bestD4j = Double.POSITIVE_INFINITY;
        String bestD4jName = "";
        for (String s : D4J) {
          double e = rmse(s, SamplerOptions.defaults(), model, path, TimeGrid.Spacing.LOGSNR, t0, t1, nfe, xT, ref);
          if (e < bestD4j) {
            bestD4j = e;
            bestD4jName = s;
          }
        }
        long start = System.nanoTime();
        ScheduleSearch.Result r = new ScheduleSearch(pilots, 1001, rounds, 1e-9).search(model, path, nfe, t0, t1, null, null);
        double sec = (System.nanoTime() - start) / 1e9;
        double plan = new ScheduleSampler(r.schedule(), null).sample(model, path, xT).rmsDistance(ref);
        System.out.printf(Locale.ROOT, "| %s | %d | %.3e (%s) | %.3e (%s) | %.3e | **%.2f** | %.2f | %.0f |%n", name,
            nfe, bestOff, bestOffName, bestD4j, bestD4jName, plan, plan / bestOff, bestD4j / bestOff, sec);
        System.err.println(name + " NFE " + nfe + " pilot rmse " + r.pilotRmse() + " start " + r.startRmse() + " runs "
            + r.runs() + " plan: " + r.schedule().toJson().replace("\n", " "));
      }
    }
  }

  /**
   * The two parity options on vp-linear, t 1 -> 1e-3, 1024 noises of seed 1: RMSE of the
   * multistep solvers under each lower-order-final rule, and of the singlestep solvers with the
   * official and the earlier (lambda-fraction) placement of steps and inner points.
   */
  static void options(String[] mixtures) {
    GaussianPath path = Paths.create("vp-linear", Map.of());
    org.diffusion4j.sampler.LowerOrderFinal[] rules = {org.diffusion4j.sampler.LowerOrderFinal.NEVER,
        org.diffusion4j.sampler.LowerOrderFinal.DPM_SOLVER, org.diffusion4j.sampler.LowerOrderFinal.DIFFUSERS,
        org.diffusion4j.sampler.LowerOrderFinal.ALWAYS};
    System.out.println("| mixture | solver | NFE | never | below:10 | below:15 | always |");
    System.out.println("|---|---|---|---|---|---|---|");
    List<String> single = new ArrayList<>();
    for (String name : mixtures) {
      GaussianMixture g = mixture(name);
      Denoiser model = g.denoiser(path, Prediction.EPSILON);
      Batch xT = Noise.standardNormal(1, 1024, g.dim());
      Batch ref = ProbabilityFlowReference.solve(model, path, xT, 1, 1e-3, 1e-9).x();
      for (String s : new String[] {"dpm-solver++-2m", "dpm-solver++-3m", "unipc-bh2-3"}) {
        for (int nfe : new int[] {5, 8, 10, 12, 20}) {
          List<String> cells = new ArrayList<>();
          for (org.diffusion4j.sampler.LowerOrderFinal r : rules) {
            cells.add(String.format(Locale.ROOT, "%.3e", rmse(s, SamplerOptions.builder().lowerOrderFinal(r).build(),
                model, path, TimeGrid.Spacing.LOGSNR, 1, 1e-3, nfe, xT, ref)));
          }
          System.out.println("| " + name + " | " + s + " | " + nfe + " | " + String.join(" | ", cells) + " |");
        }
      }
      for (String s : new String[] {"dpm-solver-2", "dpm-solver-3", "dpm-solver++-2s", "dpm-solver++-3s"}) {
        for (TimeGrid.Spacing sp : new TimeGrid.Spacing[] {TimeGrid.Spacing.UNIFORM_T, TimeGrid.Spacing.TIME_QUADRATIC,
            TimeGrid.Spacing.KARRAS}) {
          for (int nfe : new int[] {5, 10, 20}) {
            double off = rmse(s, SamplerOptions.defaults(), model, path, sp, 1, 1e-3, nfe, xT, ref);
            double lam = rmse(s, SamplerOptions.builder().singlestepPoints(
                org.diffusion4j.sampler.DpmSolverSinglestep.InnerPoints.LAMBDA_FRACTIONS).build(), model, path, sp, 1,
                1e-3, nfe, xT, ref);
            single.add(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.3e | %.3e | %.2f |", name, s, sp.cliName(),
                nfe, off, lam, lam / off));
          }
        }
      }
    }
    System.out.println();
    System.out.println("| mixture | solver | grid | NFE | official placement | lambda fractions | lambda / official |");
    System.out.println("|---|---|---|---|---|---|---|");
    single.forEach(System.out::println);
  }

  /** RMSE of the default solver per grid family, relative to its best family, per path and NFE. */
  static void grids(String[] mixtures, String[] paths) {
    String[] solvers = {"dpm-solver++-2m", "unipc-bh2-3"};
    System.out.println("| path | NFE | solver | logsnr | uniform | time-quadratic | karras | (ratio to the best family,"
        + " worst over mixtures " + String.join(", ", mixtures) + ") |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String p : paths) {
      GaussianPath path = Paths.create(p, Map.of());
      double t0 = Sampling.defaultStart(path);
      double t1 = Sampling.defaultEnd(path);
      for (int nfe : new int[] {5, 10, 20}) {
        for (String s : solvers) {
          double[] worst = new double[TimeGrid.Spacing.values().length];
          for (String name : mixtures) {
            Problem pb = Problem.of(name, path, t0, t1, 512);
            Denoiser model = pb.model();
            Batch xT = pb.xT();
            Batch ref = pb.ref();
            double[] e = new double[worst.length];
            double best = Double.POSITIVE_INFINITY;
            for (TimeGrid.Spacing sp : TimeGrid.Spacing.values()) {
              e[sp.ordinal()] = rmse(s, SamplerOptions.defaults(), model, path, sp, t0, t1, nfe, xT, ref);
              best = Math.min(best, e[sp.ordinal()]);
            }
            for (int k = 0; k < e.length; k++) {
              worst[k] = Math.max(worst[k], e[k] / best);
            }
          }
          List<String> cells = new ArrayList<>();
          for (double w : worst) {
            cells.add(String.format(Locale.ROOT, "%.2f", w));
          }
          System.out.println("| " + p + " | " + nfe + " | " + s + " | " + String.join(" | ", cells) + " | |");
        }
      }
    }
  }
}
