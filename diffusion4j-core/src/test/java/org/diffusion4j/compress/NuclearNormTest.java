package org.diffusion4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class NuclearNormTest {
  /** Rank one: ||u v^T||_* = |u| |v| and its gradient is u v^T / (|u| |v|). */
  @Test
  void rankOneMatchesClosedForm() {
    double[] u = {1, -2, 0.5};
    double[] v = {3, 0, 4, -1, 2};
    double[] a = new double[15];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 5; j++) {
        a[i * 5 + j] = u[i] * v[j];
      }
    }
    double nu = Math.sqrt(1 + 4 + 0.25);
    double nv = Math.sqrt(9 + 16 + 1 + 4);
    for (boolean transpose : new boolean[] {false, true}) {
      double[] m = transpose ? transpose(a, 3, 5) : a;
      NuclearNorm n = transpose ? NuclearNorm.of(m, 5, 3) : NuclearNorm.of(m, 3, 5);
      assertEquals(nu * nv, n.value(), 1e-10);
      for (int i = 0; i < m.length; i++) {
        assertEquals(m[i] / (nu * nv), n.gradient()[i], 1e-9);
      }
    }
  }

  /** Full rank random matrix: the gradient matches central finite differences of the value. */
  @Test
  void gradientMatchesFiniteDifferences() {
    Rng r = Rng.of(9);
    int rows = 4;
    int cols = 6;
    double[] a = new double[rows * cols];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
    }
    NuclearNorm n = NuclearNorm.of(a, rows, cols);
    double h = 1e-6;
    for (int i = 0; i < a.length; i++) {
      double[] p = a.clone();
      double[] m = a.clone();
      p[i] += h;
      m[i] -= h;
      double fd = (NuclearNorm.of(p, rows, cols).value() - NuclearNorm.of(m, rows, cols).value()) / (2 * h);
      assertEquals(fd, n.gradient()[i], 1e-6);
    }
  }

  private static double[] transpose(double[] a, int rows, int cols) {
    double[] t = new double[a.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = a[i * cols + j];
      }
    }
    return t;
  }
}
