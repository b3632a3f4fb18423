package org.diffusion4j.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotTest {
  @TempDir Path dir;

  /** Fraction of pixels whose colour is close to {@code rgb}. */
  private static double fraction(BufferedImage img, int rgb, int tol) {
    int hits = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        int dr = Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255));
        int dg = Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255));
        int db = Math.abs((p & 255) - (rgb & 255));
        if (dr <= tol && dg <= tol && db <= tol) {
          hits++;
        }
      }
    }
    return hits / (double) (img.getWidth() * img.getHeight());
  }

  /** Fraction of pixels clearly redder than grey (translucent red dots over white or grey). */
  private static double reddish(BufferedImage img) {
    int hits = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        if (((p >> 16) & 255) - ((p >> 8) & 255) > 40) {
          hits++;
        }
      }
    }
    return hits / (double) (img.getWidth() * img.getHeight());
  }

  @Test
  void figureWithScatterDensityAndLogLinesIsWrittenAtomically() throws Exception {
    double[] x = new double[500];
    double[] y = new double[500];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.cos(i * 0.1) * (1 + i / 500.0);
      y[i] = Math.sin(i * 0.1) * (1 + i / 500.0);
    }
    Plot scatter = Plot.of("spiral").equalAspect()
        .densityBackground((a, b) -> Math.exp(-(a * a + b * b)), 60)
        .scatter(x, y, Plot.color(1), "points");
    double[] nfe = {5, 10, 20, 50};
    double[] err = {1e-1, 1e-2, 1e-3, 1e-5};
    Plot lines = Plot.of("error vs NFE").logX().logY().xLabel("NFE").yLabel("RMSE")
        .line(nfe, err, Plot.color(0), "solver", true);
    Plot hist = Plot.of("hist").histogram(y, 20, Plot.color(2), "y");
    Path out = dir.resolve("fig.png");
    if (System.getenv("PLOT_KEEP") != null) {
      Plot.figure(Path.of(System.getenv("PLOT_KEEP")), 3, 300, 300, scatter, lines, hist);
    }
    Plot.figure(out, 3, 300, 300, scatter, lines, hist);
    BufferedImage img = ImageIO.read(out.toFile());
    assertEquals(900, img.getWidth());
    assertEquals(300, img.getHeight());
    assertTrue(reddish(img) > 0.002, "translucent red scatter drawn");
    assertTrue(fraction(img, Plot.color(0).getRGB() & 0xffffff, 40) > 0.0005, "line colour drawn");
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void imageGridPlacesImagesAndRejectsWrongSizes() throws Exception {
    double[][] imgs = new double[6][16];
    for (int k = 0; k < 6; k++) {
      imgs[k][k] = 1;
    }
    Path out = dir.resolve("grid.png");
    ImageGrid.writePng(out, imgs, 4, 4, 3, 2, 0, 1);
    BufferedImage img = ImageIO.read(out.toFile());
    assertEquals(3 * (8 + 2) + 2, img.getWidth());
    assertEquals(2 * (8 + 2) + 2, img.getHeight());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.writePng(dir.resolve("bad.png"), new double[][] {new double[3]}, 4, 4, 1, 1, 0, 1));
  }
}
