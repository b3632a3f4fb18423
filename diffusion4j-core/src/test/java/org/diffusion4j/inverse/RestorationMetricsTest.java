package org.diffusion4j.inverse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.diffusion4j.array.Batch;
import org.diffusion4j.metrics.ImageQuality;
import org.junit.jupiter.api.Test;

/** The restoration metrics: SSIM against an independent numpy computation, PSNR and measurement consistency. */
class RestorationMetricsTest {
  @Test
  void ssimMatchesAnIndependentNumpyComputation() {
    // Reference: /usr/bin/python3, numpy 1.24.2, an independent implementation of Wang et al. 2004
    // (11 x 11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, L 2, 'valid' windows via
    // numpy.lib.stride_tricks.sliding_window_view, mean of the map) on these two 16 x 20 images:
    // a = 0.8 sin(0.3 i + 0.2 j), b = 0.7 sin(0.3 i + 0.2 j + 0.4) + 0.1 cos(0.9 i - 0.5 j). Printed 0.5681242817482386.
    int h = 16;
    int w = 20;
    double[] a = new double[h * w];
    double[] b = new double[h * w];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        a[i * w + j] = 0.8 * Math.sin(0.3 * i + 0.2 * j);
        b[i * w + j] = 0.7 * Math.sin(0.3 * i + 0.2 * j + 0.4) + 0.1 * Math.cos(0.9 * i - 0.5 * j);
      }
    }
    assertEquals(0.5681242817482386, ImageQuality.ssim(a, b, h, w, 2), 1e-12);
    assertEquals(1.0, ImageQuality.ssim(a, a, h, w, 2), 1e-15);
  }

  @Test
  void consistencyIsTheResidualNormOfTheForwardModel() {
    // A half mask of a 2 x 2 image keeps the top row: y = (1, 2); x = (1, 5, 7, 7) gives A x - y = (0, 3).
    PixelMask half = Operators.halfMask(ImageShape.grey(2));
    Measurement m = new Measurement(half, new Batch(1, 2, new double[] {1, 2}), 0);
    assertEquals(3.0, m.residualNorms(new Batch(1, 4, new double[] {1, 5, 7, 7}))[0], 1e-15);
    // PSNR of a constant error c on range 2: 20 log10(2 / c).
    assertEquals(20 * Math.log10(2 / 0.1), ImageQuality.psnr(new double[] {0.1, 0.1}, new double[] {0, 0}, 2), 1e-12);
  }
}
