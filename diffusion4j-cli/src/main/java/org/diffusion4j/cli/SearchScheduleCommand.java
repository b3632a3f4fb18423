package org.diffusion4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.ProbabilityFlowReference;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.plan.OfficialBaseline;
import org.diffusion4j.sampler.plan.ScheduleSampler;
import org.diffusion4j.sampler.plan.ScheduleSearch;
import org.diffusion4j.sampler.plan.SolverSchedule;
import org.diffusion4j.sampler.plan.SolverSchedule.Form;
import org.diffusion4j.sampler.v3.Ems;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j search-schedule}: searches a solver schedule (USF) for an NFE budget on pilot noise,
 * writes it as JSON, and optionally evaluates it against the best classic solver on fresh noise.
 */
@Command(name = "search-schedule", mixinStandardHelpOptions = true,
    description = "Search a per-step solver schedule (times, prediction, order, estimator, corrector) for an NFE budget.")
final class SearchScheduleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin FastModelOptions model;

  @Option(names = "--nfe", required = true, description = "Model evaluations (= steps).")
  int nfe;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output plan (JSON).")
  Path out;

  @Option(names = "--ems", paramLabel = "FILE", description = "EMS file from 'd4j ems': adds DPM-Solver-v3 steps.")
  Path ems;

  @Option(names = "--pilots", defaultValue = "256", description = "Pilot noises (default: ${DEFAULT-VALUE}).")
  int pilots;

  @Option(names = "--pilot-seed", defaultValue = "1001", description = "Seed of the pilot noise (default: ${DEFAULT-VALUE}).")
  long pilotSeed;

  @Option(names = "--rounds", defaultValue = "2", description = "Option/time search rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--times-only", paramLabel = "SOLVER",
      description = "Only optimise the time points of a fixed solver: dpm-solver++-2m, dpm-solver++-3m, "
          + "dpm-solver-multistep-3, dpm-solver-v3 (needs --ems).")
  String timesOnly;

  @Option(names = "--evaluate", defaultValue = "0", paramLabel = "N",
      description = "Also evaluate on N fresh noises (seed --seed) against the best classic solver. RMSEs are per"
          + " coordinate, sqrt(mean over samples and coordinates); the per-sample RMSE is sqrt(d) times larger.")
  int evaluate;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the evaluation noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (evaluate > 0 && seed == pilotSeed) {
      throw new UsageException("--seed must differ from --pilot-seed: the plan is evaluated on noise it was not searched on");
    }
    GaussianPath path = model.gaussianPath();
    Denoiser den = model.denoiser();
    Ems statistics = ems == null ? null : Ems.read(ems);
    if (statistics != null && statistics.dim() != den.dim()) {
      throw new UsageException("EMS dimension " + statistics.dim() + " does not match the model's " + den.dim());
    }
    double tStart = model.start(path);
    ScheduleSearch search = new ScheduleSearch(pilots, pilotSeed, rounds, 1e-9);
    ScheduleSearch.Result r;
    double seconds;
    try (ProgressBar bar = ProgressBar.create(spec, "search")) {
      if (timesOnly != null) {
        double[] ts = TimeGrid.create(TimeGrid.Spacing.LOGSNR, path, tStart, model.tEnd, nfe).times();
        r = search.optimizeTimes(fixedSolver(timesOnly, ts, statistics), den, path, statistics, bar);
      } else {
        r = search.search(den, path, nfe, tStart, model.tEnd, statistics, bar);
      }
      seconds = bar.elapsedSeconds();
    }
    r.schedule().write(out);
    PrintWriter o = spec.commandLine().getOut();
    o.printf("pilot RMSE per coordinate (%d pilots, seed %d): start %.4e -> searched %.4e, %d runs, %.1f s -> %s%n", pilots,
        pilotSeed, r.startRmse(), r.pilotRmse(), r.runs(), seconds, out);
    if (evaluate > 0) {
      Batch xT = Noise.standardNormal(seed, evaluate, den.dim());
      xT.scale(path.priorStd(tStart));
      Batch ref = ProbabilityFlowReference.solve(den, path, xT, tStart, model.tEnd, 1e-9).x();
      // The reference: the best official configuration (DPM-Solver(++) single/multistep, UniPC bh1/bh2
      // on logSNR, time-uniform, time-quadratic grids).
      OfficialBaseline.Best best = OfficialBaseline.best(den, path, tStart, model.tEnd, nfe, xT, ref);
      o.printf("  %-40s RMSE/coord %.4e%n", "best official (" + best + ")", best.rmse());
      double mine = new ScheduleSampler(r.schedule(), statistics).sample(den, path, xT).rmsDistance(ref);
      o.printf("  %-40s RMSE/coord %.4e%n", "searched plan", mine);
      o.printf("evaluation (%d noises, seed %d, NFE %d): plan / best official configuration (%s) = %.3f%n", evaluate,
          seed, nfe, best, mine / best.rmse());
    }
    return ExitCodes.OK;
  }

  private static SolverSchedule fixedSolver(String name, double[] ts, Ems statistics) {
    return switch (name) {
      case "dpm-solver++-2m" -> SolverSchedule.multistep(ts, Form.DATA, 2, Estimator.HALF, true);
      case "dpm-solver++-3m" -> SolverSchedule.multistep(ts, Form.DATA, 3, Estimator.HALF, true);
      case "dpm-solver-multistep-3" -> SolverSchedule.multistep(ts, Form.NOISE, 3, Estimator.HALF, true);
      case "dpm-solver-v3" -> {
        if (statistics == null) {
          throw new UsageException("--times-only dpm-solver-v3 needs --ems FILE");
        }
        yield SolverSchedule.multistep(ts, Form.EMS, 2, Estimator.TAYLOR, true);
      }
      default -> throw new UsageException("--times-only supports dpm-solver++-2m, dpm-solver++-3m, "
          + "dpm-solver-multistep-3, dpm-solver-v3; got '" + name + "'");
    };
  }
}
