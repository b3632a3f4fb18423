package org.diffusion4j.nn.sde;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.diffusion4j.sde.latent.ObservedSeries;

/**
 * A model that {@code d4j sde fit --model NAME} fits to observed series and
 * {@code d4j sde sample --model RUN} samples from; registered by name in {@link SdeFitModels}.
 * Implementations write everything they need to sample into the run directory (with
 * {@code org.diffusion4j.io.AtomicFiles}); {@link SdeFitModels#sample} finds the model by the name
 * recorded there ({@link SdeFitModels#RUN_FILE}, field {@code model}).
 */
public interface SdeFitModel {
  /** The registry name (e.g. "latent"). */
  String name();

  /** Model-specific options (-P key=value) it accepts, for the error message on an unknown one. */
  java.util.Set<String> options();

  /**
   * Fits to {@code data} with the common settings and the model options, writes the run into
   * {@code runDir} and returns what the CLI prints and plots.
   */
  FitResult fit(ObservedSeries data, FitSettings settings, Map<String, String> options, Path runDir) throws IOException;

  /** The learning rate {@code d4j sde fit} uses when {@code --lr} is not given. */
  default double defaultLearningRate() {
    return 0.05;
  }

  /** What {@link FitResult#loss()} is, as the CLI prints it. */
  default String lossName() {
    return "-ELBO per observation";
  }

  /** What {@link FitResult#fitted()} holds, for the plot title (e.g. "posterior paths"). */
  default String fittedName() {
    return "posterior paths";
  }

  /** Rejects an option key that {@code model} does not accept, naming it and the accepted ones. */
  static void checkOptions(SdeFitModel model, Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!model.options().contains(key)) {
        throw new IllegalArgumentException("model " + model.name() + " has no option '" + key + "'; options: "
            + String.join(", ", new java.util.TreeSet<>(model.options())));
      }
    }
  }

  /** Option {@code key} as a number, {@code dflt} when absent; a non-number is an IllegalArgumentException. */
  static double option(Map<String, String> options, String key, double dflt) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + key + " must be a number, got '" + v + "'");
    }
  }

  /** Paths from the fitted model in {@code runDir}: {@code paths} rows over {@code times}. */
  double[][] sample(Path runDir, double[] times, int paths, long seed) throws IOException;

  /** Common fit settings: optimiser steps, learning rate, Monte Carlo samples per series, solver step, gradient route name, seed. */
  record FitSettings(int iterations, double learningRate, int samples, double dt, String route, long seed) {}

  /**
   * What a fit produced: named fitted parameters, the final loss, the observation times and
   * values, and model paths over the same times (posterior paths through the data) for the plot.
   */
  record FitResult(Map<String, Double> parameters, double loss, double[] times, double[][] observed, double[][] fitted) {}
}
