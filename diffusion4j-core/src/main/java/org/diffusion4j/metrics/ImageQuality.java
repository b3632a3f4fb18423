package org.diffusion4j.metrics;

import org.diffusion4j.array.Batch;

/**
 * Full-reference image quality for greyscale images stored row-major: PSNR and SSIM.
 *
 * <p>SSIM follows Wang, Bovik, Sheikh &amp; Simoncelli 2004, "Image Quality Assessment: From Error
 * Visibility to Structural Similarity", Eq. 13, with the settings of the authors' reference
 * implementation {@code ssim_index.m}: local statistics under an 11 x 11 Gaussian window with
 * sigma 1.5 (normalised to sum 1), C1 = (K1 L)^2, C2 = (K2 L)^2 with K1 = 0.01, K2 = 0.03 and L the
 * dynamic range, computed only where the window fits inside the image ('valid' filtering), and
 * the mean of the SSIM map (MSSIM, Eq. 17 with equal weights). Local variances and the covariance
 * are E_w[x^2] - mu^2 etc. as in the reference code. For images in [-1, 1], L = 2.
 */
public final class ImageQuality {
  public static final int WINDOW = 11;
  public static final double SIGMA = 1.5;
  public static final double K1 = 0.01;
  public static final double K2 = 0.03;

  private static final double[] WEIGHTS = gaussianWindow();

  private ImageQuality() {}

  /**
   * Peak signal-to-noise ratio 10 log10(L^2 / MSE) in dB; +infinity for identical images.
   *
   * @throws IllegalArgumentException if the lengths differ or are 0, L &lt;= 0 or a value is not finite
   */
  public static double psnr(double[] a, double[] b, double dataRange) {
    requirePair("psnr", a, b, dataRange);
    double mse = 0;
    for (int i = 0; i < a.length; i++) {
      double e = a[i] - b[i];
      mse += e * e;
    }
    mse /= a.length;
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(dataRange * dataRange / mse);
  }

  /**
   * Mean SSIM of two {@code height x width} images (row-major), dynamic range {@code dataRange}.
   *
   * @throws IllegalArgumentException if a side is below {@value #WINDOW}, the lengths do not match
   *     the size, L &lt;= 0 or a value is not finite
   */
  public static double ssim(double[] a, double[] b, int height, int width, double dataRange) {
    requirePair("ssim", a, b, dataRange);
    if (height < WINDOW || width < WINDOW) {
      throw new IllegalArgumentException("ssim: image " + height + " x " + width + " is smaller than the " + WINDOW
          + " x " + WINDOW + " window");
    }
    if ((long) height * width != a.length) {
      throw new IllegalArgumentException("ssim: " + a.length + " pixels do not form a " + height + " x " + width
          + " image");
    }
    double c1 = (K1 * dataRange) * (K1 * dataRange);
    double c2 = (K2 * dataRange) * (K2 * dataRange);
    int outH = height - WINDOW + 1;
    int outW = width - WINDOW + 1;
    double total = 0;
    for (int r = 0; r < outH; r++) {
      for (int c = 0; c < outW; c++) {
        double mx = 0;
        double my = 0;
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int u = 0; u < WINDOW; u++) {
          int row = (r + u) * width + c;
          for (int v = 0; v < WINDOW; v++) {
            double w = WEIGHTS[u * WINDOW + v];
            double x = a[row + v];
            double y = b[row + v];
            mx += w * x;
            my += w * y;
            xx += w * x * x;
            yy += w * y * y;
            xy += w * x * y;
          }
        }
        double vx = xx - mx * mx;
        double vy = yy - my * my;
        double cxy = xy - mx * my;
        total += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      }
    }
    return total / (outH * outW);
  }

  /** {@link #psnr} of each row pair of two (n, height*width) batches. */
  public static double[] psnr(Batch a, Batch b, double dataRange) {
    requireSameRows("psnr", a, b);
    double[] out = new double[a.n()];
    for (int i = 0; i < out.length; i++) {
      out[i] = psnr(a.row(i), b.row(i), dataRange);
    }
    return out;
  }

  /** {@link #ssim} of each row pair of two (n, height*width) batches. */
  public static double[] ssim(Batch a, Batch b, int height, int width, double dataRange) {
    requireSameRows("ssim", a, b);
    double[] out = new double[a.n()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ssim(a.row(i), b.row(i), height, width, dataRange);
    }
    return out;
  }

  /** The normalised 11 x 11 Gaussian window (MATLAB's fspecial('gaussian', 11, 1.5)), row-major. */
  public static double[] window() {
    return WEIGHTS.clone();
  }

  private static double[] gaussianWindow() {
    double[] w = new double[WINDOW * WINDOW];
    int half = WINDOW / 2;
    double sum = 0;
    for (int u = 0; u < WINDOW; u++) {
      for (int v = 0; v < WINDOW; v++) {
        double du = u - half;
        double dv = v - half;
        double g = Math.exp(-(du * du + dv * dv) / (2 * SIGMA * SIGMA));
        w[u * WINDOW + v] = g;
        sum += g;
      }
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= sum;
    }
    return w;
  }

  private static void requireSameRows(String metric, Batch a, Batch b) {
    if (a.n() != b.n() || a.d() != b.d()) {
      throw new IllegalArgumentException(metric + ": batches have shapes (" + a.n() + ", " + a.d() + ") and (" + b.n()
          + ", " + b.d() + ")");
    }
  }

  private static void requirePair(String metric, double[] a, double[] b, double dataRange) {
    if (a.length == 0 || a.length != b.length) {
      throw new IllegalArgumentException(metric + ": images have " + a.length + " and " + b.length
          + " pixels; need the same positive number");
    }
    if (!(dataRange > 0 && Double.isFinite(dataRange))) {
      throw new IllegalArgumentException(metric + ": data range " + dataRange + " must be positive and finite");
    }
    for (int i = 0; i < a.length; i++) {
      if (!Double.isFinite(a[i]) || !Double.isFinite(b[i])) {
        throw new IllegalArgumentException(metric + ": pixel " + i + " is not finite (" + a[i] + ", " + b[i] + ")");
      }
    }
  }
}
