package org.diffusion4j.inverse;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;

/**
 * A forward (measurement) operator of an inverse problem, y = A(x) + sigma_y n with n ~ N(0, I):
 * it maps a flattened image of {@link #inputShape()} to a measurement of {@link #outputShape()}.
 * Non-linear operators give their adjoint Jacobian product ({@link #vjp}), which is all that
 * gradient-based solvers (DPS, RED-Diff) need; linear ones are {@link LinearOperator}s and add
 * the adjoint, an exact SVD and the pseudo-inverse (projection, DDRM).
 *
 * <p>Row methods read {@code inputDim()} values of {@code x} from {@code xOff} and write
 * {@code outputDim()} values of {@code y} from {@code yOff}; they keep no state, so batches are
 * processed in parallel over rows. Implementations are immutable.
 */
public interface ForwardOperator {
  /** Short name used by the CLI and the tables, e.g. {@code avgpool2}. */
  String name();

  /** Shape of the image x. */
  ImageShape inputShape();

  /** Shape of the measurement y. */
  ImageShape outputShape();

  /** n = C H W of the input. */
  default int inputDim() {
    return inputShape().size();
  }

  /** m: the number of measured values. */
  default int outputDim() {
    return outputShape().size();
  }

  /** True for a {@link LinearOperator}. */
  default boolean linear() {
    return this instanceof LinearOperator;
  }

  /** y = A(x) for one row. */
  void apply(double[] x, int xOff, double[] y, int yOff);

  /**
   * The adjoint Jacobian product J_A(x)^T v for one row: v has {@link #outputDim()} values at
   * {@code vOff}, the result {@link #inputDim()} values at {@code outOff}. For a linear operator
   * it is the adjoint A^T v at any x.
   */
  void vjp(double[] x, int xOff, double[] v, int vOff, double[] out, int outOff);

  /** A(x) for every row of an (n, inputDim) batch. */
  default Batch apply(Batch x) {
    requireInput(x);
    Batch y = new Batch(x.n(), outputDim());
    int n = inputDim();
    int m = outputDim();
    Parallel.forRows(x.n(), (from, to) -> {
      for (int i = from; i < to; i++) {
        apply(x.data(), i * n, y.data(), i * m);
      }
    });
    return y;
  }

  /** J_A(x)^T v for every row. */
  default Batch vjp(Batch x, Batch v) {
    requireInput(x);
    requireOutput(v);
    if (v.n() != x.n()) {
      throw new IllegalArgumentException(name() + ": " + x.n() + " images but " + v.n() + " cotangent rows");
    }
    Batch out = new Batch(x.n(), inputDim());
    int n = inputDim();
    int m = outputDim();
    Parallel.forRows(x.n(), (from, to) -> {
      for (int i = from; i < to; i++) {
        vjp(x.data(), i * n, v.data(), i * m, out.data(), i * n);
      }
    });
    return out;
  }

  /** Throws a one-line error unless {@code x} has rows of {@link #inputDim()} values. */
  default void requireInput(Batch x) {
    if (x.d() != inputDim()) {
      throw new IllegalArgumentException(name() + " takes images of " + inputShape() + " = " + inputDim()
          + " values, got rows of " + x.d());
    }
  }

  /** Throws a one-line error unless {@code y} has rows of {@link #outputDim()} values. */
  default void requireOutput(Batch y) {
    if (y.d() != outputDim()) {
      throw new IllegalArgumentException(name() + " measures " + outputShape() + " = " + outputDim()
          + " values, got rows of " + y.d());
    }
  }
}
