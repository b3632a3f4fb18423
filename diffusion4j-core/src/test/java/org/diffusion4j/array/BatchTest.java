package org.diffusion4j.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class BatchTest {
  static Batch of(int n, int d, double... v) {
    return new Batch(n, d, v);
  }

  @Test
  void linearCombinations() {
    Batch x = of(2, 2, 1, 2, 3, 4);
    Batch y = of(2, 2, 10, 20, 30, 40);
    Batch z = of(2, 2, 100, 200, 300, 400);
    assertArrayEquals(new double[] {12, 24, 36, 48}, x.zerosLike().setLinear(2, x, 1, y).data());
    assertArrayEquals(new double[] {112, 224, 336, 448}, x.zerosLike().setLinear(2, x, 1, y, 1, z).data());
    assertArrayEquals(new double[] {-98, -196, -294, -392},
        x.zerosLike().setLinear(new double[] {2, -1}, new Batch[] {x, z}).data());
    assertArrayEquals(new double[] {3, 6, 9, 12}, x.zerosLike().setScaled(3, x).data());
    assertArrayEquals(new double[] {6, 12, 18, 24}, x.copy().addScaled(0.5, y).scale(0.5).scale(2).addScaled(0, y)
        .addScaled(-0.5, y).addScaled(0.5, y).data());
    // In place aliasing: out == x is allowed.
    Batch a = x.copy();
    a.setLinear(2, a, 1, y);
    assertArrayEquals(new double[] {12, 24, 36, 48}, a.data());
  }

  @Test
  void accessorsAndDistances() {
    Batch x = of(2, 3, 1, 2, 3, 4, 5, 6);
    assertEquals(6, x.get(1, 2));
    x.set(1, 2, 7);
    assertArrayEquals(new double[] {4, 5, 7}, x.row(1));
    assertEquals(6, x.size());
    Batch y = x.copy();
    y.set(0, 0, 4);
    assertEquals(3, x.maxAbsDistance(y));
    assertEquals(Math.sqrt(9.0 / 6), x.rmsDistance(y), 1e-15);
    assertEquals(0, new Batch(0, 3).rmsDistance(new Batch(0, 3)));
    assertEquals(-1, x.firstNonFinite());
    y.set(1, 1, Double.NaN);
    assertEquals(4, y.firstNonFinite());
    y.set(0, 2, Double.NEGATIVE_INFINITY);
    assertEquals(2, y.firstNonFinite());
    assertEquals(x.copy().setFrom(x).rmsDistance(x), 0);
  }

  @Test
  void badShapesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Batch(-1, 2));
    assertThrows(IllegalArgumentException.class, () -> new Batch(2, 0));
    String m = assertThrows(IllegalArgumentException.class, () -> new Batch(2, 2, new double[3])).getMessage();
    assertTrue(m.contains("3") && m.contains("(2, 2)"), m);
    assertThrows(IllegalArgumentException.class, () -> new Batch(1 << 20, 1 << 12));
    Batch x = new Batch(2, 2);
    String s = assertThrows(IllegalArgumentException.class, () -> x.addScaled(1, new Batch(2, 3))).getMessage();
    assertTrue(s.contains("(2, 2)") && s.contains("(2, 3)"), s);
    assertThrows(IllegalArgumentException.class, () -> x.setLinear(new double[] {1}, new Batch[] {x, x}));
  }

  @Test
  void parallelVisitsEveryRowOnceAtAnyThreadCount() throws Exception {
    for (int threads : new int[] {1, 2, 16}) {
      for (int n : new int[] {0, 1, 63, 64, 65, 1000, 4097}) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
          pool.submit(() -> Parallel.forRows(n, 8, (from, to) -> {
            for (int i = from; i < to; i++) {
              hits.incrementAndGet(i);
            }
          })).get();
        } finally {
          pool.shutdown();
        }
        for (int i = 0; i < n; i++) {
          assertEquals(1, hits.get(i), "threads=" + threads + " n=" + n + " row " + i);
        }
      }
    }
    AtomicIntegerArray hits = new AtomicIntegerArray(5000);
    Parallel.forRows(5000, (from, to) -> {
      for (int i = from; i < to; i++) {
        hits.incrementAndGet(i);
      }
    });
    for (int i = 0; i < 5000; i++) {
      assertEquals(1, hits.get(i));
    }
  }
}
