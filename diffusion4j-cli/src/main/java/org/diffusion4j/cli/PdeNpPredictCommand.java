package org.diffusion4j.cli;

import java.awt.Color;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.cli.plot.Plot;
import org.diffusion4j.io.Csv;
import org.diffusion4j.nn.pde.RandomGridNp;
import org.diffusion4j.pde.ParametricPde;
import org.diffusion4j.pde.RandomGrid;
import org.diffusion4j.random.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j pde np-predict}: the predictive mean and 95% band of a trained {@link RandomGridNp}
 * for one parameter vector (forward problem, grids and latents marginalised) or from noisy
 * observations at random off-grid points (inverse problem, {@code --observe K}), against the
 * finite-difference reference; writes a PNG and optionally a CSV.
 */
@Command(name = "np-predict", mixinStandardHelpOptions = true,
    description = {"Predict with a trained random-grid neural process: mean and 95% band against the finite-difference "
        + "reference, for given parameters (forward) or from noisy observations (--observe, inverse)."})
final class PdeNpPredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model directory written by np-train.")
  Path model;

  @Option(names = "--theta", split = ",", description = "Problem parameters (default: a draw from N(0, I) with --seed).")
  double[] theta;

  @Option(names = "--grid-size", defaultValue = "32", description = "Points of each random input grid (default ${DEFAULT-VALUE}).")
  int gridSize;

  @Option(names = "--grids", defaultValue = "8", description = "Random grids drawn (forward problem; default ${DEFAULT-VALUE}).")
  int grids;

  @Option(names = "--samples", defaultValue = "400", description = "Predictive samples in all (default ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--observe", defaultValue = "0", description = "Inverse problem: this many noisy observations of u at random points (Burgers: at t = T).")
  int observe;

  @Option(names = "--noise", defaultValue = "0.02", description = "Observation noise std relative to max|u| (default ${DEFAULT-VALUE}).")
  double noise;

  @Option(names = "--time", description = "Burgers: the time to plot (default T).")
  Double time;

  @Option(names = "--plot", required = true, description = "PNG of the mean and band against the reference.")
  Path plot;

  @Option(names = "--out", description = "CSV with columns x, t, mean, lower, upper, reference.")
  Path out;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (samples < 1 || grids < 1 || gridSize < 2) {
      throw new UsageException("--samples and --grids must be >= 1 and --grid-size >= 2, got " + samples + ", " + grids
          + ", " + gridSize);
    }
    if (observe < 0 || !(noise > 0)) {
      throw new UsageException("--observe must be >= 0 and --noise > 0, got " + observe + ", " + noise);
    }
    RandomGridNp np = RandomGridNp.load(model);
    ParametricPde family = np.family();
    double[] th = theta != null ? theta : family.sampleParameters(Rng.of(seed).stream(7));
    if (th.length != family.parameters()) {
      throw new UsageException("--theta needs " + family.parameters() + " values for " + family.name() + ", got " + th.length);
    }
    double when = time != null ? time : family.endTime();
    if (family.timeDependent() && !(when > 0 && when <= family.endTime())) {
      throw new UsageException("--time must be in (0, " + family.endTime() + "], got " + when);
    }
    double[] qx = new double[101];
    for (int i = 0; i < qx.length; i++) {
      qx[i] = family.lower() + (family.upper() - family.lower()) * i / 100.0;
    }
    double[] qt = null;
    if (family.timeDependent()) {
      qt = new double[qx.length];
      Arrays.fill(qt, when);
    }
    double[] reference = family.reference(th, qx, qt);
    var o = spec.commandLine().getOut();
    RandomGridNp.Prediction p;
    double[] ox = null;
    double[] oy = null;
    String title;
    if (observe == 0) {
      p = np.predictParameters(th, gridSize, grids, Math.max(1, samples / grids), qx, qt, seed);
      title = family.name() + ": forward prediction, theta = " + format(th);
    } else {
      Rng rng = Rng.of(seed).stream(8);
      ox = RandomGrid.uniform(rng, observe, family.lower(), family.upper());
      double[] ot = null;
      if (family.timeDependent()) {
        ot = new double[observe];
        Arrays.fill(ot, family.endTime());
      }
      double[] truth = family.reference(th, ox, ot);
      double scale = 0;
      for (double v : reference) {
        scale = Math.max(scale, Math.abs(v));
      }
      double std = noise * Math.max(scale, 1e-12);
      oy = new double[observe];
      for (int k = 0; k < observe; k++) {
        oy[k] = truth[k] + std * rng.nextGaussian();
      }
      RandomGridNp.Inverse inv = np.inverse(ox, ot, oy, std, gridSize, samples, qx, qt, seed);
      p = inv.solution();
      o.printf("posterior theta mean %s (true %s)%n", format(inv.posterior().mean()), format(th));
      double[] sd = new double[th.length];
      for (int k = 0; k < sd.length; k++) {
        sd[k] = Math.sqrt(inv.posterior().covariance()[k][k]);
      }
      o.printf("posterior theta std  %s%n", format(sd));
      title = family.name() + ": inverse problem, " + observe + " noisy observations";
      if (family.timeDependent() && when != family.endTime()) {
        ox = null; // observations are at t = T only
      }
    }
    double num = 0;
    double den = 0;
    int inside = 0;
    for (int j = 0; j < qx.length; j++) {
      num += (p.mean()[j] - reference[j]) * (p.mean()[j] - reference[j]);
      den += reference[j] * reference[j];
      if (reference[j] >= p.lower()[j] - 1e-12 && reference[j] <= p.upper()[j] + 1e-12) {
        inside++;
      }
    }
    o.printf("relative L2 error of the predictive mean against the finite-difference solver: %.4f%n", Math.sqrt(num / den));
    o.printf("reference inside the 95%% band at %d of %d points%n", inside, qx.length);
    Plot plt = Plot.of(title + (family.timeDependent() ? ", t = " + when : "")).xLabel("x").yLabel("u");
    Color blue = Plot.color(0);
    plt.band(qx, p.lower(), p.upper(), new Color(blue.getRed(), blue.getGreen(), blue.getBlue(), 70), "95% band");
    plt.line(qx, reference, Color.BLACK, "finite-difference reference");
    plt.line(qx, p.mean(), blue, "predictive mean");
    if (ox != null) {
      // markers only: a NaN after each point breaks the polyline
      double[] mx = new double[2 * ox.length];
      double[] my = new double[2 * ox.length];
      Arrays.fill(mx, Double.NaN);
      Arrays.fill(my, Double.NaN);
      for (int k = 0; k < ox.length; k++) {
        mx[2 * k] = ox[k];
        my[2 * k] = oy[k];
      }
      plt.line(mx, my, Plot.color(1), "observations", true);
    }
    plt.writePng(plot, 900, 500);
    o.println("wrote " + plot);
    if (out != null) {
      double[] rows = new double[qx.length * 6];
      for (int j = 0; j < qx.length; j++) {
        double[] r = {qx[j], qt == null ? 0 : qt[j], p.mean()[j], p.lower()[j], p.upper()[j], reference[j]};
        System.arraycopy(r, 0, rows, j * 6, 6);
      }
      Csv.write(out, new Batch(qx.length, 6, rows), List.of("x", "t", "mean", "lower", "upper", "reference"));
      o.println("wrote " + out);
    }
    return ExitCodes.OK;
  }

  /** Poisson: {@code count} points on [a, b]; Burgers: the same at t = T/4, T/2, 3T/4, T. */
  static double[][] evaluationPoints(ParametricPde family, int count) {
    int times = family.timeDependent() ? 4 : 1;
    double[] x = new double[count * times];
    double[] t = family.timeDependent() ? new double[x.length] : null;
    for (int k = 0; k < times; k++) {
      for (int i = 0; i < count; i++) {
        x[k * count + i] = family.lower() + (family.upper() - family.lower()) * i / (count - 1.0);
        if (t != null) {
          t[k * count + i] = family.endTime() * (k + 1) / times;
        }
      }
    }
    return new double[][] {x, t};
  }

  private static String format(double[] v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      s.append(i > 0 ? ", " : "").append(String.format("%.3f", v[i]));
    }
    return s.append("]").toString();
  }
}
