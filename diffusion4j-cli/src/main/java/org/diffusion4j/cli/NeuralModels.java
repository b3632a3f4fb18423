package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.DataTransform;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.train.Checkpoint;

/**
 * {@code --model RUN_DIR} (or {@code run:RUN_DIR}): a run written by {@code d4j train}, loaded
 * through {@link TrainedRun} with its EMA weights on the path it was trained on (the command
 * line's --path is not used); {@code --class Y --guidance W} select a class of a conditional run.
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
    TrainedRun run = TrainedRun.open(dir);
    NeuralDenoiser model = run.denoiser();
    var cfg = model.config();
    int classes = cfg.network().classes();
    Denoiser base = model;
    String cls = "";
    if (r.label() != null) {
      if (classes == 0) {
        throw new UsageException("--class needs a class-conditional run (d4j train --conditional); " + dir
            + " is unconditional");
      }
      if (r.label() < 0 || r.label() >= classes) {
        throw new UsageException("--class " + r.label() + " is outside [0, " + (classes - 1) + "]");
      }
      base = model.withGuidance(r.label(), r.guidance());
      cls = ", class " + r.label() + ", guidance " + r.guidance();
    } else if (r.guidance() != 0) {
      throw new UsageException("--guidance needs --class");
    }
    org.diffusion4j.path.GaussianPath samplingPath = model.samplingPath();
    if (org.diffusion4j.nn.consistency.ConsistencyRun.isConsistencyRun(dir)) { // d4j distill: f(x, t) on [t(eps), t(sigma_max)]
      var consistency = org.diffusion4j.nn.consistency.ConsistencyRun.open(dir);
      base = consistency.function(base, model.path());
      samplingPath = consistency.samplingPath(model.path());
    }
    Denoiser d = r.prediction() == null ? base : Predictions.as(base, samplingPath, r.prediction());
    DataTransform t = run.transform(model.dim());
    String kernel = cfg.objective() == org.diffusion4j.nn.objective.Objective.PFGMPP
        ? (cfg.augmentedDim() == 0 ? " D=inf" : cfg.augmentedDim() == Math.rint(cfg.augmentedDim())
            ? " D=" + (long) cfg.augmentedDim() : " D=" + cfg.augmentedDim()) : "";
    return new ModelSpecs.ResolvedModel(d, samplingPath, null, "trained " + cfg.objective().cliName() + kernel + " "
        + cfg.network().type() + " " + dir + " (" + cfg.path() + ", d=" + model.dim() + ", " + d.prediction().cliName()
        + cls + ")", t::toData, cfg.network().sampleShape(), cfg.noise()::prior);
  }
}
