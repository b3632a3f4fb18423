package org.diffusion4j.inverse;

import org.diffusion4j.array.Batch;

/**
 * Bicubic upsampling, the classical super-resolution baseline: Keys' cubic convolution kernel
 * with a = -0.5 (Keys 1981; MATLAB imresize and PIL), pixel centres aligned as in
 * imresize / PyTorch's align_corners=False (source coordinate (i + 0.5) / r - 0.5) and edge
 * pixels replicated. It reproduces polynomials up to degree 2 away from the borders.
 */
public final class Bicubic {
  private static final double A = -0.5;

  private Bicubic() {}

  /** Keys' kernel W(t). */
  static double kernel(double t) {
    double x = Math.abs(t);
    if (x <= 1) {
      return ((A + 2) * x - (A + 3)) * x * x + 1;
    }
    if (x < 2) {
      return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
    return 0;
  }

  /** Upsamples every (C, h, w) row of {@code low} by {@code factor} to (C, h factor, w factor). */
  public static Batch upsample(Batch low, ImageShape lowShape, int factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("bicubic factor " + factor + " must be >= 1");
    }
    if (low.d() != lowShape.size()) {
      throw new IllegalArgumentException("bicubic input rows have " + low.d() + " values, not " + lowShape + " = "
          + lowShape.size());
    }
    int h = lowShape.height();
    int w = lowShape.width();
    ImageShape high = new ImageShape(lowShape.channels(), h * factor, w * factor);
    double[][] wy = weights(h, factor);
    double[][] wx = weights(w, factor);
    Batch out = new Batch(low.n(), high.size());
    double[] tmp = new double[high.height() * w];
    for (int n = 0; n < low.n(); n++) {
      int in = n * lowShape.size();
      int on = n * high.size();
      for (int c = 0; c < lowShape.channels(); c++) {
        int base = in + c * h * w;
        // Vertical pass: tmp[I][j] = sum_k wy[I][k] low[k][j].
        for (int row = 0; row < high.height(); row++) {
          for (int j = 0; j < w; j++) {
            double s = 0;
            for (int k = 0; k < h; k++) {
              s += wy[row][k] * low.data()[base + k * w + j];
            }
            tmp[row * w + j] = s;
          }
        }
        int ob = on + c * high.height() * high.width();
        for (int row = 0; row < high.height(); row++) {
          for (int col = 0; col < high.width(); col++) {
            double s = 0;
            for (int k = 0; k < w; k++) {
              s += wx[col][k] * tmp[row * w + k];
            }
            out.data()[ob + row * high.width() + col] = s;
          }
        }
      }
    }
    return out;
  }

  /** Dense 1-D interpolation weights: out[i][k] for output i of n*r from input k of n (edges replicated). */
  private static double[][] weights(int n, int r) {
    double[][] wts = new double[n * r][n];
    for (int i = 0; i < n * r; i++) {
      double u = (i + 0.5) / r - 0.5;
      int left = (int) Math.floor(u);
      for (int k = left - 1; k <= left + 2; k++) {
        double kw = kernel(u - k);
        int idx = Math.max(0, Math.min(n - 1, k));
        wts[i][idx] += kw;
      }
    }
    return wts;
  }
}
