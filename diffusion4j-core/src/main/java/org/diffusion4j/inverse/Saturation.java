package org.diffusion4j.inverse;

/**
 * A saturating sensor response, the non-linear operator: y_i = tanh(g x_i) / g (slope 1 at 0,
 * clipping smoothly at +-1/g). Its Jacobian is diagonal, J = diag(1 - tanh^2(g x)), so the
 * adjoint Jacobian product is v (1 - tanh^2(g x)).
 */
public final class Saturation implements ForwardOperator {
  private final ImageShape shape;
  private final double gain;

  /** @param gain g &gt; 0 (for data in [-1, 1], g = 2 clips the extremes to +-0.48) */
  public Saturation(ImageShape shape, double gain) {
    if (!(gain > 0) || !Double.isFinite(gain)) {
      throw new IllegalArgumentException("saturation gain " + gain + " must be positive and finite");
    }
    this.shape = shape;
    this.gain = gain;
  }

  public double gain() {
    return gain;
  }

  @Override
  public String name() {
    return "saturate";
  }

  @Override
  public ImageShape inputShape() {
    return shape;
  }

  @Override
  public ImageShape outputShape() {
    return shape;
  }

  @Override
  public void apply(double[] x, int xOff, double[] y, int yOff) {
    for (int i = 0; i < shape.size(); i++) {
      y[yOff + i] = Math.tanh(gain * x[xOff + i]) / gain;
    }
  }

  @Override
  public void vjp(double[] x, int xOff, double[] v, int vOff, double[] out, int outOff) {
    for (int i = 0; i < shape.size(); i++) {
      double th = Math.tanh(gain * x[xOff + i]);
      out[outOff + i] = v[vOff + i] * (1 - th * th);
    }
  }
}
