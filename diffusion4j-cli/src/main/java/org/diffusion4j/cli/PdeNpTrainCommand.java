package org.diffusion4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.nn.pde.ProblemSpec;
import org.diffusion4j.nn.pde.RandomGridNp;
import org.diffusion4j.nn.pde.RandomGridNpConfig;
import org.diffusion4j.pde.ParametricPde;
import org.diffusion4j.pde.RandomGrid;
import org.diffusion4j.random.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j pde np-train}: trains a {@link RandomGridNp} (or, with {@code --fixed-grid}, the
 * fixed-grid baseline) and writes its model directory; prints the relative L2 error against the
 * finite-difference reference on 16 held-out parameter draws.
 */
@Command(name = "np-train", mixinStandardHelpOptions = true,
    description = {"Train a random-grid neural process on a parametric PDE (poisson: -u'' + kappa u^3 = f; burgers: "
        + "u_t + u u_x = nu u_xx) and write a model directory."})
final class PdeNpTrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--problem", defaultValue = "poisson", description = "poisson or burgers (default ${DEFAULT-VALUE}).")
  String problem;

  @Option(names = "--out", required = true, description = "Model directory to write.")
  Path out;

  @Option(names = "--iterations", description = "Optimiser steps (default 3000).")
  Integer iterations;

  @Option(names = "--grid-size", description = "Collocation points per step (default: 24 poisson, 64 burgers).")
  Integer gridSize;

  @Option(names = "--fixed-grid", description = "Train the fixed-grid baseline (cell centres every step) instead of random grids.")
  boolean fixedGrid;

  @Option(names = "--observations", description = "Reference observations per problem and step (data term; default 4, 0 = physics only).")
  Integer observations;

  @Option(names = "--latent", description = "Latent dimension (default 8).")
  Integer latent;

  @Option(names = "--hidden", description = "MLP width (default 64).")
  Integer hidden;

  @Option(names = "--modes", description = "Sine modes in x (default: 24 poisson, 16 burgers).")
  Integer modes;

  @Option(names = "--kappa", description = "Poisson cubic coefficient (default 5).")
  Double kappa;

  @Option(names = "--nu", description = "Burgers viscosity (default 0.05).")
  Double nu;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (!"poisson".equals(problem) && !"burgers".equals(problem)) {
      throw new UsageException("--problem must be poisson or burgers, got " + problem);
    }
    RandomGridNpConfig cfg = configure();
    long begin = System.nanoTime();
    RandomGridNp np;
    try (ProgressBar bar = ProgressBar.create(spec, "np-train " + problem)) {
      np = RandomGridNp.train(cfg, bar);
    }
    np.save(out);
    ParametricPde family = np.family();
    double[][] thetas = new double[16][];
    for (int i = 0; i < thetas.length; i++) {
      thetas[i] = family.sampleParameters(Rng.of(seed + 1_000_003L).stream(i));
    }
    double[][] q = PdeNpPredictCommand.evaluationPoints(family, 101);
    double err = np.relativeError(thetas, RandomGrid.cellCentres(cfg.gridSize(), family.lower(), family.upper()), q[0], q[1]);
    var o = spec.commandLine().getOut();
    o.printf("trained %s (%s grid of %d points, %d parameters) in %.1f s (%d steps; reference pool %.1f s)%n", problem,
        cfg.fixedGrid() ? "fixed" : "random", cfg.gridSize(), np.parameterCount(), np.summary().seconds(),
        cfg.iterations(), np.summary().poolSeconds());
    o.printf("final loss %.4g (physics %.4g, data %.4g, KL %.4g)%n", np.summary().finalLoss(), np.summary().finalPhysics(),
        np.summary().finalData(), np.summary().finalKl());
    o.printf("relative L2 error against the finite-difference solver, 16 held-out problems: %.4f%n", err);
    o.printf("wrote %s (%.1f s in all)%n", out, (System.nanoTime() - begin) / 1e9);
    return ExitCodes.OK;
  }

  private RandomGridNpConfig configure() {
    RandomGridNpConfig d = RandomGridNpConfig.defaults(problem);
    ProblemSpec p = d.problem();
    try {
      p = new ProblemSpec(p.kind(), kappa != null ? kappa : p.kappa(), nu != null ? nu : p.nu(), p.endTime(), p.parameters(),
          p.amplitude(), p.width());
      if (kappa != null && p.isBurgers() || nu != null && !p.isBurgers()) {
        throw new UsageException(kappa != null ? "--kappa applies to poisson only" : "--nu applies to burgers only");
      }
      return new RandomGridNpConfig(p, latent != null ? latent : d.latent(), hidden != null ? hidden : d.hidden(),
          d.kernelHidden(), d.kernelChannels(), d.anchors(), modes != null ? modes : d.modes(), d.timeModes(),
          gridSize != null ? gridSize : d.gridSize(), fixedGrid, d.batch(), iterations != null ? iterations : d.iterations(),
          d.learningRate(), d.trainProblems(), observations != null ? observations : d.observations(), d.physicsStd(),
          d.dataStd(), d.klWeight(), seed);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
