package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import picocli.CommandLine.Option;

/** Model and time-range options shared by {@code d4j ems} and {@code d4j search-schedule}. */
final class FastModelOptions {
  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "Gaussian-mixture model spec (JSON: weights, means, vars), exact on its path.")
  Path model;

  @Option(names = "--path", defaultValue = "vp-linear", paramLabel = "NAME",
      description = "Path the model lives on (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(names = "--t-start", paramLabel = "T", description = "Start (noise) time; default the path's t-max.")
  Double tStart;

  @Option(names = "--t-end", defaultValue = "1e-3", paramLabel = "T", description = "End (data) time (default: ${DEFAULT-VALUE}).")
  double tEnd;

  GaussianPath gaussianPath() {
    return Paths.create(path, Map.of());
  }

  Denoiser denoiser(GaussianPath p) throws IOException {
    return GaussianMixture.read(model).denoiser(p, Prediction.EPSILON);
  }

  double start(GaussianPath p) {
    return tStart == null ? p.tMax() : tStart;
  }
}
