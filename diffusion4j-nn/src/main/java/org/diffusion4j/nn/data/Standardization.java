package org.diffusion4j.nn.data;

import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Json;

/**
 * Per-column affine map z = (x - mean) / std used to train on tabular files; {@link #invert}
 * maps generated samples back to data units.
 */
public record Standardization(double[] mean, double[] std) implements DataTransform {
  public Standardization {
    if (mean.length != std.length) {
      throw new IllegalArgumentException("mean and std lengths differ: " + mean.length + " vs " + std.length);
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** Column means and standard deviations of {@code x} (a constant column gets std 1). */
  public static Standardization fit(Batch x) {
    int n = x.n();
    int d = x.d();
    double[] m = new double[d];
    double[] s = new double[d];
    double[] a = x.data();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        m[j] += a[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      m[j] /= n;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        double e = a[i * d + j] - m[j];
        s[j] += e * e;
      }
    }
    for (int j = 0; j < d; j++) {
      s[j] = Math.sqrt(s[j] / Math.max(1, n - 1));
      if (!(s[j] > 0)) {
        s[j] = 1;
      }
    }
    return new Standardization(m, s);
  }

  /** A new standardised batch. */
  public Batch apply(Batch x) {
    Batch out = x.copy();
    double[] a = out.data();
    int d = x.d();
    for (int i = 0; i < a.length; i++) {
      a[i] = (a[i] - mean[i % d]) / std[i % d];
    }
    return out;
  }

  /**
   * Maps standardised samples back to data units, as a new batch ({@code z} is not modified: an
   * in-place version once turned reflow pairs into data units while they were still being used
   * as standardised training data).
   */
  public Batch invert(Batch z) {
    Batch out = z.copy();
    double[] a = out.data();
    int d = z.d();
    for (int i = 0; i < a.length; i++) {
      a[i] = a[i] * std[i % d] + mean[i % d];
    }
    return out;
  }

  @Override
  public Batch toModel(Batch data) {
    return apply(data);
  }

  @Override
  public Batch toData(Batch model) {
    return invert(model);
  }

  /** -sum_j log std_j: the standardised density is the data density times prod_j std_j. */
  @Override
  public double logDetToModel() {
    double s = 0;
    for (double v : std) {
      s -= Math.log(v);
    }
    return s;
  }

  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"mean\": ");
    Json.appendArray(sb, mean);
    sb.append(", \"std\": ");
    Json.appendArray(sb, std);
    return sb.append("}\n").toString();
  }

  public static Standardization fromJson(String text) {
    if (!(Json.parse(text) instanceof java.util.Map<?, ?> m)) {
      throw new IllegalArgumentException("standardization must be a JSON object");
    }
    return new Standardization(Json.doubleArray(m.get("mean"), "mean"), Json.doubleArray(m.get("std"), "std"));
  }
}
