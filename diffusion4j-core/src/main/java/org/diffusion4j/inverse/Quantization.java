package org.diffusion4j.inverse;

/**
 * Grey-level quantisation, the single-channel analogue of colourisation (the measurement keeps
 * only coarse intensity): x in [-1, 1] is rounded to the nearest of {@code levels} equally spaced
 * values -1, -1 + 2/(L-1), ..., 1 (values outside are clipped first). The Jacobian is zero almost
 * everywhere, so {@link #vjp} uses the straight-through estimator (Bengio, Leonard &amp; Courville
 * 2013): the identity on [-1, 1] and zero where the input was clipped. Gradient solvers therefore
 * fit the quantised image as if the operator were the identity plus the clip.
 */
public final class Quantization implements ForwardOperator {
  private final ImageShape shape;
  private final int levels;

  /** @param levels L &gt;= 2 grey levels */
  public Quantization(ImageShape shape, int levels) {
    if (levels < 2 || levels > 65536) {
      throw new IllegalArgumentException("quantisation levels " + levels + " must be in [2, 65536]");
    }
    this.shape = shape;
    this.levels = levels;
  }

  public int levels() {
    return levels;
  }

  @Override
  public String name() {
    return "quantize" + levels;
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
    double step = 2.0 / (levels - 1);
    for (int i = 0; i < shape.size(); i++) {
      double v = Math.max(-1, Math.min(1, x[xOff + i]));
      y[yOff + i] = -1 + step * Math.rint((v + 1) / step);
    }
  }

  @Override
  public void vjp(double[] x, int xOff, double[] v, int vOff, double[] out, int outOff) {
    for (int i = 0; i < shape.size(); i++) {
      double xi = x[xOff + i];
      out[outOff + i] = xi >= -1 && xi <= 1 ? v[vOff + i] : 0;
    }
  }
}
