package org.diffusion4j.bench.nn;

import java.util.Locale;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.nn.neuralsde.SdeGan;

/**
 * A short SDE-GAN run on the time-dependent OU data of torchsde's examples/sde_gan.py: prints the
 * loss D(generated) - D(real) along training and the marginal mean and variance of real and
 * generated paths at a few times (docs/irregular-sde.md).
 *
 * <pre>
 *   java ... SdeGanBench [steps=300] [length=32] [paths=1024]
 * </pre>
 */
public final class SdeGanBench {
  private SdeGanBench() {}

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int length = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int paths = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    IrregularBatch data = SdeGan.ouData(paths, length, 0);
    SdeGan.Options o = SdeGan.Options.defaults().withSteps(steps);
    System.out.println("options: " + o + ", data: " + paths + " paths of " + length + " times, "
        + String.format(Locale.ROOT, "%.1f%% missing", 100 * data.missingFraction()));
    long t0 = System.nanoTime();
    SdeGan.Trained t = SdeGan.fit(data, o);
    double secs = (System.nanoTime() - t0) / 1e9;
    double[] l = t.losses();
    int w = Math.max(1, l.length / 10);
    StringBuilder trace = new StringBuilder("loss D(gen) - D(real), mean per tenth of training:");
    for (int s = 0; s < l.length; s += w) {
      double m = 0;
      int c = 0;
      for (int k = s; k < Math.min(l.length, s + w); k++) {
        m += l[k];
        c++;
      }
      trace.append(String.format(Locale.ROOT, " %.4f", m / c));
    }
    System.out.println(trace);
    System.out.printf(Locale.ROOT, "training: %d steps in %.1f s%n%n", steps, secs);
    double[] gen = t.sample(paths, 12345);
    System.out.println("| time | real mean | generated mean | real variance | generated variance |");
    System.out.println("|---|---|---|---|---|");
    for (int k : new int[] {0, length / 4, length / 2, 3 * length / 4, length - 1}) {
      double[] real = moments(data, k);
      double[] g = momentsOf(gen, paths, length, k);
      System.out.printf(Locale.ROOT, "| %d | %.3f | %.3f | %.3f | %.3f |%n", k, real[0], g[0], real[1], g[1]);
    }
  }

  static double[] moments(IrregularBatch data, int k) {
    double s = 0;
    double s2 = 0;
    int c = 0;
    for (int i = 0; i < data.series(); i++) {
      double v = data.value(i, k, 0);
      if (!Double.isNaN(v)) {
        s += v;
        s2 += v * v;
        c++;
      }
    }
    double m = s / c;
    return new double[] {m, s2 / c - m * m};
  }

  static double[] momentsOf(double[] rows, int n, int length, int k) {
    double s = 0;
    double s2 = 0;
    for (int i = 0; i < n; i++) {
      double v = rows[i * length + k];
      s += v;
      s2 += v * v;
    }
    double m = s / n;
    return new double[] {m, s2 / n - m * m};
  }
}
