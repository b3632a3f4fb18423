package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.cli.plot.Plot;

/** PNG plots of samples: a scatter of the first two coordinates over the model density. */
final class SamplePlots {
  private SamplePlots() {}

  /**
   * Scatter of the first two coordinates of {@code x}; with an analytic {@code mixture}, its
   * density (marginal over the first two coordinates) at time {@code t} is drawn underneath
   * ({@code t < 0}: the data density).
   */
  static void scatter(Path file, Batch x, GaussianMixture mixture, GaussianPath path, double t, String title)
      throws IOException {
    int n = x.n();
    double[] xs = new double[n];
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = x.get(i, 0);
      ys[i] = x.d() > 1 ? x.get(i, 1) : 0;
    }
    Plot p = Plot.of(title).xLabel("x[0]").yLabel(x.d() > 1 ? "x[1]" : "").equalAspect();
    if (mixture != null && x.d() >= 2) {
      GaussianMixture m2 = firstTwo(mixture);
      Batch point = new Batch(1, 2);
      p.densityBackground((a, b) -> {
        point.set(0, 0, a);
        point.set(0, 1, b);
        double[] lp = t < 0 ? m2.logDensityData(point) : m2.logDensity(path, t, point);
        return Math.exp(lp[0]);
      }, 160);
    }
    p.scatter(xs, ys, Plot.color(1), "samples");
    p.writePng(file, 640, 640);
  }

  /**
   * A grid of image samples of shape (C, H, W) (the first channel when C &gt; 1), about square,
   * values -1..1 shown black..white.
   */
  static void imageGrid(Path file, Batch x, long[] shape) throws IOException {
    int h = (int) shape[1];
    int w = (int) shape[2];
    double[][] imgs = new double[x.n()][h * w];
    for (int k = 0; k < x.n(); k++) {
      System.arraycopy(x.data(), k * x.d(), imgs[k], 0, h * w);
    }
    int cols = (int) Math.ceil(Math.sqrt(x.n()));
    org.diffusion4j.cli.plot.ImageGrid.writePng(file, imgs, h, w, cols, Math.max(1, 56 / Math.max(h, w)), -1, 1);
  }

  /** The mixture's marginal over its first two coordinates (exact for diagonal covariances). */
  static GaussianMixture firstTwo(GaussianMixture m) {
    int k = m.components();
    double[] w = new double[k];
    double[][] mu = new double[k][];
    double[][] v = new double[k][];
    for (int c = 0; c < k; c++) {
      w[c] = m.weight(c);
      mu[c] = java.util.Arrays.copyOf(m.mean(c), 2);
      v[c] = java.util.Arrays.copyOf(m.var(c), 2);
    }
    return new GaussianMixture(w, mu, v);
  }
}
