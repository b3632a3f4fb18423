package org.diffusion4j.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SmallMatricesTest {
  private static double[][] random(SplittableRandom rnd, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    return m;
  }

  @Test
  void solveSatisfiesTheSystemAndLeavesItsArgumentsAlone() {
    SplittableRandom rnd = new SplittableRandom(7);
    double[][] a = random(rnd, 6, 6);
    double[][] b = random(rnd, 6, 3);
    double[][] aCopy = a.clone();
    for (int i = 0; i < 6; i++) {
      aCopy[i] = a[i].clone();
    }
    double[][] bCopy = b.clone();
    for (int i = 0; i < 6; i++) {
      bCopy[i] = b[i].clone();
    }
    double[][] x = SmallMatrices.solve(a, b);
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 6; k++) {
          s += a[i][k] * x[k][j];
        }
        assertEquals(b[i][j], s, 1e-12);
      }
      assertArrayEquals(aCopy[i], a[i], 0.0);
      assertArrayEquals(bCopy[i], b[i], 0.0);
    }
    // Agrees with the Gauss-Jordan inverse.
    double[][] inv = SmallMatrices.invert(a);
    for (int i = 0; i < 6; i++) {
      double s = 0;
      for (int k = 0; k < 6; k++) {
        s += inv[i][k] * b[k][1];
      }
      assertEquals(s, x[i][1], 1e-10);
    }
  }

  @Test
  void eachColumnIsSolvedExactlyAsAloneAndSingularIsRefused() {
    SplittableRandom rnd = new SplittableRandom(11);
    double[][] a = random(rnd, 5, 5);
    double[][] b = random(rnd, 5, 4);
    double[][] x = SmallMatrices.solve(a, b);
    for (int j = 0; j < 4; j++) {
      double[] col = new double[5];
      for (int i = 0; i < 5; i++) {
        col[i] = b[i][j];
      }
      double[] alone = SmallMatrices.solve(a, col);
      for (int i = 0; i < 5; i++) {
        assertEquals(alone[i], x[i][j], 0.0, "column " + j + " row " + i);
      }
    }
    double[][] singular = {{1, 2}, {2, 4}};
    assertThrows(IllegalArgumentException.class, () -> SmallMatrices.solve(singular, new double[] {1, 1}));
    assertThrows(IllegalArgumentException.class, () -> SmallMatrices.solve(a, new double[][] {{1}}));
  }
}
