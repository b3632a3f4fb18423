package org.diffusion4j.nn.consistency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.consistency.ConsistencyFunction;
import org.diffusion4j.consistency.ConsistencySchedule;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.nn.TrainedRangePath;
import org.diffusion4j.path.GaussianPath;

/**
 * A run written by {@link ConsistencyTrainer} ({@code d4j distill}): an ordinary run directory
 * (checkpoint with the student's weights and EMA) plus {@value ConsistencyTrainer#CONFIG_FILE}.
 * Loaded through {@link org.diffusion4j.nn.run.TrainedRun} its network is a denoiser like any
 * other; {@link #function} turns it into the consistency function, and {@link #samplingPath}
 * restricts its path to [t(eps), t(sigma_max)], where the default grid of the {@code consistency}
 * solver then starts and ends.
 */
public record ConsistencyRun(DistillConfig config) {

  /** True if {@code dir} holds a consistency run. */
  public static boolean isConsistencyRun(Path dir) {
    return Files.isRegularFile(dir.resolve(ConsistencyTrainer.CONFIG_FILE));
  }

  /** Reads the consistency config of a run directory. */
  public static ConsistencyRun open(Path dir) throws IOException {
    Path file = dir.resolve(ConsistencyTrainer.CONFIG_FILE);
    try {
      return new ConsistencyRun(DistillConfig.fromJson(Files.readString(file)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The consistency function of {@code model} (the run's network as a denoiser on {@code path}). */
  public ConsistencyFunction function(Denoiser model, GaussianPath path) {
    ConsistencySchedule s = config.schedule();
    return new ConsistencyFunction(model, path, s, ConsistencyFunction.boundaryTime(path, s));
  }

  /** {@code path} restricted to [t(eps), t(sigma_max)]: the times the consistency model was trained on. */
  public GaussianPath samplingPath(GaussianPath path) {
    ConsistencySchedule s = config.schedule();
    double hi = path.name().equals("edm") ? s.sigmaMax() : ConsistencySchedule.timeOf(path, s.sigmaMax());
    return new TrainedRangePath(path, ConsistencyFunction.boundaryTime(path, s), hi);
  }
}
