package org.diffusion4j.nn.data;

import org.diffusion4j.array.Batch;

/**
 * An in-memory training set: {@code data} (n, d) and optional class labels in [0, classes).
 *
 * @param name where it came from (a toy name or a file)
 * @param data the rows
 * @param labels one label per row, or null
 * @param classes number of classes (0 when unlabelled)
 */
public record Dataset(String name, Batch data, int[] labels, int classes) {
  public Dataset {
    if (data.n() < 1) {
      throw new IllegalArgumentException("dataset " + name + " is empty");
    }
    if (labels != null && labels.length != data.n()) {
      throw new IllegalArgumentException("dataset " + name + " has " + data.n() + " rows but " + labels.length + " labels");
    }
    int f = data.firstNonFinite();
    if (f >= 0) {
      throw new IllegalArgumentException("dataset " + name + " has a non-finite value at row " + f / data.d()
          + ", column " + f % data.d());
    }
  }

  /** An unlabelled dataset. */
  public static Dataset of(String name, Batch data) {
    return new Dataset(name, data, null, 0);
  }

  public int n() {
    return data.n();
  }

  public int dim() {
    return data.d();
  }

  /** Root-mean-square of all values about the per-column means (EDM's sigma_data). */
  public double std() {
    int n = data.n();
    int d = data.d();
    double[] x = data.data();
    double total = 0;
    for (int j = 0; j < d; j++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += x[i * d + j];
      }
      mean /= n;
      for (int i = 0; i < n; i++) {
        double e = x[i * d + j] - mean;
        total += e * e;
      }
    }
    return Math.sqrt(total / ((double) n * d));
  }
}
