package org.diffusion4j.cli;

import java.io.IOException;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Model and time-range options shared by {@code d4j ems} and {@code d4j search-schedule}. */
final class FastModelOptions {
  @Option(names = "--model", required = true, paramLabel = "SPEC",
      description = "Model, as for 'd4j sample': gmm:FILE.json or a bundled mixture, e.g. gmm:gmm64-12.")
  String model;

  @Mixin PathOptions pathOptions;

  @Option(names = "--t-start", paramLabel = "T", description = "Start (noise) time; default the path's t-max.")
  Double tStart;

  @Option(names = "--t-end", defaultValue = "1e-3", paramLabel = "T",
      description = "End (data) time (default: ${DEFAULT-VALUE}).")
  double tEnd;

  private ModelSpecs.ResolvedModel resolved;

  private ModelSpecs.ResolvedModel resolved() throws IOException {
    if (resolved == null) {
      resolved = ModelSpecs.resolve(model, pathOptions.create(), Prediction.EPSILON);
    }
    return resolved;
  }

  GaussianPath gaussianPath() throws IOException {
    return resolved().path();
  }

  Denoiser denoiser() throws IOException {
    return resolved().denoiser();
  }

  double start(GaussianPath p) {
    return tStart == null ? p.tMax() : tStart;
  }
}
