package org.diffusion4j.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Seeded statistical checks of {@link Rng}. Bounds are five standard errors for the sample size,
 * so a correct generator fails with probability below 1e-6 per check (and the seeds are fixed).
 */
class RngTest {
  static final int N = 200_000;

  @Test
  void gaussianMomentsMatchStandardNormal() {
    Rng r = Rng.of(2024);
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    for (int i = 0; i < N; i++) {
      double z = r.nextGaussian();
      s1 += z;
      s2 += z * z;
      s3 += z * z * z;
      s4 += z * z * z * z;
    }
    // Var of z, z^2, z^3, z^4 under N(0,1): 1, 2, 15, 96.
    assertEquals(0, s1 / N, 5 * Math.sqrt(1.0 / N), "mean");
    assertEquals(1, s2 / N, 5 * Math.sqrt(2.0 / N), "second moment");
    assertEquals(0, s3 / N, 5 * Math.sqrt(15.0 / N), "third moment");
    assertEquals(3, s4 / N, 5 * Math.sqrt(96.0 / N), "fourth moment");
  }

  @Test
  void uniformsAndRademacherHaveTheRightMoments() {
    Rng r = Rng.of(1);
    double su = 0;
    double sr = 0;
    double min = 1;
    for (int i = 0; i < N; i++) {
      double u = r.nextOpenDouble();
      min = Math.min(min, u);
      su += u;
      sr += r.nextRademacher();
    }
    assertTrue(min > 0);
    assertEquals(0.5, su / N, 5 * Math.sqrt(1.0 / 12 / N));
    assertEquals(0, sr / N, 5 * Math.sqrt(1.0 / N));
    int[] counts = new int[7];
    for (int i = 0; i < 70_000; i++) {
      counts[r.nextInt(7)]++;
    }
    for (int c : counts) {
      assertEquals(10_000, c, 5 * Math.sqrt(70_000 * (1 / 7.0) * (6 / 7.0)));
    }
  }

  @Test
  void childStreamsAreUncorrelated() {
    int streams = 12;
    int n = 20_000;
    double[][] z = new double[streams][n];
    Rng root = Rng.of(77);
    for (int s = 0; s < streams; s++) {
      Rng r = root.stream(s);
      for (int i = 0; i < n; i++) {
        z[s][i] = r.nextGaussian();
      }
    }
    // Sample correlation of independent N(0,1) sequences has sd 1/sqrt(n); 66 pairs, 5 sd each.
    double bound = 5 / Math.sqrt(n);
    for (int a = 0; a < streams; a++) {
      for (int b = a + 1; b < streams; b++) {
        double c = 0;
        double lag = 0;
        for (int i = 0; i < n; i++) {
          c += z[a][i] * z[b][i];
          lag += z[a][i] * z[b][(i + 1) % n];
        }
        assertEquals(0, c / n, bound, "streams " + a + ", " + b);
        assertEquals(0, lag / n, bound, "streams " + a + ", " + b + " at lag 1");
      }
    }
    // Neighbouring seeds are independent too (seed s stream i vs seed s+1 stream i-1).
    Rng a = Rng.of(0).stream(1);
    Rng b = Rng.of(1).stream(0);
    double c = 0;
    for (int i = 0; i < n; i++) {
      c += a.nextGaussian() * b.nextGaussian();
    }
    assertEquals(0, c / n, bound);
  }

  @Test
  void streamsDependOnlyOnSeedAndIndex() {
    Rng r = Rng.of(9);
    double first = r.stream(3).nextGaussian();
    for (int i = 0; i < 100; i++) {
      r.nextGaussian(); // consuming the parent must not change its children
    }
    assertEquals(first, r.stream(3).nextGaussian(), 0);
    assertEquals(first, Rng.of(9).stream(3).nextGaussian(), 0);
    assertEquals(Rng.of(9).stream(3).stream(4).nextLong(), Rng.of(9).stream(3, 4).nextLong());
    assertNotEquals(Rng.of(9).stream(3).nextLong(), Rng.of(9).stream(4).nextLong());
    assertNotEquals(Rng.of(9).stream(3, 4).nextLong(), Rng.of(9).stream(4, 3).nextLong());
    assertNotEquals(Rng.of(9).nextLong(), Rng.of(10).nextLong());
    assertEquals(9, Rng.of(9).seed());
  }
}
