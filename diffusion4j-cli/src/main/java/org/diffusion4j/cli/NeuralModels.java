package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Standardization;
import org.diffusion4j.nn.train.Checkpoint;

/**
 * {@code --model RUN_DIR} (or {@code run:RUN_DIR}): a run written by {@code d4j train}, loaded
 * with its EMA weights on the path it was trained on (the command line's --path is not used).
 */
final class NeuralModels {
  private NeuralModels() {}

  static ModelSpecs.ResolvedModel load(ModelSpecs.Request r) throws IOException {
    String spec = r.spec();
    boolean explicit = spec.startsWith("run:");
    Path dir = Path.of(explicit ? spec.substring(4) : spec);
    if (!explicit && !(Files.isDirectory(dir) && Checkpoint.exists(dir))) {
      return null;
    }
    if (explicit && !Checkpoint.exists(dir)) {
      throw new UsageException("--model " + spec + ": " + dir + " has no checkpoint (expected " + Checkpoint.folder(dir)
          + "/LATEST written by d4j train)");
    }
    NeuralDenoiser model = NeuralDenoiser.load(dir);
    Denoiser d = r.prediction() == null ? model : Predictions.as(model, model.samplingPath(), r.prediction());
    var cfg = model.config();
    // A run trained on a file learned standardised data: map samples back to the file's units.
    Standardization s = standardization(dir, model.dim());
    java.util.function.UnaryOperator<org.diffusion4j.array.Batch> toData =
        s == null ? java.util.function.UnaryOperator.identity() : s::invert;
    return new ModelSpecs.ResolvedModel(d, model.samplingPath(), null, "trained " + cfg.objective().cliName() + " model "
        + dir + " (" + cfg.path() + ", d=" + model.dim() + ", " + d.prediction().cliName() + ")", toData);
  }

  /**
   * The per-column standardisation a run was trained with ({@code standardization.json}, written
   * by d4j train for NPY/CSV data), or null for a run trained on raw data.
   */
  static Standardization standardization(Path dir, int dim) throws IOException {
    Path st = dir.resolve("standardization.json");
    if (!Files.isRegularFile(st)) {
      return null;
    }
    Standardization s = Standardization.fromJson(Files.readString(st));
    if (s.mean().length != dim) {
      throw new UsageException(st + " has " + s.mean().length + " columns but the model has dimension " + dim);
    }
    return s;
  }
}
