package org.diffusion4j.cli;

import java.awt.Color;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.cli.plot.Plot;
import org.diffusion4j.io.Csv;
import org.diffusion4j.nn.sde.SdeFitModel;
import org.diffusion4j.nn.sde.SdeFitModels;
import org.diffusion4j.sde.latent.ObservedSeries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j sde fit}: fits an SDE model of {@link SdeFitModels} to observed series and writes a
 * run directory, with a PNG of fitted (posterior) paths against the observations.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = {"Fit an SDE model to observed series (CSV: first column times, one column per series).",
        "latent, fbm-latent: latent SDEs (posterior paths through the data); lsde, lnsde, gsde, nsde, ncde: learn to fill "
            + "the values dropped (-P drop=0.3) from each series; sde-gan: a generative model of the paths."})
final class SdeFitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model: ${COMPLETION-CANDIDATES}", completionCandidates = FitModelNames.class)
  String model;

  @Option(names = "--data", required = true, description = "CSV file: a time column then one column per series (one column: values at --time-step).")
  Path data;

  @Option(names = "--time-step", defaultValue = "1", description = "Time between rows when the CSV has a single column (default ${DEFAULT-VALUE}).")
  double timeStep;

  @Option(names = "--out", required = true, description = "Run directory to write.")
  Path out;

  @Option(names = "--iterations", defaultValue = "300", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--lr", description = "Adam learning rate (default: the model's; 0.05 for latent/fbm-latent, 0.01 for lsde..ncde, 0.001 for sde-gan).")
  Double lr;

  @Option(names = "--samples", defaultValue = "2", description = "Posterior samples per series and step (default ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--dt", description = "Solver step (default: the smallest observation gap / 16).")
  Double dt;

  @Option(names = "--route", defaultValue = "backprop", description = "Gradient route: backprop, adjoint, reversible-heun (default ${DEFAULT-VALUE}).")
  String route;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-P", "--param"}, description = "Model option key=value (latent: obs-std; fbm-latent: obs-std, k, ratio, hurst; "
      + "lsde/lnsde/gsde/nsde/ncde, which learn to fill values dropped from the series: drop (default 0.3), hidden, "
      + "interpolation (hermite|linear), substeps; sde-gan: hidden, batch).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--plot-series", defaultValue = "4", description = "Series drawn in fit.png (default ${DEFAULT-VALUE}).")
  int plotSeries;

  static final class FitModelNames extends java.util.ArrayList<String> {
    private static final long serialVersionUID = 1L;

    FitModelNames() {
      super(SdeFitModels.names());
    }
  }

  @Override
  public Integer call() throws Exception {
    if (iterations < 1) {
      throw new UsageException("--iterations must be >= 1, got " + iterations);
    }
    if (samples < 1) {
      throw new UsageException("--samples must be >= 1, got " + samples);
    }
    if (lr != null && !(lr > 0)) {
      throw new UsageException("--lr must be > 0, got " + lr);
    }
    if (plotSeries < 1) {
      throw new UsageException("--plot-series must be >= 1, got " + plotSeries);
    }
    SdeFitModel m = SdeFitModels.create(model);
    double rate = lr != null ? lr : m.defaultLearningRate();
    ObservedSeries series = read(data, timeStep);
    double minGap = Double.POSITIVE_INFINITY;
    for (int k = 1; k < series.length(); k++) {
      minGap = Math.min(minGap, series.time(k) - series.time(k - 1));
    }
    double step = dt != null ? dt : minGap / 16;
    if (!(step > 0)) {
      throw new UsageException("--dt must be > 0, got " + step);
    }
    long begin = System.nanoTime();
    SdeFitModel.FitResult r = m.fit(series, new SdeFitModel.FitSettings(iterations, rate, samples, step, route, seed), params, out);
    var o = spec.commandLine().getOut();
    o.printf("fitted %s to %d series x %d observations in %.1f s (%d steps, dt %.4g, %s gradients)%n", model, series.count(),
        series.length(), (System.nanoTime() - begin) / 1e9, iterations, step, route);
    r.parameters().forEach((k, v) -> o.printf("  %-10s %.5g%n", k, v));
    o.printf("  %s %.5g%n", m.lossName(), r.loss());
    Plot p = Plot.of(model + ": " + m.fittedName() + " (lines) vs observations (points)").xLabel("t").yLabel("y");
    for (int i = 0; i < Math.min(plotSeries, r.observed().length); i++) {
      Color c = Plot.color(i);
      p.line(r.times(), r.fitted()[i], c, i == 0 ? "fitted" : null, false);
      p.scatter(r.times(), r.observed()[i], c, i == 0 ? "observed" : null);
    }
    Path png = out.resolve("fit.png");
    p.writePng(png, 900, 500);
    o.println("wrote " + out.resolve(SdeFitModels.RUN_FILE) + " and " + png);
    return ExitCodes.OK;
  }

  /** Reads the series CSV: column 0 the times, each further column one series (or a single column at {@code step}). */
  static ObservedSeries read(Path file, double step) throws java.io.IOException {
    Batch t = Csv.read(file).data();
    if (t.n() < 2) {
      throw new UsageException(file + ": need at least 2 rows of observations, got " + t.n());
    }
    double[] times = new double[t.n()];
    double[][] values;
    if (t.d() == 1) {
      if (!(step > 0)) {
        throw new UsageException("--time-step must be > 0, got " + step);
      }
      values = new double[1][t.n()];
      for (int k = 0; k < t.n(); k++) {
        times[k] = k * step;
        values[0][k] = t.get(k, 0);
      }
    } else {
      values = new double[t.d() - 1][t.n()];
      for (int k = 0; k < t.n(); k++) {
        times[k] = t.get(k, 0);
        for (int i = 1; i < t.d(); i++) {
          values[i - 1][k] = t.get(k, i);
        }
      }
    }
    return new ObservedSeries(times, values);
  }
}
