package org.diffusion4j.sde;

import java.util.Arrays;
import org.hipparchus.special.Erf;

/** Small statistics for seeded tests. */
final class Stats {
  private Stats() {}

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  static double variance(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }

  /** Kolmogorov-Smirnov distance of the sample to N(0, 1). */
  static double ksNormal(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    int n = s.length;
    double d = 0;
    for (int i = 0; i < n; i++) {
      double f = 0.5 * (1 + Erf.erf(s[i] / Math.sqrt(2)));
      d = Math.max(d, Math.max(Math.abs(f - (double) i / n), Math.abs(f - (double) (i + 1) / n)));
    }
    return d;
  }

  /** KS critical value at level 0.001 (asymptotic, 1.95 / sqrt(n)). */
  static double ksCritical(int n) {
    return 1.95 / Math.sqrt(n);
  }

  static double correlation(double[] a, double[] b) {
    double ma = mean(a);
    double mb = mean(b);
    double sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
