package org.diffusion4j.nn.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.DataTransform;
import org.diffusion4j.nn.data.Standardization;
import org.diffusion4j.nn.interpolant.InterpolantTrainConfig;
import org.diffusion4j.nn.interpolant.LearnedInterpolant;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.CheckpointException;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;

/**
 * The one front door to a run directory written by training, for the CLI and Java users alike.
 * It owns the layout:
 * <pre>
 *   RUN/checkpoints/           diffusion / flow run: atomic checkpoints (config, weights, EMA, optimiser)
 *   RUN/interpolant.json       interpolant run: its config; RUN/velocity/ and RUN/denoiser/ hold the checkpoints,
 *   RUN/LATEST                 interpolant run: the commit point naming the step of the consistent pair
 *   RUN/.lock, RUN/data-sha256.json   the CLI's writer lock (owner's pid) and the training rows' hashes
 *   RUN/standardization.json   data transform of a run trained on a tabular file (target end for interpolants)
 *   RUN/source-standardization.json   interpolant runs: the source end's transform
 *   RUN/losses.csv, RUN/loss.png      training curves
 * </pre>
 * and knows what a run is ({@link Kind}), how its data was transformed (with the transform's
 * log-determinant, for likelihoods in data units), and how to load it as a core
 * {@link org.diffusion4j.model.Denoiser} or as a flow.
 */
public final class TrainedRun {
  public static final String CHECKPOINTS = Checkpoint.FOLDER;
  public static final String INTERPOLANT_CONFIG = org.diffusion4j.nn.interpolant.InterpolantTrainer.CONFIG_FILE;
  public static final String VELOCITY = org.diffusion4j.nn.interpolant.InterpolantTrainer.VELOCITY_DIR;
  public static final String DENOISER = org.diffusion4j.nn.interpolant.InterpolantTrainer.DENOISER_DIR;
  public static final String STANDARDIZATION = "standardization.json";
  public static final String SOURCE_STANDARDIZATION = "source-standardization.json";
  public static final String LOSSES_CSV = "losses.csv";
  public static final String LOSS_PNG = "loss.png";

  /** What a run directory holds. */
  public enum Kind {
    /** A Gaussian-path model (eps, x0, v, EDM objectives) sampled by the diffusion samplers. */
    DIFFUSION,
    /**
     * A Gaussian-path model on a flow path (cond-ot alpha = 1 - t, sigma = t, or trig): the
     * diffusion samplers apply, and so does its ODE/SDE as a flow from N(0, I).
     */
    FLOW,
    /** A stochastic interpolant between two densities (velocity and optionally denoiser networks). */
    INTERPOLANT
  }

  private final Path dir;
  private final Kind kind;
  /** The latest checkpoint of a diffusion / flow run, read once by {@link #open}; null for interpolant runs. */
  private final Checkpoint latest;

  private TrainedRun(Path dir, Kind kind, Checkpoint latest) {
    this.dir = dir;
    this.kind = kind;
    this.latest = latest;
  }

  /** True if {@code dir} holds a run of any kind. */
  public static boolean isRun(Path dir) {
    return Files.isRegularFile(dir.resolve(INTERPOLANT_CONFIG)) || Checkpoint.exists(dir);
  }

  /** True if {@code dir} holds an interpolant run. */
  public static boolean isInterpolantRun(Path dir) {
    return Files.isRegularFile(dir.resolve(INTERPOLANT_CONFIG));
  }

  /**
   * Opens a run directory.
   *
   * @throws CheckpointException if it holds no run (the message says what was expected)
   */
  public static TrainedRun open(Path dir) throws IOException {
    if (isInterpolantRun(dir)) {
      return new TrainedRun(dir, Kind.INTERPOLANT, null);
    }
    if (!Checkpoint.exists(dir)) {
      throw new CheckpointException(dir + " is not a training run: expected " + Checkpoint.folder(dir)
          + "/LATEST (d4j train) or " + INTERPOLANT_CONFIG + " (d4j train --objective interpolant)");
    }
    Checkpoint latest = Checkpoint.readLatest(dir);
    return new TrainedRun(dir, isFlowPath(latest.config().gaussianPath()) ? Kind.FLOW : Kind.DIFFUSION, latest);
  }

  public Path dir() {
    return dir;
  }

  public Kind kind() {
    return kind;
  }

  /** True for runs sampled through a velocity from N(0, I): a {@link Kind#FLOW} run. */
  public boolean isFlow() {
    return kind == Kind.FLOW;
  }

  /** The training configuration of a diffusion / flow run (from its latest checkpoint). */
  public TrainConfig config() {
    requireGaussianPath("config()");
    return latest.config();
  }

  /** The configuration of an interpolant run. */
  public InterpolantTrainConfig interpolantConfig() throws IOException {
    if (kind != Kind.INTERPOLANT) {
      throw new IllegalArgumentException(dir + " is a " + kind.name().toLowerCase(java.util.Locale.ROOT)
          + " run, not an interpolant run");
    }
    return org.diffusion4j.nn.interpolant.InterpolantTrainer.readConfig(dir);
  }

  /** The EMA model as a core Denoiser on its training path (close it: it holds native memory). */
  public NeuralDenoiser denoiser() {
    requireGaussianPath("a denoiser");
    return NeuralDenoiser.from(latest);
  }

  /** The EMA networks of an interpolant run (close it). */
  public LearnedInterpolant interpolant() throws IOException {
    interpolantConfig();
    return LearnedInterpolant.load(dir);
  }

  /**
   * The transform from data units to the units the model was trained in: the run's
   * {@value #STANDARDIZATION} if it has one (checked against {@code dim}), else the identity.
   */
  public DataTransform transform(int dim) throws IOException {
    return readTransform(dir.resolve(STANDARDIZATION), dim);
  }

  /** The source end's transform of an interpolant run ({@value #SOURCE_STANDARDIZATION}), or the identity. */
  public DataTransform sourceTransform(int dim) throws IOException {
    return readTransform(dir.resolve(SOURCE_STANDARDIZATION), dim);
  }

  /** Writes the data transform of a run trained on a file (atomically); the identity writes nothing. */
  public static void writeTransform(Path runDir, DataTransform t) throws IOException {
    store(runDir.resolve(STANDARDIZATION), t);
  }

  /** Writes the source end's transform of an interpolant run; the identity writes nothing. */
  public static void writeSourceTransform(Path runDir, DataTransform t) throws IOException {
    store(runDir.resolve(SOURCE_STANDARDIZATION), t);
  }

  private static void store(Path file, DataTransform t) throws IOException {
    if (t instanceof Standardization s) {
      Files.createDirectories(file.getParent());
      AtomicFiles.writeString(file, s.toJson());
    } else if (t != DataTransform.IDENTITY && t != null) {
      throw new IllegalArgumentException("cannot store data transform " + t);
    }
  }

  private static DataTransform readTransform(Path file, int dim) throws IOException {
    if (!Files.isRegularFile(file)) {
      return DataTransform.IDENTITY;
    }
    Standardization s = Standardization.fromJson(Files.readString(file));
    if (s.mean().length != dim) {
      throw new CheckpointException(file + " has " + s.mean().length + " columns but the model has dimension " + dim);
    }
    return s;
  }

  /**
   * True if {@code p} is a flow path: cond-ot (alpha = 1 - t, sigma = t) or trig on [0, 1], possibly
   * restricted to a training range (compared pointwise, so a renamed copy counts too).
   */
  public static boolean isFlowPath(GaussianPath p) {
    return flowPath(p) != null;
  }

  /**
   * The cond-ot or trig path on its whole time range [0, 1] if {@code p} is one of them, else
   * null. A trained run's path is the same schedule restricted to its training range, which would
   * shift the time map of a velocity conversion, so conversions use the full path.
   */
  public static GaussianPath flowPath(GaussianPath p) {
    String name = p.name();
    if (!name.equals("cond-ot") && !name.equals("trig")) {
      return null;
    }
    GaussianPath full = Paths.create(name, Map.of());
    for (double t : new double[] {0.25, 0.5, 0.75}) {
      if (Math.abs(full.alpha(t) - p.alpha(t)) > 1e-12 || Math.abs(full.sigma(t) - p.sigma(t)) > 1e-12) {
        return null;
      }
    }
    return full;
  }

  private void requireGaussianPath(String what) {
    if (kind == Kind.INTERPOLANT) {
      throw new IllegalArgumentException(dir + " is an interpolant run; " + what + " exists for diffusion and flow runs"
          + " (use interpolant())");
    }
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " run " + dir;
  }
}
