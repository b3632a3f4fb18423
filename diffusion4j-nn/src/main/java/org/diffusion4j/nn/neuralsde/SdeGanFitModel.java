package org.diffusion4j.nn.neuralsde;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npz;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.nn.sde.SdeFitModel;
import org.diffusion4j.nn.sde.SdeFitModels;
import org.diffusion4j.sde.latent.ObservedSeries;

/**
 * {@code d4j sde fit --model sde-gan}: the SDE-GAN of {@link SdeGan} (Kidger et al. 2021, after
 * torchsde's {@code examples/sde_gan.py}) trained on the observed series as samples of one
 * process: an unconditional generative model of whole paths. Values are standardised and time
 * rescaled to one unit per observation ({@link SeriesScaling}), the example's grid. {@link #sample}
 * returns generated paths on the requested times (the generator solved on that grid). The fit's
 * "fitted" paths are as many generated paths as there are series: a visual check of the law, not
 * a reconstruction.
 *
 * <p>Options (-P): {@code hidden} (SDE state and MLP width, default 16), {@code batch} (series per
 * step, capped at the number of series, default 128).
 */
public final class SdeGanFitModel implements SdeFitModel {
  private static final String WEIGHTS = "weights.npz";

  /** What {@code sde-model.json} holds; the weights are in {@code weights.npz} (generator.i, discriminator.i). */
  public record GanRun(String model, double t0, SeriesScaling scaling, SdeGan.Options options, int generatorTensors,
      int discriminatorTensors) {}

  @Override
  public String name() {
    return "sde-gan";
  }

  @Override
  public Set<String> options() {
    return Set.of("hidden", "batch");
  }

  @Override
  public double defaultLearningRate() {
    return SdeGan.Options.defaults().generatorLr();
  }

  @Override
  public String lossName() {
    return "D(generated) - D(real), mean of the last 10% of steps";
  }

  @Override
  public String fittedName() {
    return "generated paths";
  }

  @Override
  public FitResult fit(ObservedSeries data, FitSettings s, Map<String, String> options, Path runDir) throws IOException {
    SdeFitModel.checkOptions(this, options);
    SdeGan.Options d = SdeGan.Options.defaults();
    int hidden = IrregularFitModel.positiveInt(options, "hidden", d.hidden());
    int batch = IrregularFitModel.positiveInt(options, "batch", d.batch());
    SdeGan.Options o = new SdeGan.Options(d.initialNoise(), d.noise(), hidden, hidden, d.layers(), s.iterations(), batch,
        s.learningRate(), s.learningRate(), s.seed());
    int n = data.count();
    int len = data.length();
    SeriesScaling scaling = SeriesScaling.of(data);
    double[] z = scaling.modelValues(data);
    SdeGan.Trained trained = SdeGan.fit(new IrregularBatch(scaling.modelTimes(data.times()), z, n, 1), o);
    Files.createDirectories(runDir);
    Map<String, NdArray> arrays = new LinkedHashMap<>();
    put(arrays, "generator", trained.generator());
    put(arrays, "discriminator", trained.discriminator());
    Npz.write(runDir.resolve(WEIGHTS), arrays);
    GanRun run = new GanRun(name(), data.time(0), scaling, o, trained.generator().length, trained.discriminator().length);
    AtomicFiles.writeString(runDir.resolve(SdeFitModels.RUN_FILE), JsonRecords.toJson(run) + "\n");

    double[][] observed = scaling.dataRows(z, n, len);
    double[][] generated = scaling.dataRows(trained.sample(n, s.seed() + 1), n, len);
    Map<String, Double> report = new LinkedHashMap<>();
    report.put("mean_t1_data", columnMean(observed, len - 1));
    report.put("mean_t1_gen", columnMean(generated, len - 1));
    return new FitResult(report, IrregularFitModel.tailMean(trained.losses()), data.times(), observed, generated);
  }

  @Override
  public double[][] sample(Path runDir, double[] times, int paths, long seed) throws IOException {
    Path file = runDir.resolve(SdeFitModels.RUN_FILE);
    GanRun run = JsonRecords.fromJson(GanRun.class, (Map<?, ?>) Json.parse(Files.readString(file)), file.toString());
    Map<String, NdArray> arrays = Npz.read(runDir.resolve(WEIGHTS));
    float[][] generator = get(arrays, "generator", run.generatorTensors(), runDir);
    float[][] discriminator = get(arrays, "discriminator", run.discriminatorTensors(), runDir);
    SdeGan.Trained trained = new SdeGan.Trained(run.options(), generator, discriminator, new double[0],
        run.scaling().modelTimes(times));
    return run.scaling().dataRows(trained.sample(paths, seed), paths, times.length);
  }

  private static void put(Map<String, NdArray> arrays, String prefix, float[][] tensors) {
    for (int i = 0; i < tensors.length; i++) {
      double[] v = new double[tensors[i].length];
      for (int j = 0; j < v.length; j++) {
        v[j] = tensors[i][j];
      }
      arrays.put(prefix + "." + i, new NdArray(new long[] {v.length}, v, "<f4"));
    }
  }

  private static float[][] get(Map<String, NdArray> arrays, String prefix, int count, Path runDir) {
    float[][] out = new float[count][];
    for (int i = 0; i < count; i++) {
      NdArray a = arrays.get(prefix + "." + i);
      if (a == null) {
        throw new IllegalArgumentException(runDir.resolve(WEIGHTS) + ": tensor " + prefix + "." + i + " is missing");
      }
      double[] d = a.data();
      out[i] = new float[d.length];
      for (int j = 0; j < d.length; j++) {
        out[i][j] = (float) d[j];
      }
    }
    return out;
  }

  private static double columnMean(double[][] rows, int k) {
    double m = 0;
    for (double[] r : rows) {
      m += r[k] / rows.length;
    }
    return m;
  }
}
