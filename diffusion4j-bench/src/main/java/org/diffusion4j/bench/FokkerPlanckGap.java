package org.diffusion4j.bench;

import java.io.PrintStream;
import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.metrics.SlicedWasserstein;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.objective.ScoreFokkerPlanckResidual;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;

/**
 * The ODE-SDE gap with and without the score Fokker-Planck penalty (Deveney et al. 2023,
 * "Closing the ODE-SDE gap in score-based diffusion models through the Fokker-Planck equation",
 * Sec. 6-style experiment on a 2-D toy): for each fpWeight, one model is trained with identical
 * seeds (eps objective, VP-linear path, 8 Gaussians); each model is sampled with the
 * probability-flow ODE (Heun) and the reverse SDE (Euler-Maruyama, eta 1) from the same noise;
 * the table reports sliced W1 between the ODE and SDE samples (the gap), each against held-out
 * target samples, the two-sample noise floor, and the measured penalty E|w r|^2/d on x_t.
 *
 * <pre>
 *   java -cp ... org.diffusion4j.bench.FokkerPlanckGap [steps [n [seed [fpWeight...]]]]
 *   java -cp ... org.diffusion4j.bench.FokkerPlanckGap cost [rounds]   # ms per step, plain vs penalty
 * </pre>
 *
 * <p>{@code cost} interleaves blocks of 100 training steps of the same model without and with the
 * penalty (exact, and Hutchinson with 1 probe), so that both see the same machine load.
 */
public final class FokkerPlanckGap {
  private FokkerPlanckGap() {}

  static void cost(int rounds) {
    Dataset train = Toy2d.EIGHT_GAUSSIANS.sample(1, 20000);
    MlpConfig net = MlpConfig.defaults(2).withWidth(128).withDepth(3);
    TrainConfig base = TrainConfig.builder(2).data("8gaussians").network(net).objective(Objective.EPS)
        .path("vp-linear").steps(1_000_000).batch(256).seed(5).build();
    TrainConfig[] cfgs = {base, base.toBuilder().fpWeight(1).build(), base.toBuilder().fpWeight(1).fpProbes(1).build()};
    String[] names = {"plain", "fp exact", "fp hutchinson-1"};
    Trainer[] trainers = new Trainer[cfgs.length];
    double[] ms = new double[cfgs.length];
    try {
      for (int k = 0; k < cfgs.length; k++) {
        trainers[k] = Trainer.create(cfgs[k], train);
        for (int i = 0; i < 50; i++) {
          trainers[k].trainStep(); // warm-up
        }
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < cfgs.length; k++) {
          long t0 = System.nanoTime();
          for (int i = 0; i < 100; i++) {
            trainers[k].trainStep();
          }
          ms[k] += (System.nanoTime() - t0) / 1e6 / 100 / rounds;
        }
      }
    } finally {
      for (Trainer t : trainers) {
        if (t != null) {
          t.close();
        }
      }
    }
    System.out.println("| step (d = 2, width 128, 3 blocks, batch 256) | ms per step | vs plain |");
    System.out.println("|---|---|---|");
    for (int k = 0; k < cfgs.length; k++) {
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.1fx |%n", names[k], ms[k], ms[k] / ms[0]);
    }
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("cost")) {
      cost(args.length > 1 ? Integer.parseInt(args[1]) : 3);
      return;
    }
    long steps = args.length > 0 ? Long.parseLong(args[0]) : 2000;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 5;
    double[] weights = {0, 0.01, 0.1, 1};
    if (args.length > 3) {
      weights = new double[args.length - 3];
      for (int i = 3; i < args.length; i++) {
        weights[i - 3] = Double.parseDouble(args[i]);
      }
    }
    int odeNfe = 200;
    int sdeSteps = 1000;
    PrintStream out = System.out;
    Dataset train = Toy2d.EIGHT_GAUSSIANS.sample(1, 20000);
    Batch held = Toy2d.EIGHT_GAUSSIANS.sample(2, n).data();
    Batch held2 = Toy2d.EIGHT_GAUSSIANS.sample(3, n).data();
    SlicedWasserstein sw = SlicedWasserstein.w1(256, 17);
    double floor = sw.between(held, held2);
    MlpConfig net = MlpConfig.defaults(2).withWidth(128).withDepth(3);
    TrainConfig base = TrainConfig.builder(2).data("8gaussians").network(net).objective(Objective.EPS)
        .path("vp-linear").steps(steps).batch(256).lr(2e-3).warmupSteps(100).seed(seed).build();
    out.printf(Locale.ROOT, "## ODE-SDE gap, 8 Gaussians, eps objective on vp-linear, MLP %dx%d, %d steps, batch %d,"
        + " seed %d (init seed 0); ODE = heun %d NFE, SDE = euler-maruyama %d steps (eta 1), same noise; n = %d,"
        + " SW1 with %d projections%n%n", net.width(), net.depth(), steps, base.batch(), seed, odeNfe, sdeSteps, n,
        sw.projections());
    out.println("| fpWeight | train s | penalty E|w r|^2/d | SW1(ODE, SDE) | SW1(ODE, target) | SW1(SDE, target) | noise floor |");
    out.println("|---|---|---|---|---|---|---|");
    StringBuilder penaltyByTime = new StringBuilder();
    for (double lambda : weights) {
      TrainConfig cfg = base.toBuilder().fpWeight(lambda).build();
      long t0 = System.nanoTime();
      float[][] ema;
      try (Trainer tr = Trainer.create(cfg, train)) {
        while (tr.stepsDone() < cfg.steps()) {
          tr.trainStep();
        }
        ema = tr.emaWeights();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double penalty = ScoreFokkerPlanckResidual.meanPenalty(cfg, ema, held, 23);
      double[] bins = new double[4];
      GaussianPath trainPath = cfg.gaussianPath();
      double lo = new org.diffusion4j.nn.objective.TimeSampler(cfg.timeSampling(), trainPath).lo();
      double hi = new org.diffusion4j.nn.objective.TimeSampler(cfg.timeSampling(), trainPath).hi();
      for (int b = 0; b < 4; b++) {
        bins[b] = ScoreFokkerPlanckResidual.meanPenalty(cfg, ema, held, 29 + b, lo + (hi - lo) * b / 4,
            lo + (hi - lo) * (b + 1) / 4);
      }
      penaltyByTime.append(String.format(Locale.ROOT, "| %s | %.3g | %.3g | %.3g | %.3g |%n", lambda, bins[0],
          bins[1], bins[2], bins[3]));
      Batch ode;
      Batch sde;
      try (NeuralDenoiser model = NeuralDenoiser.of(cfg, ema)) {
        GaussianPath path = model.samplingPath();
        double tStart = Sampling.defaultStart(path);
        Batch noise = Noise.standardNormal(11, n, 2).scale(path.priorStd(tStart));
        ode = Sampling.with(Samplers.create("heun"), model, path).nfe(odeNfe).run(noise.copy()).x();
        sde = Sampling.with(Samplers.create("euler-maruyama"), model, path).steps(sdeSteps).seed(13)
            .run(noise.copy()).x();
      }
      out.printf(Locale.ROOT, "| %s | %.0f | %.4g | %.4f | %.4f | %.4f | %.4f |%n", lambda, secs, penalty,
          sw.between(ode, sde), sw.between(ode, held), sw.between(sde, held), floor);
    }
    out.println();
    out.println("Penalty E|w r|^2/d by quarter of the training time range [t_lo, t_max] (data -> noise):");
    out.println();
    out.println("| fpWeight | 1st quarter | 2nd | 3rd | 4th |");
    out.println("|---|---|---|---|---|");
    out.print(penaltyByTime);
  }
}
