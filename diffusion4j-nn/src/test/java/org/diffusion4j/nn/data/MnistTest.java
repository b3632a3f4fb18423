package org.diffusion4j.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.diffusion4j.io.FormatException;
import org.diffusion4j.io.Idx;
import org.diffusion4j.io.NdArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
  @TempDir Path dir;

  @Test
  void bundledDigitsHaveMnistShapeRangeAndStatistics() {
    Dataset mnist = Mnist.bundled();
    assertEquals(10_000, mnist.n());
    assertEquals(784, mnist.dim());
    assertEquals(10, mnist.classes());
    double sum = 0;
    for (double v : mnist.data().data()) {
      assertTrue(v >= -1 && v <= 1);
      sum += v;
    }
    // MNIST's mean pixel intensity is 0.1307 of full scale (the standard normalisation
    // constant); on [-1, 1] that is 2 * 0.1307 - 1 = -0.7386. Subsets differ by well under 0.01.
    assertEquals(-0.7386, sum / mnist.data().size(), 0.01);
    int[] counts = new int[10];
    for (int y : mnist.labels()) {
      counts[y]++;
    }
    for (int c = 0; c < 10; c++) {
      // Class frequencies in MNIST are 9-11%.
      assertTrue(counts[c] > 800 && counts[c] < 1200, "class " + c + " has " + counts[c]);
    }
  }

  @Test
  void readsIdxFilesAndRejectsWrongShapes() throws Exception {
    double[] px = new double[2 * 28 * 28];
    px[5] = 255;
    Path images = dir.resolve("img.idx.gz");
    Path labels = dir.resolve("lab.idx");
    Idx.write(images, new NdArray(new long[] {2, 28, 28}, px), Idx.Type.UNSIGNED_BYTE);
    Idx.write(labels, new NdArray(new long[] {2}, new double[] {3, 7}), Idx.Type.UNSIGNED_BYTE);
    Dataset d = Mnist.read(images, labels);
    assertEquals(2, d.n());
    assertEquals(1.0, d.data().get(0, 5));
    assertEquals(-1.0, d.data().get(0, 6));
    assertEquals(7, d.labels()[1]);

    Path wrong = dir.resolve("wrong.idx");
    Idx.write(wrong, new NdArray(new long[] {2, 27, 28}, new double[2 * 27 * 28]), Idx.Type.UNSIGNED_BYTE);
    FormatException e = assertThrows(FormatException.class, () -> Mnist.read(wrong, labels));
    assertTrue(e.getMessage().contains("(n, 28, 28)"), e.getMessage());
    Path badLabel = dir.resolve("bad-label.idx");
    Idx.write(badLabel, new NdArray(new long[] {2}, new double[] {3, 12}), Idx.Type.UNSIGNED_BYTE);
    e = assertThrows(FormatException.class, () -> Mnist.read(images, badLabel));
    assertTrue(e.getMessage().contains("not a digit"), e.getMessage());
  }
}
