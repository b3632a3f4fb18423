package org.diffusion4j.likelihood;

import org.diffusion4j.model.VectorField;
import org.diffusion4j.array.Batch;

/**
 * Jacobian-vector products J(x) w of a field without gradients by central differences,
 * (F(x + h w) - F(x - h w)) / (2h), batched: every row and every direction is stacked into one
 * batch so the field is called once per estimator call.
 *
 * <p>Step: h = cbrt(machine epsilon) * max(1, max_j |x_j|) / max(1, max_j |w_j|), the step that
 * balances the O(h^2) truncation error against the O(eps/h) rounding error of a central
 * difference (Nocedal &amp; Wright 2006, "Numerical Optimization", Sec. 8.1, Eq. 8.7). The
 * effective step is the representable difference of the two perturbed points, which removes
 * the rounding of x + h itself.
 */
final class CentralDifferences {
  /** cbrt(2^-52). */
  static final double REL_STEP = Math.cbrt(Math.ulp(1.0));
  /** Stacked rows per field call; bounds the memory of the stacked batch. */
  static final int MAX_STACKED_ROWS = 1 << 15;

  private CentralDifferences() {}

  /** Supplies the {@code k}-th direction for row {@code i} of the current slice. */
  @FunctionalInterface
  interface Directions {
    /** Writes direction k (0 &lt;= k &lt; count) of global row {@code row} into w[0..d-1]. */
    void direction(long row, int k, double[] w);
  }

  /**
   * For each row i: value_i = F(x_i) and out[i] = sum_k weight * w_k . J(x_i) w_k over
   * {@code count} directions.
   */
  static void quadraticForms(VectorField field, Batch x, double t, long firstRow, int count, double weight,
      Directions dirs, Batch value, double[] out) {
    int n = x.n();
    int d = x.d();
    int per = 1 + 2 * count;
    int rowsPerCall = Math.max(1, MAX_STACKED_ROWS / per);
    double[] xs = x.data();
    double[] w = new double[d];
    for (int from = 0; from < n; from += rowsPerCall) {
      int m = Math.min(rowsPerCall, n - from);
      Batch stacked = new Batch(m * per, d);
      double[] s = stacked.data();
      // steps[i * count + k] = (x + h w) - (x - h w) in units of w, i.e. the exact 2h per direction.
      double[] twoH = new double[m * count];
      double[][] dirCache = new double[m * count][];
      for (int i = 0; i < m; i++) {
        int xo = (from + i) * d;
        double xmax = 0;
        for (int j = 0; j < d; j++) {
          xmax = Math.max(xmax, Math.abs(xs[xo + j]));
        }
        int base = i * per * d;
        System.arraycopy(xs, xo, s, base, d);
        for (int k = 0; k < count; k++) {
          dirs.direction(firstRow + from + i, k, w);
          double wmax = 0;
          for (int j = 0; j < d; j++) {
            wmax = Math.max(wmax, Math.abs(w[j]));
          }
          double h = REL_STEP * Math.max(1, xmax) / Math.max(1, wmax);
          int plus = base + (1 + 2 * k) * d;
          int minus = plus + d;
          // The largest |w_j| coordinate fixes the representable step exactly.
          int jmax = 0;
          for (int j = 0; j < d; j++) {
            double xp = xs[xo + j] + h * w[j];
            double xm = xs[xo + j] - h * w[j];
            s[plus + j] = xp;
            s[minus + j] = xm;
            if (Math.abs(w[j]) > Math.abs(w[jmax])) {
              jmax = j;
            }
          }
          double exact = w[jmax] == 0 ? 2 * h : (s[plus + jmax] - s[minus + jmax]) / w[jmax];
          twoH[i * count + k] = exact;
          dirCache[i * count + k] = w.clone();
        }
      }
      Batch fs = new Batch(m * per, d);
      field.evaluate(stacked, t, fs);
      double[] f = fs.data();
      double[] v = value.data();
      for (int i = 0; i < m; i++) {
        int base = i * per * d;
        System.arraycopy(f, base, v, (from + i) * d, d);
        double acc = 0;
        for (int k = 0; k < count; k++) {
          double[] wk = dirCache[i * count + k];
          int plus = base + (1 + 2 * k) * d;
          int minus = plus + d;
          double q = 0;
          for (int j = 0; j < d; j++) {
            if (wk[j] != 0) {
              q += wk[j] * (f[plus + j] - f[minus + j]);
            }
          }
          acc += q / twoH[i * count + k];
        }
        out[from + i] = weight * acc;
      }
    }
  }
}
