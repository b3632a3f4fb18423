package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.diffusion4j.inverse.BoundaryCondition;
import org.diffusion4j.inverse.ImageShape;
import org.diffusion4j.inverse.LinearOperator;
import org.diffusion4j.inverse.Operators;
import org.diffusion4j.inverse.RestorationOptions;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.run.TrainedRun;
import picocli.CommandLine.Option;

/** The options shared by {@code d4j restore} and {@code d4j bench restore}: model, solver knobs, BC-ODE search. */
final class RestoreOptions {
  @Option(names = "--model", required = true, paramLabel = "RUN", description = "Run directory of an image diffusion"
      + " model (d4j train); class-conditional runs are used unconditionally (null class).")
  Path model;

  @Option(names = "--nfe", defaultValue = "20", paramLabel = "N", description = "Model evaluations per image"
      + " (default ${DEFAULT-VALUE}).")
  int nfe;

  @Option(names = "--sigma-y", defaultValue = "0", paramLabel = "S", description = "Measurement noise sigma_y"
      + " (default ${DEFAULT-VALUE}).")
  double sigmaY;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--eta", defaultValue = "0.85", paramLabel = "E", description = "DDRM eta; noise of the projection"
      + " and DPS steps (default ${DEFAULT-VALUE}).")
  double eta;

  @Option(names = "--eta-b", defaultValue = "1.0", paramLabel = "E", description = "DDRM eta_b (default ${DEFAULT-VALUE}).")
  double etaB;

  @Option(names = "--dps-scale", defaultValue = "0.5", paramLabel = "Z", description = "DPS step size zeta"
      + " (default ${DEFAULT-VALUE}).")
  double dpsScale;

  @Option(names = "--lr", defaultValue = "0.1", paramLabel = "LR", description = "RED-Diff Adam learning rate"
      + " (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--lambda", defaultValue = "0.25", paramLabel = "L", description = "RED-Diff regularisation weight"
      + " (default ${DEFAULT-VALUE}).")
  double lambda;

  @Option(names = "--bc-candidates", defaultValue = "16", paramLabel = "K", description = "bc-ode: random boundary"
      + " conditions compared (default ${DEFAULT-VALUE}).")
  int bcCandidates;

  @Option(names = "--bc-references", defaultValue = "16", paramLabel = "R", description = "bc-ode: training digits"
      + " used as the reference set (default ${DEFAULT-VALUE}).")
  int bcReferences;

  RestorationOptions options() {
    return new RestorationOptions(eta, etaB, dpsScale, lr, lambda, 1.0);
  }

  void check() {
    if (nfe < 1) {
      throw new UsageException("--nfe must be at least 1, got " + nfe);
    }
    if (!(sigmaY >= 0) || !Double.isFinite(sigmaY)) {
      throw new UsageException("--sigma-y must be >= 0 and finite, got " + sigmaY);
    }
    if (bcCandidates < 1 || bcReferences < 1) {
      throw new UsageException("--bc-candidates and --bc-references must be at least 1");
    }
  }

  /** The run's EMA model (unconditional view of conditional runs); close it. */
  NeuralDenoiser load() throws IOException {
    TrainedRun run = TrainedRun.open(model);
    if (run.kind() == TrainedRun.Kind.INTERPOLANT) {
      throw new UsageException("--model " + model + " is an interpolant run; restoration needs a diffusion or flow run");
    }
    NeuralDenoiser d = run.denoiser();
    long[] shape = d.config().network().sampleShape();
    if (shape.length != 3) {
      throw new UsageException("--model " + model + " has samples of shape " + java.util.Arrays.toString(shape)
          + "; restoration needs images (C, H, W)");
    }
    return d;
  }

  static ImageShape shapeOf(NeuralDenoiser d) {
    long[] s = d.config().network().sampleShape();
    return new ImageShape((int) s[0], (int) s[1], (int) s[2]);
  }

  /** The boundary condition of bc-ode, searched on the first R training digits (seeded). */
  BoundaryCondition searchBoundary(NeuralDenoiser d, LinearOperator op) {
    var refs = Mnist.rows(Mnist.train(), 0, Math.min(bcReferences, Mnist.TRAIN_SIZE), "bc-references").data();
    return BoundaryCondition.search(d, d.samplingPath(), op, refs, sigmaY, bcCandidates, nfe, seed);
  }

  static String tasks() {
    return String.join(", ", Operators.TASKS);
  }
}
