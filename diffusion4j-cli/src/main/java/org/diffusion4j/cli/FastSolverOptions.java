package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.SamplerOptions;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.plan.ScheduleSampler;
import org.diffusion4j.sampler.plan.SolverSchedule;
import org.diffusion4j.sampler.v3.DpmSolverV3;
import org.diffusion4j.sampler.v3.Ems;
import picocli.CommandLine.Option;

/**
 * {@code d4j sample} options for the fast samplers: {@code --plan} (a searched solver schedule)
 * and {@code --solver dpm-solver-v3 --ems FILE}. Kept in one mixin so that the sample command
 * needs only a one-line hook.
 */
final class FastSolverOptions {
  @Option(names = "--plan", paramLabel = "PLAN.json",
      description = "Solver schedule from 'd4j search-schedule': fixes solver, times and NFE.")
  Path plan;

  @Option(names = "--ems", paramLabel = "EMS.json",
      description = "Empirical model statistics from 'd4j ems' (for dpm-solver-v3 or plans with EMS steps).")
  Path ems;

  @Option(names = "--v3-corrector", defaultValue = "full", paramLabel = "WHEN",
      description = "dpm-solver-v3 corrector: none, full or half (default ${DEFAULT-VALUE}).")
  String v3Corrector;

  @Option(names = "--pseudo-order", description = "dpm-solver-v3: pseudo-order derivatives (divided differences).")
  boolean pseudoOrder;

  private SolverSchedule schedule;

  /** The schedule of --plan, or null. */
  SolverSchedule schedule() throws IOException {
    if (plan != null && schedule == null) {
      schedule = SolverSchedule.read(plan);
    }
    return schedule;
  }

  /** The sampler: the plan's, DPM-Solver-v3 with the EMS, or the registry's {@code name}. */
  Sampler sampler(String name, SamplerOptions options) throws IOException {
    Ems statistics = ems == null ? null : Ems.read(ems);
    if (plan != null) {
      return new ScheduleSampler(schedule(), statistics);
    }
    if (Samplers.needsEms(name)) {
      if (statistics == null) {
        throw new UsageException("--solver " + name + " needs --ems FILE (from 'd4j ems')");
      }
      DpmSolverV3.Corrector c;
      try {
        c = DpmSolverV3.Corrector.valueOf(v3Corrector.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--v3-corrector must be none, full or half, got '" + v3Corrector + "'");
      }
      return Samplers.create(name, options.toBuilder().ems(statistics).pseudoOrder(pseudoOrder).v3Corrector(c).build());
    }
    if (statistics != null) {
      throw new UsageException("--ems is used only by --solver dpm-solver-v3 or a --plan with EMS steps, not by "
          + name);
    }
    return Samplers.create(name, options);
  }
}
