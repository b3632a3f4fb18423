package org.diffusion4j.nn.neuralsde;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.irregular.LinearPath;
import org.diffusion4j.nn.sde.SdeFitModel;
import org.diffusion4j.nn.sde.SdeFitModels;
import org.diffusion4j.sde.latent.ObservedSeries;

/**
 * {@code d4j sde fit --model lsde|lnsde|gsde|nsde|ncde}: the stable neural SDEs of Oh et al.
 * (2024), the unconstrained neural SDE and the neural CDE, fitted by {@link IrregularFit} as an
 * <b>interpolation</b> model of the observed series. Task: a fraction {@code drop} of each series'
 * time points is dropped (seeded, {@link IrregularBatch#dropTimePoints}), the model reads the
 * remaining values (with time as a channel) through its controlled path and learns to output the
 * full series at every observation time, dropped values included (MSE on all values). The fit
 * reports the MSE on the values dropped by a fresh mask (seed + 1) against linear interpolation of
 * the same kept values ({@code dropped_mse}, {@code linear_mse}): in-sample, since every value was
 * a training target, but with a new pattern of kept points.
 * Values are standardised and time rescaled to one unit per observation ({@link SeriesScaling}).
 *
 * <p>{@link #sample} conditions on all stored observations and returns the model's values at the
 * requested times (merged into the observation grid): path p fills series p mod N with its own
 * Brownian draw (for ncde, which is deterministic, copies of a series are identical).
 *
 * <p>Options (-P): {@code drop} (fraction of time points dropped in training, [0, 1), default 0.3),
 * {@code hidden} (latent and MLP width, default 16), {@code interpolation} (hermite | linear,
 * default hermite), {@code substeps} (solver steps per observation interval, default 1).
 */
public final class IrregularFitModel implements SdeFitModel {
  private final IrregularModel kind;

  public IrregularFitModel(IrregularModel kind) {
    this.kind = kind;
  }

  /**
   * What {@code sde-model.json} holds besides the network ({@code model.json}, {@code weights.npz}):
   * the data's times and values (series-major) to condition on when sampling, and the scaling.
   */
  public record IrregularRun(String model, double t0, double[] times, double[] values, int series,
      SeriesScaling scaling, double drop) {}

  @Override
  public String name() {
    return kind.cliName();
  }

  @Override
  public Set<String> options() {
    return Set.of("drop", "hidden", "interpolation", "substeps");
  }

  @Override
  public double defaultLearningRate() {
    return IrregularFit.Options.defaults().learningRate();
  }

  @Override
  public String lossName() {
    return "training MSE (standardised, mean of the last 10% of steps)";
  }

  @Override
  public String fittedName() {
    return "values filled from the kept observations";
  }

  @Override
  public FitResult fit(ObservedSeries data, FitSettings s, Map<String, String> options, Path runDir) throws IOException {
    SdeFitModel.checkOptions(this, options);
    double drop = SdeFitModel.option(options, "drop", 0.3);
    if (!(drop >= 0 && drop < 1)) {
      throw new IllegalArgumentException("option drop must be in [0, 1), got " + drop);
    }
    int hidden = positiveInt(options, "hidden", 16);
    int substeps = positiveInt(options, "substeps", 1);
    String interp = options.getOrDefault("interpolation", "hermite").toLowerCase(Locale.ROOT);
    IrregularFit.Interpolation interpolation = switch (interp) {
      case "hermite" -> IrregularFit.Interpolation.HERMITE;
      case "linear" -> IrregularFit.Interpolation.LINEAR;
      default -> throw new IllegalArgumentException("option interpolation must be hermite or linear, got '" + interp + "'");
    };
    int n = data.count();
    int len = data.length();
    SeriesScaling scaling = SeriesScaling.of(data);
    double[] z = scaling.modelValues(data);
    IrregularBatch full = new IrregularBatch(scaling.modelTimes(data.times()), z, n, 1);
    IrregularBatch inputs = full.dropTimePoints(drop, s.seed()).withTimeChannel();
    IrregularFit.Options defaults = IrregularFit.Options.defaults();
    IrregularFit.Options o = new IrregularFit.Options(hidden, defaults.layers(), s.iterations(), defaults.batch(),
        s.learningRate(), substeps, interpolation, s.seed());
    FittedIrregular fitted = IrregularFit.fit(kind, IrregularData.interpolation(inputs, z, 1), o);
    Files.createDirectories(runDir);
    fitted.save(runDir);
    double[] values = new double[n * len];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < len; k++) {
        values[i * len + k] = data.value(i, k);
      }
    }
    IrregularRun run = new IrregularRun(name(), data.time(0), data.times(), values, n, scaling, drop);
    AtomicFiles.writeString(runDir.resolve(SdeFitModels.RUN_FILE), JsonRecords.toJson(run) + "\n");

    // Scored on a fresh drop mask (the training mask's seed + 1): the values are in-sample (every
    // value was a training target) but the pattern of kept points is new.
    IrregularBatch shown = full.dropTimePoints(drop, s.seed() + 1);
    double[][] observed = scaling.dataRows(z, n, len);
    double[][] filled = scaling.dataRows(fitted.predict(shown.withTimeChannel(), s.seed() + 1), n, len);
    double[][] linear = scaling.dataRows(LinearPath.fill(shown), n, len);
    double modelDropped = 0;
    double linearDropped = 0;
    double modelKept = 0;
    int dropped = 0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < len; k++) {
        double e = filled[i][k] - observed[i][k];
        if (Double.isNaN(shown.value(i, k, 0))) {
          double l = linear[i][k] - observed[i][k];
          modelDropped += e * e;
          linearDropped += l * l;
          dropped++;
        } else {
          modelKept += e * e;
        }
      }
    }
    Map<String, Double> report = new LinkedHashMap<>();
    report.put("dropped_mse", dropped == 0 ? Double.NaN : modelDropped / dropped);
    report.put("linear_mse", dropped == 0 ? Double.NaN : linearDropped / dropped);
    report.put("kept_mse", modelKept / Math.max(1, n * len - dropped));
    report.put("dropped", (double) dropped);
    report.put("skipped", (double) fitted.skippedSteps());
    return new FitResult(report, tailMean(fitted.losses()), data.times(), observed, filled);
  }

  @Override
  public double[][] sample(Path runDir, double[] times, int paths, long seed) throws IOException {
    Path file = runDir.resolve(SdeFitModels.RUN_FILE);
    IrregularRun run = JsonRecords.fromJson(IrregularRun.class, (Map<?, ?>) Json.parse(Files.readString(file)), file.toString());
    FittedIrregular fitted = FittedIrregular.load(runDir);
    SeriesScaling sc = run.scaling();
    double[] dataTimes = run.times();
    int len = dataTimes.length;
    // Merge the requested times into the observation times (a request within 1e-9 of the span of
    // an observation time is that time), so that the model is conditioned on every observation.
    double tol = 1e-9 * (dataTimes[len - 1] - dataTimes[0]);
    java.util.TreeSet<Double> grid = new java.util.TreeSet<>();
    for (double t : dataTimes) {
      grid.add(t);
    }
    for (double t : times) {
      if (!Double.isFinite(t)) {
        throw new IllegalArgumentException("sample times must be finite, got " + t);
      }
      Double near = grid.floor(t + tol);
      if (near == null || Math.abs(near - t) > tol) {
        grid.add(t);
      }
    }
    double[] merged = grid.stream().mapToDouble(Double::doubleValue).toArray();
    int m = merged.length;
    double[] z = new double[paths * m];
    java.util.Arrays.fill(z, Double.NaN);
    for (int p = 0; p < paths; p++) {
      int series = p % run.series();
      for (int k = 0; k < len; k++) {
        int at = java.util.Arrays.binarySearch(merged, dataTimes[k]);
        z[p * m + at] = (run.values()[series * len + k] - sc.mean()) / sc.sd();
      }
    }
    IrregularBatch inputs = new IrregularBatch(sc.modelTimes(merged), z, paths, 1).withTimeChannel();
    double[][] all = sc.dataRows(fitted.predict(inputs, seed), paths, m);
    double[][] out = new double[paths][times.length];
    for (int q = 0; q < times.length; q++) {
      Double near = grid.floor(times[q] + tol);
      int at = java.util.Arrays.binarySearch(merged, near);
      for (int p = 0; p < paths; p++) {
        out[p][q] = all[p][at];
      }
    }
    return out;
  }

  /** Option {@code key} as an integer in [1, 4096], {@code dflt} when absent. */
  static int positiveInt(Map<String, String> options, String key, int dflt) {
    double v = SdeFitModel.option(options, key, dflt);
    if (!(v >= 1 && v <= 4096 && v == Math.rint(v))) {
      throw new IllegalArgumentException("option " + key + " must be an integer in [1, 4096], got " + options.get(key));
    }
    return (int) v;
  }

  /** Mean of the finite values among the last 10% (at least one) of {@code losses}; NaN if none. */
  static double tailMean(double[] losses) {
    int from = losses.length - Math.max(1, losses.length / 10);
    double sum = 0;
    int count = 0;
    for (int k = Math.max(0, from); k < losses.length; k++) {
      if (Double.isFinite(losses[k])) {
        sum += losses[k];
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }
}
