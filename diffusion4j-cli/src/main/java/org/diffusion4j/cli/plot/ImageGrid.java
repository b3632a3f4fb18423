package org.diffusion4j.cli.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a grid of grey-scale images (e.g. 28x28 digits) as one PNG. */
public final class ImageGrid {
  private ImageGrid() {}

  /**
   * Writes {@code images[k]} (row-major, {@code h * w} values each) in a grid of {@code cols}
   * columns, each pixel {@code scale} x {@code scale}. Values are mapped linearly from
   * [lo, hi] to black..white and clipped.
   */
  public static void writePng(Path file, double[][] images, int h, int w, int cols, int scale, double lo, double hi)
      throws IOException {
    if (images.length == 0) {
      throw new IllegalArgumentException("no images to draw");
    }
    int c = Math.max(1, Math.min(cols, images.length));
    int rows = (images.length + c - 1) / c;
    int gap = 2;
    BufferedImage img = new BufferedImage(c * (w * scale + gap) + gap, rows * (h * scale + gap) + gap,
        BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        img.setRGB(x, y, 0x808080);
      }
    }
    for (int k = 0; k < images.length; k++) {
      if (images[k].length != h * w) {
        throw new IllegalArgumentException("image " + k + " has " + images[k].length + " values, expected " + h * w);
      }
      int ox = gap + (k % c) * (w * scale + gap);
      int oy = gap + (k / c) * (h * scale + gap);
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double v = (images[k][i * w + j] - lo) / (hi - lo);
          int g = (int) Math.round(255 * Math.max(0, Math.min(1, Double.isFinite(v) ? v : 0)));
          int rgb = (g << 16) | (g << 8) | g;
          for (int a = 0; a < scale; a++) {
            for (int b = 0; b < scale; b++) {
              img.setRGB(ox + j * scale + b, oy + i * scale + a, rgb);
            }
          }
        }
      }
    }
    Plot.writeImage(file, img);
  }
}
