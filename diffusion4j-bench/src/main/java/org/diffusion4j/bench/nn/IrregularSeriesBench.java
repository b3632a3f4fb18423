package org.diffusion4j.bench.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.diffusion4j.forecast.Series;
import org.diffusion4j.forecast.SeriesReader;
import org.diffusion4j.irregular.HermiteCubicPath;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.irregular.IrregularDatasets;
import org.diffusion4j.irregular.LinearPath;
import org.diffusion4j.nn.neuralsde.FittedIrregular;
import org.diffusion4j.nn.neuralsde.IrregularData;
import org.diffusion4j.nn.neuralsde.IrregularFit;
import org.diffusion4j.nn.neuralsde.IrregularModel;

/**
 * The stable-neural-SDE tables of docs/irregular-sde.md: interpolation and forecasting on the
 * Seattle hourly temperature series and classification of generated OU / fractional OU / GBM
 * paths, with 30%, 50% and 70% of the time points dropped, for LSDE, LNSDE, GSDE, the
 * unconstrained neural SDE and the neural CDE against linear interpolation (and persistence, and a
 * softmax regression on linearly interpolated paths).
 *
 * <pre>
 *   java ... IrregularSeriesBench [task=all|interpolate|forecast|classify] [iterations=300] [seed=0]
 * </pre>
 */
public final class IrregularSeriesBench {
  private IrregularSeriesBench() {}

  static final double[] RATES = {0.3, 0.5, 0.7};
  static final IrregularModel[] MODELS = {IrregularModel.LSDE, IrregularModel.LNSDE, IrregularModel.GSDE,
      IrregularModel.NSDE, IrregularModel.NCDE};

  public static void main(String[] args) throws IOException {
    String task = args.length > 0 ? args[0] : "all";
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 0;
    IrregularFit.Options options = IrregularFit.Options.defaults().withIterations(iterations).withSeed(seed);
    System.out.println("options: " + options);
    if (task.equals("all") || task.equals("interpolate")) {
      interpolation(options, seed);
    }
    if (task.equals("all") || task.equals("forecast")) {
      forecasting(options, seed);
    }
    if (task.equals("all") || task.equals("classify")) {
      classification(options, seed);
    }
  }

  /** Seattle hourly temperature (2010 normals), standardised with the training part's mean and sd. */
  static double[] temperature() throws IOException {
    Series s = SeriesReader.read(Path.of("diffusion4j-bench/data/timeseries/seattle-hourly-temperature.csv"),
        SeriesReader.Options.column("temperature"));
    return s.values();
  }

  static void standardiseWith(double[] x, int trainEnd) {
    double mean = 0;
    for (int i = 0; i < trainEnd; i++) {
      mean += x[i];
    }
    mean /= trainEnd;
    double var = 0;
    for (int i = 0; i < trainEnd; i++) {
      var += (x[i] - mean) * (x[i] - mean);
    }
    double sd = Math.sqrt(var / trainEnd);
    for (int i = 0; i < x.length; i++) {
      x[i] = (x[i] - mean) / sd;
    }
  }

  static IrregularBatch rows(IrregularBatch b, int from, int to) {
    int per = b.length() * b.channels();
    double[] v = new double[(to - from) * per];
    System.arraycopy(b.values(), from * per, v, 0, v.length);
    return new IrregularBatch(b.times(), v, to - from, b.channels());
  }

  /** Interpolation: 48-hour windows (stride 24), first 70% train, rest test; MSE on the dropped points. */
  static void interpolation(IrregularFit.Options options, long seed) throws IOException {
    double[] x = temperature();
    standardiseWith(x, (int) (0.7 * x.length));
    IrregularBatch all = IrregularDatasets.windows(x, 48, 24);
    int split = (int) (0.7 * all.series());
    System.out.printf(Locale.ROOT, "%n## Interpolation: %d train / %d test windows of 48 h, MSE on dropped points "
        + "(standardised units)%n%n", split, all.series() - split);
    header("drop", "linear", "Hermite");
    for (double rate : RATES) {
      IrregularBatch dropped = all.dropTimePoints(rate, seed + 1);
      IrregularBatch train = rows(dropped, 0, split);
      IrregularBatch test = rows(dropped, split, all.series());
      double[] truthTest = rows(all, split, all.series()).values();
      IrregularData data = IrregularData.interpolation(train.withTimeChannel(), rows(all, 0, split).values(), 1);
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %.0f%% ", 100 * rate));
      for (IrregularModel m : MODELS) {
        long t0 = System.nanoTime();
        FittedIrregular fit = IrregularFit.fit(m, data, options);
        double[] pred = fit.predict(test.withTimeChannel(), 99);
        row.append(String.format(Locale.ROOT, "| %.4f ", droppedMse(test, truthTest, pred)));
        System.err.printf(Locale.ROOT, "interp %s %.0f%%: %.1f s, final loss %.4f, skipped %d%n", m, 100 * rate,
            (System.nanoTime() - t0) / 1e9, last(fit.losses()), fit.skippedSteps());
      }
      row.append(String.format(Locale.ROOT, "| %.4f ", droppedMse(test, truthTest, LinearPath.fill(test))));
      double[] hermite = HermiteCubicPath.of(test).sample(test.times());
      row.append(String.format(Locale.ROOT, "| %.4f |", droppedMse(test, truthTest, reorder(hermite, test))));
      System.out.println(row);
    }
  }

  /** (G, n, 1) samples -> (n, G). */
  static double[] reorder(double[] gridMajor, IrregularBatch b) {
    int n = b.series();
    int length = b.length();
    double[] out = new double[n * length];
    for (int k = 0; k < length; k++) {
      for (int i = 0; i < n; i++) {
        out[i * length + k] = gridMajor[k * n + i];
      }
    }
    return out;
  }

  static double droppedMse(IrregularBatch observed, double[] truth, double[] pred) {
    double s = 0;
    int count = 0;
    double[] v = observed.values();
    for (int q = 0; q < v.length; q++) {
      if (Double.isNaN(v[q])) {
        double e = pred[q] - truth[q];
        s += e * e;
        count++;
      }
    }
    return s / count;
  }

  /** Forecasting: 48 observed hours (dropped), then the next 12 hours; MSE. */
  static void forecasting(IrregularFit.Options options, long seed) throws IOException {
    double[] x = temperature();
    standardiseWith(x, (int) (0.7 * x.length));
    int in = 48;
    int horizon = 12;
    IrregularBatch windows = IrregularDatasets.windows(x, in + horizon, 24);
    int n = windows.series();
    int split = (int) (0.7 * n);
    double[] inputs = new double[n * in];
    double[] targets = new double[n * horizon];
    double[] v = windows.values();
    for (int i = 0; i < n; i++) {
      System.arraycopy(v, i * (in + horizon), inputs, i * in, in);
      System.arraycopy(v, i * (in + horizon) + in, targets, i * horizon, horizon);
    }
    IrregularBatch all = new IrregularBatch(IrregularDatasets.indexTimes(in), inputs, n, 1);
    System.out.printf(Locale.ROOT, "%n## Forecasting: 48 h observed -> next 12 h, %d train / %d test windows, MSE "
        + "(standardised units)%n%n", split, n - split);
    header("drop", "persistence", null);
    for (double rate : RATES) {
      IrregularBatch dropped = all.dropTimePoints(rate, seed + 2);
      IrregularBatch train = rows(dropped, 0, split);
      IrregularBatch test = rows(dropped, split, n);
      double[] trainT = new double[split * horizon];
      System.arraycopy(targets, 0, trainT, 0, trainT.length);
      double[] testT = new double[(n - split) * horizon];
      System.arraycopy(targets, trainT.length, testT, 0, testT.length);
      IrregularData data = IrregularData.forecast(train.withTimeChannel(), trainT, horizon);
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %.0f%% ", 100 * rate));
      for (IrregularModel m : MODELS) {
        long t0 = System.nanoTime();
        FittedIrregular fit = IrregularFit.fit(m, data, options);
        double[] pred = fit.predict(test.withTimeChannel(), 99);
        row.append(String.format(Locale.ROOT, "| %.4f ", mse(pred, testT)));
        System.err.printf(Locale.ROOT, "forecast %s %.0f%%: %.1f s, final loss %.4f, skipped %d%n", m, 100 * rate,
            (System.nanoTime() - t0) / 1e9, last(fit.losses()), fit.skippedSteps());
      }
      double[] filled = LinearPath.fill(test);
      double[] persist = new double[testT.length];
      for (int i = 0; i < n - split; i++) {
        for (int j = 0; j < horizon; j++) {
          persist[i * horizon + j] = filled[i * in + in - 1];
        }
      }
      row.append(String.format(Locale.ROOT, "| %.4f |", mse(persist, testT)));
      System.out.println(row);
    }
  }

  static double mse(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s / a.length;
  }

  /** Classification of OU / fractional OU / GBM paths (40 steps): 300 train, 300 test; accuracy. */
  static void classification(IrregularFit.Options options, long seed) {
    IrregularDatasets.Labelled set = IrregularDatasets.processes(200, 40, seed + 3);
    int n = set.batch().series();
    int split = 300;
    int[] trainY = java.util.Arrays.copyOfRange(set.labels(), 0, split);
    int[] testY = java.util.Arrays.copyOfRange(set.labels(), split, n);
    System.out.printf(Locale.ROOT, "%n## Classification: OU vs fractional OU (H = 0.3) vs GBM, %d train / %d test "
        + "paths of 40 steps, accuracy%n%n", split, n - split);
    header("drop", "linear + softmax reg.", null);
    for (double rate : RATES) {
      IrregularBatch dropped = set.batch().dropTimePoints(rate, seed + 4);
      IrregularBatch train = rows(dropped, 0, split);
      IrregularBatch test = rows(dropped, split, n);
      IrregularData data = IrregularData.classification(train.withTimeChannel(), trainY, 3);
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %.0f%% ", 100 * rate));
      for (IrregularModel m : MODELS) {
        long t0 = System.nanoTime();
        FittedIrregular fit = IrregularFit.fit(m, data, options);
        double[] logits = fit.predict(test.withTimeChannel(), 99);
        row.append(String.format(Locale.ROOT, "| %.3f ", accuracy(logits, testY, 3)));
        System.err.printf(Locale.ROOT, "classify %s %.0f%%: %.1f s, final loss %.4f, skipped %d%n", m, 100 * rate,
            (System.nanoTime() - t0) / 1e9, last(fit.losses()), fit.skippedSteps());
      }
      row.append(String.format(Locale.ROOT, "| %.3f |", softmaxBaseline(train, trainY, test, testY)));
      System.out.println(row);
    }
  }

  static double accuracy(double[] logits, int[] labels, int k) {
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int j = 1; j < k; j++) {
        if (logits[i * k + j] > logits[i * k + best]) {
          best = j;
        }
      }
      right += best == labels[i] ? 1 : 0;
    }
    return right / (double) labels.length;
  }

  /**
   * Baseline: linearly interpolate the dropped points, then softmax regression on features (values,
   * increments, squared increments), full-batch gradient descent, 2000 steps of size 0.1.
   */
  static double softmaxBaseline(IrregularBatch train, int[] trainY, IrregularBatch test, int[] testY) {
    double[][] ftr = features(train);
    double[][] fte = features(test);
    int d = ftr[0].length;
    int k = 3;
    double[] w = new double[k * (d + 1)];
    for (int it = 0; it < 2000; it++) {
      double[] g = new double[w.length];
      for (int i = 0; i < ftr.length; i++) {
        double[] p = softmax(w, ftr[i], k);
        for (int j = 0; j < k; j++) {
          double e = p[j] - (trainY[i] == j ? 1 : 0);
          for (int q = 0; q < d; q++) {
            g[j * (d + 1) + q] += e * ftr[i][q];
          }
          g[j * (d + 1) + d] += e;
        }
      }
      for (int q = 0; q < w.length; q++) {
        w[q] -= 0.1 * g[q] / ftr.length;
      }
    }
    double[] logits = new double[fte.length * k];
    for (int i = 0; i < fte.length; i++) {
      System.arraycopy(softmax(w, fte[i], k), 0, logits, i * k, k);
    }
    return accuracy(logits, testY, k);
  }

  static double[] softmax(double[] w, double[] x, int k) {
    int d = x.length;
    double[] z = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      double s = w[j * (d + 1) + d];
      for (int q = 0; q < d; q++) {
        s += w[j * (d + 1) + q] * x[q];
      }
      z[j] = s;
      max = Math.max(max, s);
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      z[j] = Math.exp(z[j] - max);
      sum += z[j];
    }
    for (int j = 0; j < k; j++) {
      z[j] /= sum;
    }
    return z;
  }

  static double[][] features(IrregularBatch b) {
    double[] filled = LinearPath.fill(b);
    int length = b.length();
    double[][] f = new double[b.series()][3 * length - 2];
    for (int i = 0; i < b.series(); i++) {
      for (int k = 0; k < length; k++) {
        f[i][k] = filled[i * length + k];
        if (k > 0) {
          double inc = filled[i * length + k] - filled[i * length + k - 1];
          f[i][length + k - 1] = inc;
          f[i][2 * length - 1 + k - 1] = inc * inc;
        }
      }
    }
    return f;
  }

  static void header(String first, String baseline, String baseline2) {
    StringBuilder h = new StringBuilder("| " + first + " ");
    StringBuilder sep = new StringBuilder("|---");
    for (IrregularModel m : MODELS) {
      h.append("| ").append(m == IrregularModel.NSDE ? "neural SDE (unconstrained)" : m == IrregularModel.NCDE
          ? "neural CDE" : m.name()).append(' ');
      sep.append("|---");
    }
    h.append("| ").append(baseline).append(' ');
    sep.append("|---");
    if (baseline2 != null) {
      h.append("| ").append(baseline2).append(' ');
      sep.append("|---");
    }
    System.out.println(h.append('|'));
    System.out.println(sep.append('|'));
  }

  static double last(double[] losses) {
    return losses.length == 0 ? Double.NaN : losses[losses.length - 1];
  }
}
