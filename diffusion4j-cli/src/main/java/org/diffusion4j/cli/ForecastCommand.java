package org.diffusion4j.cli;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.diffusion4j.cli.plot.Plot;
import org.diffusion4j.forecast.ForecastMetrics;
import org.diffusion4j.forecast.Forecaster;
import org.diffusion4j.forecast.GuidanceTuning;
import org.diffusion4j.forecast.RollingOrigin;
import org.diffusion4j.forecast.SeasonalNaive;
import org.diffusion4j.forecast.SelfGuidance;
import org.diffusion4j.forecast.Series;
import org.diffusion4j.forecast.SeriesReader;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.forecast.NetworkDenoiser;
import org.diffusion4j.nn.forecast.Tsdiff;
import org.diffusion4j.nn.forecast.TsdiffForecaster;
import org.diffusion4j.nn.forecast.TsdiffSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j forecast}: probabilistic forecasting with TSDiff (Kollovieh et al. 2023). {@code train}
 * fits the unconditional model on the series before the first evaluation origin (or validation
 * origin), {@code tune} chooses the guidance on validation origins before the test origins, {@code predict}
 * writes sample forecasts (origins, samples, horizon) and a fan chart, {@code eval} prints
 * wQL, CRPS, MASE and 80% coverage against the in-tree baselines.
 */
@Command(name = "forecast", mixinStandardHelpOptions = true,
    description = "Probabilistic time-series forecasting with self-guided diffusion (TSDiff).",
    subcommands = {ForecastCommand.Train.class, ForecastCommand.Predict.class, ForecastCommand.Eval.class,
      ForecastCommand.Tstr.class, ForecastCommand.Tune.class})
final class ForecastCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this),
        "missing subcommand (train, tune, predict, eval or tstr); see 'd4j forecast --help'");
  }

  /** Where the series comes from. */
  static final class DataOptions {
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Series file: .csv with a header, or .npy (T) or (T, C).")
    Path data;

    @Option(names = "--column", required = true, paramLabel = "NAME", description = "Value column (0-based index for .npy).")
    String column;

    @Option(names = "--filter", paramLabel = "COL=VALUE", description = "Keep only rows whose COL equals VALUE (e.g. symbol=AAPL).")
    String filter;

    @Option(names = "--date-column", paramLabel = "NAME", description = "Date column (default: a column named 'date', if any).")
    String dateColumn;

    @Option(names = "--missing", defaultValue = "error", paramLabel = "POLICY",
        description = "Missing values: error (default), drop or interpolate (linear).")
    String missing;

    Series read() throws IOException {
      if (!Files.exists(data)) {
        throw new UsageException("no such file: " + data);
      }
      SeriesReader.Options o = SeriesReader.Options.column(column).withFilter(filter).withDateColumn(dateColumn)
          .withMissing(SeriesReader.Missing.parse(missing));
      return SeriesReader.read(data, o);
    }
  }

  /** Sampling options of predict and eval. */
  static final class SamplingOptions {
    @Option(names = "--origins", defaultValue = "5", paramLabel = "K",
        description = "Rolling origins at the end of the series, one horizon apart (default ${DEFAULT-VALUE}).")
    int origins;

    @Option(names = "--samples", defaultValue = "100", paramLabel = "S", description = "Sample paths per origin (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--solver", defaultValue = "ddpm", paramLabel = "NAME",
        description = "Any sampler of 'd4j solvers' (default ${DEFAULT-VALUE}, as TSDiff).")
    String solver;

    @Option(names = "--steps", defaultValue = "100", paramLabel = "N", description = "Model evaluations on TSDiff's uniform grid, ending with the final denoising (default ${DEFAULT-VALUE}: every training step).")
    int steps;

    @Option(names = "--guidance", defaultValue = "quantile", paramLabel = "LOSS",
        description = "Self-guidance energy: quantile (default, TSDiff) or mse.")
    String guidance;

    @Option(names = "--scale", defaultValue = "8", paramLabel = "S|auto",
        description = "Guidance scale (default ${DEFAULT-VALUE}, TSDiff's), or auto: the energy and scale chosen by"
            + " 'd4j forecast tune' for this run (overrides --guidance).")
    String scale;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    void check() {
      if (origins < 1) {
        throw new UsageException("--origins must be at least 1, got " + origins);
      }
      if (samples < 2) {
        throw new UsageException("--samples must be at least 2, got " + samples);
      }
    }

    /** The guidance energy and scale: the numbers given, or with --scale auto the run's tuned choice. */
    GuidanceTuning.Candidate guidance(Path run) throws IOException {
      if (scale.trim().equalsIgnoreCase("auto")) {
        GuidanceTuning.Choice c = Tsdiff.readGuidance(run);
        return new GuidanceTuning.Candidate(c.loss(), c.scale());
      }
      try {
        return new GuidanceTuning.Candidate(SelfGuidance.Loss.parse(guidance), Double.parseDouble(scale.trim()));
      } catch (NumberFormatException e) {
        throw new UsageException("--scale must be a number or auto, got '" + scale + "'");
      }
    }

    TsdiffForecaster forecaster(NetworkDenoiser model, TsdiffSpec spec, GuidanceTuning.Candidate g) {
      return new TsdiffForecaster(model, spec, solver, steps, g.loss(), g.scale());
    }
  }

  /** {@code d4j forecast train}. */
  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Train an unconditional TSDiff model on windows of context + horizon of one series.",
        "With --origins K the last K horizons are held out (train only before the first origin)."})
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataOptions dataOptions = new DataOptions();

    @Option(names = "--freq", required = true, paramLabel = "F", description = "Frequency: H, D, B, MS (sets TSDiff's lags).")
    String freq;

    @Option(names = "--season", required = true, paramLabel = "M", description = "Seasonal period (baselines, MASE).")
    int season;

    @Option(names = "--context", required = true, paramLabel = "C", description = "Context length.")
    int context;

    @Option(names = "--horizon", required = true, paramLabel = "H", description = "Forecast horizon.")
    int horizon;

    @Option(names = "--origins", defaultValue = "5", paramLabel = "K",
        description = "Evaluation origins held out at the end (default ${DEFAULT-VALUE}; 0 trains on everything).")
    int origins;

    @Option(names = "--val-origins", defaultValue = "0", paramLabel = "V",
        description = "Also hold out V validation origins before the test origins for 'd4j forecast tune'"
            + " (default ${DEFAULT-VALUE}).")
    int valOrigins;

    @Option(names = "--lags", defaultValue = "auto", paramLabel = "LIST",
        description = "auto (TSDiff's for the frequency), none, or comma-separated offsets.")
    String lags;

    @Option(names = "--train-steps", defaultValue = "2000", paramLabel = "N", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
    long trainSteps;

    @Option(names = "--minutes", defaultValue = "0", paramLabel = "M", description = "Stop training after M minutes (0: no limit).")
    double minutes;

    @Option(names = "--width", defaultValue = "64", paramLabel = "W", description = "S4 width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--depth", defaultValue = "3", paramLabel = "N", description = "S4 residual blocks (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--scaling", defaultValue = "mean-std", paramLabel = "KIND",
        description = "mean (TSDiff: divide each window by its context's mean |x|) or mean-std (default: then a global"
            + " standardisation fitted on the training windows).")
    String scaling;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run directory (must not hold a model).")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (origins < 0) {
        throw new UsageException("--origins must be >= 0, got " + origins);
      }
      if (valOrigins < 0 || (valOrigins > 0 && origins == 0)) {
        throw new UsageException("--val-origins must be >= 0 and needs --origins >= 1, got " + valOrigins);
      }
      if (!scaling.equals("mean") && !scaling.equals("mean-std")) {
        throw new UsageException("--scaling must be mean or mean-std, got '" + scaling + "'");
      }
      if (minutes < 0) {
        throw new UsageException("--minutes must be >= 0, got " + minutes);
      }
      if (Files.exists(out.resolve(Tsdiff.SPEC_FILE))) {
        throw new UsageException(out + " already holds a forecast model; choose another --out");
      }
      TsdiffSpec s = TsdiffSpec.of(context, horizon, parseLags(lags, freq), freq, season);
      Series series = dataOptions.read();
      int end = series.length();
      if (origins > 0) {
        end = new RollingOrigin(series.length(), horizon, origins).firstOrigin();
      }
      if (valOrigins > 0) {
        end = GuidanceTuning.validationBlock(new RollingOrigin(series.length(), horizon, origins), valOrigins)
            .firstOrigin();
      }
      if (context + horizon > end) {
        throw new UsageException("context " + context + " + horizon " + horizon + " is longer than the " + end
            + " training values of " + series.name());
      }
      double[] train = Arrays.copyOf(series.values(), end);
      Tsdiff.TrainOptions o = Tsdiff.TrainOptions.defaults(trainSteps).withSize(width, depth).withSeed(seed)
          .withTimeLimit(Duration.ofMillis((long) (minutes * 60_000))).withStandardise(scaling.equals("mean-std"));
      long t0 = System.nanoTime();
      float[] losses;
      try (ProgressBar bar = ProgressBar.create(spec, "training")) {
        losses = Tsdiff.train(train, s, o, series.name(), out, bar);
      }
      PrintWriter w = spec.commandLine().getOut();
      double last = 0;
      int k = Math.min(100, losses.length);
      for (int i = losses.length - k; i < losses.length; i++) {
        last += losses[i] / k;
      }
      w.printf("trained %d steps on %d values of %s (window %d x %d channels) in %.1f s, loss %.4f%n", losses.length,
          end, series.name(), s.length(), s.channels(), (System.nanoTime() - t0) / 1e9, last);
      w.println("wrote " + out);
      return ExitCodes.OK;
    }
  }

  static int[] parseLags(String text, String freq) {
    String t = text.trim();
    if (t.equalsIgnoreCase("auto")) {
      return TsdiffSpec.lagsFor(freq);
    }
    if (t.equalsIgnoreCase("none")) {
      return new int[0];
    }
    try {
      return Arrays.stream(t.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray();
    } catch (NumberFormatException e) {
      throw new UsageException("--lags must be auto, none or comma-separated integers, got '" + text + "'");
    }
  }

  /** The histories before each origin. */
  static double[][] histories(double[] values, RollingOrigin r) {
    double[][] h = new double[r.origins()][];
    for (int k = 0; k < r.origins(); k++) {
      h[k] = Arrays.copyOf(values, r.origin(k));
    }
    return h;
  }

  static RollingOrigin origins(Series series, TsdiffSpec s, int origins) {
    RollingOrigin r = new RollingOrigin(series.length(), s.horizon(), origins);
    if (r.firstOrigin() < s.context()) {
      throw new UsageException("context " + s.context() + " is longer than the " + r.firstOrigin()
          + " values before the first origin of " + series.name());
    }
    return r;
  }

  /** {@code d4j forecast predict}. */
  @Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Sample forecasts at K rolling origins at the end of the series with a trained model.",
        "Writes F.npy of shape (origins, samples, horizon) in the series' units (atomic), and a fan chart with --png."})
  static final class Predict implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataOptions dataOptions = new DataOptions();
    @Mixin SamplingOptions sampling = new SamplingOptions();

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "Run directory of 'd4j forecast train'.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "F.npy", description = "Forecast samples (origins, samples, horizon).")
    Path out;

    @Option(names = "--png", paramLabel = "FILE", description = "Fan chart: context, median, 50%% and 90%% bands, truth.")
    Path png;

    @Override
    public Integer call() throws IOException {
      sampling.check();
      TsdiffSpec s = Tsdiff.readSpec(model);
      Series series = dataOptions.read();
      RollingOrigin r = origins(series, s, sampling.origins);
      double[][][] f;
      long t0 = System.nanoTime();
      try (NetworkDenoiser m = Tsdiff.readModel(model)) {
        f = sampling.forecaster(m, s, sampling.guidance(model)).forecastAll(histories(series.values(), r), s.horizon(), sampling.samples,
            sampling.seed);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      writeForecasts(out, f);
      PrintWriter w = spec.commandLine().getOut();
      w.printf("forecast %d origins x %d samples, horizon %d, in %.1f s%n", r.origins(), sampling.samples, s.horizon(),
          seconds);
      w.println("wrote " + out);
      if (png != null) {
        fanChart(png, series, r, s, f);
        w.println("wrote " + png);
      }
      return ExitCodes.OK;
    }
  }

  /** Writes forecasts (origins, samples, horizon) as .npy (atomically). */
  static void writeForecasts(Path file, double[][][] f) throws IOException {
    int samples = f[0].length;
    int horizon = f[0][0].length;
    double[] flat = new double[f.length * samples * horizon];
    int i = 0;
    for (double[][] o : f) {
      for (double[] p : o) {
        for (double v : p) {
          flat[i++] = v;
        }
      }
    }
    Npy.write(file, new long[] {f.length, samples, horizon}, flat);
  }

  /** One panel per origin (at most 4, the last ones): context, truth, median, 50% and 90% bands. */
  static void fanChart(Path file, Series series, RollingOrigin r, TsdiffSpec s, double[][][] f) throws IOException {
    List<Plot> panels = new ArrayList<>();
    double[] v = series.values();
    for (int k = Math.max(0, r.origins() - 4); k < r.origins(); k++) {
      int origin = r.origin(k);
      int from = Math.max(0, origin - Math.min(s.context(), 3 * s.horizon()));
      double[] cx = new double[origin - from];
      double[] cy = new double[origin - from];
      for (int i = from; i < origin; i++) {
        cx[i - from] = i;
        cy[i - from] = v[i];
      }
      int h = s.horizon();
      double[] hx = new double[h];
      double[] truth = new double[h];
      double[][] q = new double[5][h];
      double[] levels = {0.05, 0.25, 0.5, 0.75, 0.95};
      for (int j = 0; j < h; j++) {
        hx[j] = origin + j;
        truth[j] = v[origin + j];
        double[] col = new double[f[k].length];
        for (int smp = 0; smp < col.length; smp++) {
          col[smp] = f[k][smp][j];
        }
        Arrays.sort(col);
        for (int l = 0; l < levels.length; l++) {
          q[l][j] = ForecastMetrics.quantileOfSorted(col, levels[l]);
        }
      }
      Color base = Plot.color(0);
      Plot p = Plot.of(series.name() + ", origin " + origin
          + (series.dates().isEmpty() ? "" : " (" + series.dates().get(origin) + ")")).xLabel("time index");
      p.band(hx, q[0], q[4], new Color(base.getRed(), base.getGreen(), base.getBlue(), 60), "90%");
      p.band(hx, q[1], q[3], new Color(base.getRed(), base.getGreen(), base.getBlue(), 120), "50%");
      p.line(cx, cy, Color.BLACK, "context");
      p.line(hx, truth, Color.DARK_GRAY, "truth", true);
      p.line(hx, q[2], Plot.color(1), "median");
      panels.add(p);
    }
    Plot.figure(file, Math.min(2, panels.size()), 560, 360, panels.toArray(new Plot[0]));
  }

  /** TSDiff's refinement time: step 20 of the 100 training steps, t = 21/100 on the discrete path. */
  static final double REFINE_TIME = 0.21;

  /** {@code d4j forecast eval}. */
  @Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Rolling-origin evaluation of a trained model against seasonal naive and seasonal naive with"
          + " bootstrapped residuals: mean wQL (q = 0.1..0.9), CRPS, MASE, 80%% coverage and forecast time."})
  static final class Eval implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataOptions dataOptions = new DataOptions();
    @Mixin SamplingOptions sampling = new SamplingOptions();

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "Run directory of 'd4j forecast train'.")
    Path model;

    @Option(names = "--refine", defaultValue = "none", paramLabel = "KIND",
        description = "Also refine the bootstrapped seasonal naive forecasts with the model (TSDiff section 3.2):"
            + " none (default), langevin, most-likely or both.")
    String refine;

    @Option(names = "--png", paramLabel = "FILE", description = "Fan chart of the TSDiff forecasts.")
    Path png;

    @Option(names = "--out", paramLabel = "F.npy", description = "Also write the TSDiff forecasts (origins, samples, horizon).")
    Path out;

    @Override
    public Integer call() throws IOException {
      sampling.check();
      List<org.diffusion4j.forecast.Refinement.Method> refiners = switch (refine) {
        case "none" -> List.of();
        case "langevin" -> List.of(org.diffusion4j.forecast.Refinement.Method.LANGEVIN);
        case "most-likely" -> List.of(org.diffusion4j.forecast.Refinement.Method.MOST_LIKELY);
        case "both" -> List.of(org.diffusion4j.forecast.Refinement.Method.LANGEVIN,
            org.diffusion4j.forecast.Refinement.Method.MOST_LIKELY);
        default -> throw new UsageException("--refine must be none, langevin, most-likely or both, got '" + refine + "'");
      };
      TsdiffSpec s = Tsdiff.readSpec(model);
      Series series = dataOptions.read();
      RollingOrigin r = origins(series, s, sampling.origins);
      double[] v = series.values();
      PrintWriter w = spec.commandLine().getOut();
      w.printf("%s: %d values, %d origins of horizon %d (first at %d), %d samples, season %d%n", series.name(),
          v.length, r.origins(), s.horizon(), r.firstOrigin(), sampling.samples, s.season());
      w.printf("%-30s %8s %10s %8s %8s %9s%n", "method", "wQL", "CRPS", "MASE", "cov80", "time s");
      try (NetworkDenoiser m = Tsdiff.readModel(model)) {
        GuidanceTuning.Candidate g = sampling.guidance(model);
        TsdiffForecaster tsdiff = sampling.forecaster(m, s, g);
        long t0 = System.nanoTime();
        double[][][] f = tsdiff.forecastAll(histories(v, r), s.horizon(), sampling.samples, sampling.seed);
        row(w, "tsdiff (" + g + ")", r.score(f, v, s.season()),
            System.nanoTime() - t0);
        if (png != null) {
          fanChart(png, series, r, s, f);
        }
        if (out != null) {
          writeForecasts(out, f);
        }
        RollingOrigin.Evaluation base = r.evaluate(SeasonalNaive.bootstrapped(s.season()), v, sampling.samples,
            s.season(), sampling.seed);
        for (org.diffusion4j.forecast.Refinement.Method method : refiners) {
          long t1 = System.nanoTime();
          double[][][] refined = tsdiff.refineAll(histories(v, r), base.forecasts(),
              org.diffusion4j.forecast.Refinement.Options.tsdiff(method, g.loss(),
                  REFINE_TIME), sampling.seed);
          row(w, "snaive-boot + " + (method == org.diffusion4j.forecast.Refinement.Method.LANGEVIN ? "langevin"
              : "most-likely"), r.score(refined, v, s.season()), System.nanoTime() - t1 + base.nanos());
        }
      }
      for (Forecaster b : new Forecaster[] {SeasonalNaive.plain(s.season()), SeasonalNaive.bootstrapped(s.season())}) {
        RollingOrigin.Evaluation e = r.evaluate(b, v, sampling.samples, s.season(), sampling.seed);
        row(w, b.toString(), e.scores(), e.nanos());
      }
      if (png != null) {
        w.println("wrote " + png);
      }
      return ExitCodes.OK;
    }

    private static void row(PrintWriter w, String name, ForecastMetrics.Scores sc, long nanos) {
      w.printf("%-30s %8.4f %10.4f %8.4f %8.3f %9.2f%n", name, sc.wql(), sc.crps(), sc.mase(), sc.coverage80(),
          nanos / 1e9);
    }
  }

  /** {@code d4j forecast tstr}. */
  @Command(name = "tstr", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Train on synthetic, test on real (TSDiff section 3.3): a ridge linear forecaster fitted on N"
          + " unconditional TSDiff windows against the same forecaster fitted on the real training windows, both"
          + " scored at the rolling origins. Optionally writes the synthetic windows (N, L), mean-scaled, to --out."})
  static final class Tstr implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataOptions dataOptions = new DataOptions();

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "Run directory of 'd4j forecast train'.")
    Path model;

    @Option(names = "--origins", defaultValue = "5", paramLabel = "K", description = "Rolling origins (default ${DEFAULT-VALUE}).")
    int origins;

    @Option(names = "--windows", defaultValue = "1000", paramLabel = "N", description = "Synthetic windows (default ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--solver", defaultValue = "ddpm", paramLabel = "NAME", description = "Sampler (default ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--steps", defaultValue = "100", paramLabel = "N", description = "Model evaluations on TSDiff's uniform grid, ending with the final denoising (default ${DEFAULT-VALUE}: every training step).")
    int steps;

    @Option(names = "--ridge", defaultValue = "0.1", paramLabel = "R", description = "Ridge penalty (default ${DEFAULT-VALUE}).")
    double ridge;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "S.npy", description = "Write the synthetic windows here.")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (windows < 1) {
        throw new UsageException("--windows must be at least 1, got " + windows);
      }
      TsdiffSpec s = Tsdiff.readSpec(model);
      Series series = dataOptions.read();
      RollingOrigin r = origins(series, s, origins);
      double[] v = series.values();
      double[][] synthetic;
      long t0 = System.nanoTime();
      try (NetworkDenoiser m = Tsdiff.readModel(model)) {
        synthetic = new TsdiffForecaster(m, s, solver, steps, SelfGuidance.Loss.QUANTILE, 0).synthesize(windows, seed);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (out != null) {
        double[] flat = new double[windows * s.length()];
        for (int i = 0; i < windows; i++) {
          System.arraycopy(synthetic[i], 0, flat, i * s.length(), s.length());
        }
        Npy.write(out, new long[] {windows, s.length()}, flat);
      }
      double[][] real = org.diffusion4j.forecast.LinearForecaster.windows(Arrays.copyOf(v, r.firstOrigin()), s.context(),
          s.horizon());
      PrintWriter w = spec.commandLine().getOut();
      w.printf("%s: %d synthetic windows in %.1f s; %d real training windows%n", series.name(), windows, seconds,
          real.length);
      w.printf("%-30s %8s %8s%n", "linear forecaster trained on", "wQL", "MASE");
      for (int k = 0; k < 2; k++) {
        org.diffusion4j.forecast.LinearForecaster f = org.diffusion4j.forecast.LinearForecaster.fit(
            k == 0 ? real : synthetic, s.context(), s.horizon(), ridge);
        RollingOrigin.Evaluation e = r.evaluate(f, v, 2, s.season(), seed);
        w.printf("%-30s %8.4f %8.4f%n", k == 0 ? "real windows" : "synthetic windows (TSTR)", e.scores().wql(),
            e.scores().mase());
      }
      if (out != null) {
        w.println("wrote " + out);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code d4j forecast tune}. */
  @Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Choose the guidance energy and scale of a run on V validation origins strictly before the K test"
          + " origins (lowest mean wQL), and store the choice in the run for '--scale auto'.",
        "Train the run with the same --origins K --val-origins V so that the validation block is out of sample."})
  static final class Tune implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DataOptions dataOptions = new DataOptions();

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "Run directory of 'd4j forecast train'.")
    Path model;

    @Option(names = "--origins", defaultValue = "5", paramLabel = "K", description = "Test origins, never looked at (default ${DEFAULT-VALUE}).")
    int origins;

    @Option(names = "--val-origins", defaultValue = "2", paramLabel = "V",
        description = "Validation origins, one horizon apart, ending at the first test origin (default ${DEFAULT-VALUE}).")
    int valOrigins;

    @Option(names = "--candidates", defaultValue = GuidanceTuning.DEFAULT_CANDIDATES, paramLabel = "LIST",
        description = "loss:scale items to try (default ${DEFAULT-VALUE}: TSDiff's published scales).")
    String candidates;

    @Option(names = "--samples", defaultValue = "32", paramLabel = "S", description = "Sample paths per origin (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--solver", defaultValue = "ddpm", paramLabel = "NAME", description = "Sampler (default ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--steps", defaultValue = "100", paramLabel = "N", description = "Model evaluations on TSDiff's grid (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
      if (samples < 2) {
        throw new UsageException("--samples must be at least 2, got " + samples);
      }
      List<GuidanceTuning.Candidate> list = GuidanceTuning.parse(candidates);
      TsdiffSpec s = Tsdiff.readSpec(model);
      Series series = dataOptions.read();
      RollingOrigin test = origins(series, s, origins);
      RollingOrigin validation = GuidanceTuning.validationBlock(test, valOrigins);
      if (validation.firstOrigin() < s.context()) {
        throw new UsageException("context " + s.context() + " is longer than the " + validation.firstOrigin()
            + " values before the first validation origin of " + series.name());
      }
      PrintWriter w = spec.commandLine().getOut();
      w.printf("%s: %d validation origins of horizon %d at %d..%d (test origins from %d), %d samples%n", series.name(),
          valOrigins, s.horizon(), validation.firstOrigin(), validation.origin(valOrigins - 1), test.firstOrigin(),
          samples);
      w.printf("%-16s %8s %10s %8s %8s %9s %14s%n", "guidance", "wQL", "CRPS", "MASE", "cov80", "time s",
          "TSDiff scale");
      GuidanceTuning.Result result;
      try (NetworkDenoiser m = Tsdiff.readModel(model)) {
        result = GuidanceTuning.tune(list, validation, series.values(), s.season(), (c, histories) ->
            new TsdiffForecaster(m, s, solver, steps, c.loss(), c.scale()).forecastAll(histories, s.horizon(), samples,
                seed));
      }
      for (GuidanceTuning.Trial t : result.trials()) {
        ForecastMetrics.Scores sc = t.scores();
        w.printf("%-16s %8.4f %10.4f %8.4f %8.3f %9.2f %14.4g%s%n", t.candidate(), sc.wql(), sc.crps(), sc.mase(),
            sc.coverage80(), t.nanos() / 1e9, s.officialScale(t.candidate().loss(), t.candidate().scale()),
            t.failure() == null ? "" : "  failed: " + t.failure());
      }
      GuidanceTuning.Trial best = result.bestTrial();
      if (Double.isNaN(best.scores().wql())) {
        throw new IllegalStateException("every guidance candidate failed on the validation origins; try smaller scales");
      }
      Tsdiff.writeGuidance(model, new GuidanceTuning.Choice(best.candidate().loss(), best.candidate().scale(),
          valOrigins, validation.firstOrigin(), samples, best.scores().wql()));
      w.printf("chose %s (validation wQL %.4f); wrote %s%n", best.candidate(), best.scores().wql(),
          model.resolve(Tsdiff.GUIDANCE_FILE));
      return ExitCodes.OK;
    }
  }
}
