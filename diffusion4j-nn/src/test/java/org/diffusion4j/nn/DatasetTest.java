package org.diffusion4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Toy2d;
import org.junit.jupiter.api.Test;

class DatasetTest {
  @Test
  void toysAreDeterministicForASeedAtAnyThreadCount() throws Exception {
    for (Toy2d toy : Toy2d.values()) {
      Dataset a = toy.sample(7, 3000);
      Dataset b = new ForkJoinPool(1).submit(() -> toy.sample(7, 3000)).get();
      Dataset c = new ForkJoinPool(7).submit(() -> toy.sample(7, 3000)).get();
      assertArrayEquals(a.data().data(), b.data().data(), toy + " differs at 1 thread");
      assertArrayEquals(a.data().data(), c.data().data(), toy + " differs at 7 threads");
      assertArrayEquals(a.labels(), c.labels());
      // A prefix of a larger draw is the smaller draw; another seed gives other points.
      assertArrayEquals(Arrays.copyOf(toy.sample(7, 5000).data().data(), 6000), a.data().data());
      assertFalse(Arrays.equals(toy.sample(8, 3000).data().data(), a.data().data()), toy + " ignores the seed");
    }
  }

  /** Each toy has the support it claims (a check that could fail for a wrong formula). */
  @Test
  void toysHaveTheirShapes() {
    Dataset cb = Toy2d.CHECKERBOARD.sample(1, 20000);
    for (int i = 0; i < cb.n(); i++) {
      double x = cb.data().get(i, 0);
      double y = cb.data().get(i, 1);
      assertTrue(Math.abs(x) <= 2 && Math.abs(y) <= 2);
      // Dark squares: floor(x) + floor(y) even.
      assertTrue(((int) Math.floor(x) + (int) Math.floor(y)) % 2 == 0, "point off the dark squares: " + x + ", " + y);
    }
    Dataset rings = Toy2d.RINGS.sample(1, 20000);
    for (int i = 0; i < rings.n(); i++) {
      double r = Math.hypot(rings.data().get(i, 0), rings.data().get(i, 1));
      double expect = 0.5 * (rings.labels()[i] + 1);
      assertTrue(Math.abs(r - expect) < 0.05 * 6, "ring radius " + r + " vs " + expect); // 6 sigma
    }
    Dataset g8 = Toy2d.EIGHT_GAUSSIANS.sample(1, 20000);
    double[] counts = new double[8];
    for (int k : g8.labels()) {
      counts[k]++;
    }
    for (double c : counts) {
      // Binomial(20000, 1/8): sd = 46.8; 5 sd bound.
      assertTrue(Math.abs(c - 2500) < 5 * 46.8, "component count " + c);
    }
  }
}
