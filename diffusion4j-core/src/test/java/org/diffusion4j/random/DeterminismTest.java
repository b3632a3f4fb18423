package org.diffusion4j.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;

/** Same seed, bitwise-identical output whether run with 1, 2 or 16 threads or on the common pool. */
class DeterminismTest {
  static final int[] THREADS = {1, 2, 16};

  static double[] inPool(int threads, Callable<double[]> work) throws Exception {
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      return pool.submit(work).get();
    } finally {
      pool.shutdown();
    }
  }

  static void assertSameAtEveryThreadCount(Callable<double[]> work) throws Exception {
    double[] plain = work.call();
    for (int k : THREADS) {
      double[] got = inPool(k, work);
      assertEquals(plain.length, got.length);
      for (int i = 0; i < plain.length; i++) {
        if (Double.doubleToRawLongBits(plain[i]) != Double.doubleToRawLongBits(got[i])) {
          throw new AssertionError(k + " threads: element " + i + " is " + got[i] + ", plain call gave " + plain[i]);
        }
      }
    }
  }

  static GaussianMixture mixture() {
    return new GaussianMixture(new double[] {1, 2, 3}, new double[][] {{0, 1, 2, 3, 4}, {-1, 0, 1, 0, -1}, {2, 2, 2, 2, 2}},
        new double[][] {{1, 1, 1, 1, 1}, {0.1, 0.2, 0.3, 0.4, 0.5}, {2, 1, 0.5, 1, 2}});
  }

  @Test
  void standardNormalNoise() throws Exception {
    assertSameAtEveryThreadCount(() -> Noise.standardNormal(42, 3001, 7).data());
  }

  @Test
  void mixtureSamples() throws Exception {
    assertSameAtEveryThreadCount(() -> mixture().sample(7, 2500).data());
  }

  @Test
  void mixturePosteriorAndDensity() throws Exception {
    GaussianPath p = Paths.create("vp-cosine", Map.of());
    Batch x = Noise.standardNormal(3, 2000, 5);
    assertSameAtEveryThreadCount(() -> {
      Batch mean = x.zerosLike();
      Batch score = x.zerosLike();
      mixture().posterior(p, 0.3, x, mean, score);
      double[] lp = mixture().logDensity(p, 0.3, x);
      double[] all = new double[2 * mean.size() + lp.length];
      System.arraycopy(mean.data(), 0, all, 0, mean.size());
      System.arraycopy(score.data(), 0, all, mean.size(), score.size());
      System.arraycopy(lp, 0, all, 2 * mean.size(), lp.length);
      return all;
    });
  }

  @Test
  void rowsDependOnlyOnSeedAndRowIndex() {
    // Row i of an (n, d) noise batch is stream i: a longer batch extends a shorter one.
    Batch small = Noise.standardNormal(5, 10, 3);
    Batch big = Noise.standardNormal(5, 1000, 3);
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(small.row(i), big.row(i));
    }
    double[] expected = new double[3];
    Rng.of(5).stream(9).fillGaussian(expected, 0, 3);
    assertArrayEquals(expected, big.row(9));
  }
}
