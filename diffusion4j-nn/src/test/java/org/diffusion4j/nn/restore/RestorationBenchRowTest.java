package org.diffusion4j.nn.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The paired PSNR difference of two benchmark rows, by hand. */
class RestorationBenchRowTest {
  private static RestorationBench.Row row(double... psnr) {
    return new RestorationBench.Row("m", 1, 0, 0, 0, 0, psnr);
  }

  @Test
  void pairedDifferenceIsTheMeanAndStandardErrorOfPerImageDifferences() {
    // Differences 1, 2, 3: mean 2, sample variance 1, standard error sqrt(1/3). The digits' own
    // spread (10 to 30 dB) cancels, which an unpaired comparison could not do.
    double[] d = row(11, 22, 33).pairedDifference(row(10, 20, 30));
    assertEquals(2, d[0], 1e-12);
    assertEquals(Math.sqrt(1.0 / 3), d[1], 1e-12);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> row(1, 2).pairedDifference(row(1, 2, 3)));
    assertTrue(e.getMessage().contains("2 and 3"), e.getMessage());
  }
}
