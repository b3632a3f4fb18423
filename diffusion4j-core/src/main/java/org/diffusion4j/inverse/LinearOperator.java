package org.diffusion4j.inverse;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;

/**
 * A linear forward operator y = A x + sigma_y n with its adjoint and an exact, structured
 * {@link Svd}. The pseudo-inverse is V Sigma^+ U^T with singular values at or below
 * {@code rcond * max(s)} treated as zero (numpy.linalg.pinv's rule), so A A^+ A = A and
 * A^+ A A^+ = A^+ hold for the operator whose discarded singular values are zero.
 */
public interface LinearOperator extends ForwardOperator {
  /** Relative cutoff of {@link #pseudoInverse}: singular values &lt;= 1e-10 max(s) count as zero. */
  double DEFAULT_RCOND = 1e-10;

  /** x = A^T y for one row. */
  void adjoint(double[] y, int yOff, double[] x, int xOff);

  /** The exact SVD of A (built once; cheap to call again). */
  Svd svd();

  @Override
  default void vjp(double[] x, int xOff, double[] v, int vOff, double[] out, int outOff) {
    adjoint(v, vOff, out, outOff);
  }

  /** A^T y for every row. */
  default Batch adjoint(Batch y) {
    return fromMeasurements(this, y, this::adjoint);
  }

  /** x = A^+ y for one row, with the {@link #DEFAULT_RCOND} cutoff. */
  default void pseudoInverse(double[] y, int yOff, double[] x, int xOff) {
    Svd svd = svd();
    double[] s = svd.singulars();
    double cut = DEFAULT_RCOND * max(s);
    double[] d = new double[outputDim()];
    double[] c = new double[inputDim()];
    svd.ut(y, yOff, d, 0);
    for (int i = 0; i < d.length; i++) {
      c[i] = s[i] > cut ? d[i] / s[i] : 0;
    }
    svd.v(c, 0, x, xOff);
  }

  /** A^+ y for every row. */
  default Batch pseudoInverse(Batch y) {
    return fromMeasurements(this, y, this::pseudoInverse);
  }

  /** A row map from measurement space to image space: reads y at yOff, writes x at xOff. */
  @FunctionalInterface
  interface RowMap {
    void map(double[] y, int yOff, double[] x, int xOff);
  }

  /** Applies {@code f} to every row of {@code y} in parallel, giving an (n, inputDim) batch. */
  private static Batch fromMeasurements(LinearOperator op, Batch y, RowMap f) {
    op.requireOutput(y);
    Batch x = new Batch(y.n(), op.inputDim());
    int n = op.inputDim();
    int m = op.outputDim();
    Parallel.forRows(y.n(), (from, to) -> {
      for (int i = from; i < to; i++) {
        f.map(y.data(), i * m, x.data(), i * n);
      }
    });
    return x;
  }

  private static double max(double[] s) {
    double m = 0;
    for (double v : s) {
      m = Math.max(m, v);
    }
    return m;
  }
}
