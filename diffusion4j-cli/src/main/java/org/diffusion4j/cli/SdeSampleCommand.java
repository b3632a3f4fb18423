package org.diffusion4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.cli.plot.Plot;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.sde.SdeFitModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code d4j sde sample}: paths from a model fitted by {@code d4j sde fit}, as NPY (paths, times) and an optional PNG. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Sample paths from a fitted SDE run (d4j sde fit).")
final class SdeSampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Run directory written by d4j sde fit.")
  Path run;

  @Option(names = "--t0", description = "First save time (default: the data's first time).")
  Double t0;

  @Option(names = "--t1", required = true, description = "Last save time.")
  double t1;

  @Option(names = "--saves", defaultValue = "50", description = "Number of save times, evenly spaced (default ${DEFAULT-VALUE}).")
  int saves;

  @Option(names = "--paths", defaultValue = "100", description = "Number of paths (default ${DEFAULT-VALUE}).")
  int paths;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", description = "Output NPY, shape (paths, saves).")
  Path out;

  @Option(names = "--plot", description = "PNG of the paths.")
  Path plot;

  @Override
  public Integer call() throws Exception {
    if (saves < 2) {
      throw new UsageException("--saves must be >= 2, got " + saves);
    }
    if (paths < 1) {
      throw new UsageException("--paths must be >= 1, got " + paths);
    }
    var model = SdeFitModels.forRun(run);
    double start = t0 != null ? t0 : Double.NaN;
    if (Double.isNaN(start)) {
      start = firstTime();
    }
    if (!(t1 > start)) {
      throw new UsageException("--t1 must be after the first time " + start + ", got " + t1);
    }
    double[] times = new double[saves];
    for (int k = 0; k < saves; k++) {
      times[k] = start + (t1 - start) * k / (saves - 1);
    }
    double[][] s = model.sample(run, times, paths, seed);
    var o = spec.commandLine().getOut();
    double[] last = new double[paths];
    double mean = 0;
    for (int p = 0; p < paths; p++) {
      last[p] = s[p][saves - 1];
      mean += last[p] / paths;
    }
    double var = 0;
    for (double v : last) {
      var += (v - mean) * (v - mean) / Math.max(1, paths - 1);
    }
    o.printf("%d paths from %s over [%.4g, %.4g]: at t1 mean %.5g, std %.5g%n", paths, run, start, t1, mean, Math.sqrt(var));
    if (out != null) {
      double[] flat = new double[paths * saves];
      for (int p = 0; p < paths; p++) {
        System.arraycopy(s[p], 0, flat, p * saves, saves);
      }
      Npy.write(out, new long[] {paths, saves}, flat);
      o.println("wrote " + out + " shape (" + paths + ", " + saves + ")");
    }
    if (plot != null) {
      Plot pl = Plot.of("sampled paths").xLabel("t").yLabel("y");
      for (int p = 0; p < Math.min(paths, 20); p++) {
        pl.line(times, s[p], Plot.color(p), null, false);
      }
      pl.writePng(plot, 900, 500);
      o.println("wrote " + plot);
    }
    return ExitCodes.OK;
  }

  private double firstTime() throws java.io.IOException {
    Object json = org.diffusion4j.io.Json.parse(java.nio.file.Files.readString(run.resolve(SdeFitModels.RUN_FILE)));
    return org.diffusion4j.io.Json.number(((java.util.Map<?, ?>) json).get("t0"), "t0");
  }
}
