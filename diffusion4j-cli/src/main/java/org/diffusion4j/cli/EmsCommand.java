package org.diffusion4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.v3.Ems;
import org.diffusion4j.sampler.v3.EmsEstimator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code d4j ems}: empirical model statistics for DPM-Solver-v3, from pilot noise only. */
@Command(name = "ems", mixinStandardHelpOptions = true,
    description = "Compute DPM-Solver-v3 empirical model statistics (l, s, b) on pilot trajectories.")
final class EmsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin FastModelOptions model;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output EMS file: JSON, or NPZ when the name ends in .npz.")
  Path out;

  @Option(names = "--pilots", defaultValue = "256", description = "Pilot trajectories (default: ${DEFAULT-VALUE}).")
  int pilots;

  @Option(names = "--points", defaultValue = "121", paramLabel = "N",
      description = "EMS points in lambda, the grid the statistics are tabulated on (default: ${DEFAULT-VALUE}).")
  int points;

  /** The old name of --points: in d4j sample, --grid is a time spacing, not a count. */
  @Option(names = "--grid", hidden = true, paramLabel = "N")
  Integer deprecatedGrid;

  @Option(names = "--refine", defaultValue = "4", description = "Pilot solver steps per grid cell (default: ${DEFAULT-VALUE}).")
  int refine;

  @Option(names = "--probes", defaultValue = "2", description = "Rademacher probes for l (default: ${DEFAULT-VALUE}).")
  int probes;

  @Option(names = "--pilot-seed", defaultValue = "1001", description = "Seed of the pilot noise (default: ${DEFAULT-VALUE}).")
  long pilotSeed;

  @Override
  public Integer call() throws Exception {
    GaussianPath path = model.gaussianPath();
    Denoiser den = model.denoiser();
    if (deprecatedGrid != null) {
      if (spec.commandLine().getParseResult().hasMatchedOption("--points")) {
        throw new UsageException("--grid is the deprecated name of --points; give only --points");
      }
      points = deprecatedGrid;
      spec.commandLine().getErr().println("d4j: warning: ems --grid is deprecated; use --points " + points);
    }
    EmsEstimator est = new EmsEstimator(pilots, points, refine, probes, pilotSeed, model.start(path), model.tEnd);
    Ems ems;
    double seconds;
    try (ProgressBar bar = ProgressBar.create(spec, "ems")) {
      ems = est.compute(den, path, bar);
      seconds = bar.elapsedSeconds();
    }
    ems.write(out);
    spec.commandLine().getOut().printf("EMS: %d lambda points x %d dims from %d pilots (seed %d) in %.1f s -> %s%n",
        ems.size(), ems.dim(), pilots, pilotSeed, seconds, out);
    return ExitCodes.OK;
  }
}
