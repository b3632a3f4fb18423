package org.diffusion4j.sde.grad;

/**
 * A learnable vector field u(t, y): R^d -> R^m, batched over rows, with its vector-Jacobian
 * products (the control of a latent SDE's posterior, {@code sde.latent.LatentSde}).
 */
public interface DifferentiableField {
  /** Output width m per row. */
  int width();

  int paramCount();

  double[] params();

  void setParams(double[] theta);

  /** Writes u(t, y_r) (m values per row) for rows [0, n); {@code y} has d values per row. */
  void value(double t, double[] y, double[] out, int n);

  /**
   * yBar[r] = cot[r] . du/dy (t, y_r) (overwritten, d per row); paramBar += sum_r cot[r] . du/dtheta
   * (accumulated; may be null).
   */
  void vjp(double t, double[] y, double[] cot, double[] yBar, double[] paramBar, int n);

  /** Called before the first {@link #vjp} of a backward pass (a field that accumulates cotangents between calls resets them here). */
  default void beginBackward() {}

  /**
   * Called after the last {@link #vjp} of a backward pass: a field whose parameters act through
   * a shared computation (e.g. an encoder over the data) adds their gradients to
   * {@code paramBar} (its own parameter layout) here, once per pass.
   */
  default void endBackward(double[] paramBar) {}
}
