package org.diffusion4j.pde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** Random grids and their cell quadrature: order invariance, exact sums, convergence. */
class RandomGridTest {
  @Test
  void weightsSumToTheIntervalAndIgnoreOrder() {
    double[] x = RandomGrid.uniform(Rng.of(1), 50, -1, 2);
    double[] w = RandomGrid.cellWeights(x, -1, 2);
    double sum = 0;
    for (double v : w) {
      sum += v;
    }
    assertEquals(3, sum, 1e-12);
    // reversed order: each point keeps its weight
    double[] xr = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      xr[i] = x[x.length - 1 - i];
    }
    double[] wr = RandomGrid.cellWeights(xr, -1, 2);
    for (int i = 0; i < x.length; i++) {
      assertEquals(w[i], wr[x.length - 1 - i], 0.0);
    }
    // ties share a cell
    double[] tied = RandomGrid.cellWeights(new double[] {0.5, 0.5}, 0, 1);
    assertEquals(0.5, tied[0], 0.0);
    assertEquals(0.5, tied[1], 0.0);
  }

  @Test
  void cellCentresGiveTheMidpointRule() {
    double[] x = RandomGrid.cellCentres(10, 0, 1);
    double[] w = RandomGrid.cellWeights(x, 0, 1);
    for (double v : w) {
      assertEquals(0.1, v, 1e-15);
    }
  }

  @Test
  void stratifiedQuadratureConverges() {
    // integral of exp(x) sin(3x) on [0, 1] = e (sin 3 - 3 cos 3)/10 + 3/10
    double exact = Math.E * (Math.sin(3) - 3 * Math.cos(3)) / 10 + 0.3;
    double[] errors = new double[3];
    int[] sizes = {16, 64, 256};
    for (int s = 0; s < sizes.length; s++) {
      double sq = 0;
      for (int rep = 0; rep < 50; rep++) {
        double[] x = RandomGrid.stratified(Rng.of(7).stream(s, rep), sizes[s], 0, 1);
        double[] w = RandomGrid.cellWeights(x, 0, 1);
        double q = 0;
        for (int i = 0; i < x.length; i++) {
          q += w[i] * Math.exp(x[i]) * Math.sin(3 * x[i]);
        }
        sq += (q - exact) * (q - exact);
      }
      errors[s] = Math.sqrt(sq / 50);
    }
    // second order in 1/n at least: each 4x refinement cuts the rms error by > 8
    assertTrue(errors[1] < errors[0] / 8 && errors[2] < errors[1] / 8,
        "rms errors " + errors[0] + ", " + errors[1] + ", " + errors[2]);
  }

  @Test
  void stratifiedPointsCoverEveryCell() {
    double[] x = RandomGrid.stratified(Rng.of(3), 20, 0, 2);
    boolean[] hit = new boolean[20];
    for (double v : x) {
      hit[(int) (v / 0.1)] = true;
    }
    for (boolean h : hit) {
      assertTrue(h);
    }
  }

  @Test
  void badInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> RandomGrid.uniform(Rng.of(0), 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> RandomGrid.stratified(Rng.of(0), 4, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> RandomGrid.cellWeights(new double[] {1.5}, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> RandomGrid.cellWeights(new double[] {Double.NaN}, 0, 1));
  }
}
