package org.diffusion4j.irregular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** Interpolants of irregular observations: exact at the knots, derivatives match finite differences, bad input rejected. */
class ControlPathTest {
  /** 3 series x 9 irregular times x 2 channels with random values, 30% of the time points dropped. */
  static IrregularBatch batch(double rate) {
    Rng r = Rng.of(5);
    double[] t = new double[9];
    double acc = 0.3;
    for (int k = 0; k < t.length; k++) {
      acc += 0.2 + r.nextDouble();
      t[k] = acc;
    }
    double[] v = new double[3 * 9 * 2];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return new IrregularBatch(t, v, 3, 2).dropTimePoints(rate, 17);
  }

  @Test
  void dropRemovesTheRequestedFractionReproducibly() {
    IrregularBatch full = batch(0);
    IrregularBatch half = full.dropTimePoints(0.5, 3);
    assertEquals(Math.round(0.5 * 9) / 9.0, half.missingFraction(), 1e-12);
    assertArrayEquals(half.values(), full.dropTimePoints(0.5, 3).values());
    for (int i = 0; i < full.values().length; i++) {
      double h = half.values()[i];
      assertTrue(Double.isNaN(h) || h == full.values()[i]);
    }
  }

  @Test
  void hermiteAndLinearPassThroughTheObservations() {
    IrregularBatch b = batch(0.3);
    double[] filled = LinearPath.fill(b);
    for (ControlPath p : new ControlPath[] {HermiteCubicPath.of(b), LinearPath.of(b)}) {
      for (int k = 0; k < b.length(); k++) {
        double[] x = p.evaluate(b.time(k));
        for (int i = 0; i < b.series(); i++) {
          for (int j = 0; j < b.channels(); j++) {
            double obs = b.value(i, k, j);
            double expect = Double.isNaN(obs) ? filled[(i * b.length() + k) * 2 + j] : obs;
            assertEquals(expect, x[i * 2 + j], 1e-12, p.getClass().getSimpleName() + " at knot " + k);
          }
        }
      }
    }
  }

  @Test
  void hermiteDerivativeMatchesFiniteDifferencesAndIsContinuousAtKnots() {
    IrregularBatch b = batch(0.3);
    HermiteCubicPath p = HermiteCubicPath.of(b);
    double[] t = b.times();
    double h = 1e-6;
    for (int k = 0; k < t.length - 1; k++) {
      for (double w : new double[] {0.1, 0.5, 0.9}) {
        double s = t[k] + w * (t[k + 1] - t[k]);
        double[] up = p.evaluate(s + h);
        double[] dn = p.evaluate(s - h);
        double[] d = p.derivative(s);
        for (int q = 0; q < d.length; q++) {
          assertEquals((up[q] - dn[q]) / (2 * h), d[q], 1e-6 * (1 + Math.abs(d[q])));
        }
      }
    }
    // C^1: one-sided difference quotients at an interior knot agree (backward-difference derivative).
    double knot = t[4];
    double[] left = p.evaluate(knot - 1e-7);
    double[] mid = p.evaluate(knot);
    double[] right = p.evaluate(knot + 1e-7);
    for (int q = 0; q < mid.length; q++) {
      assertEquals((mid[q] - left[q]) / 1e-7, (right[q] - mid[q]) / 1e-7, 1e-5);
    }
    // The derivative at knot k is the backward difference (x_k - x_{k-1}) / (t_k - t_{k-1}).
    double[] filled = LinearPath.fill(b);
    double[] dk = p.derivative(knot);
    assertEquals((filled[4 * 2] - filled[3 * 2]) / (t[4] - t[3]), dk[0], 1e-9);
  }

  @Test
  void hermiteMatchesTorchcdeOnASmallExample() {
    // torchcde.hermite_cubic_coefficients_with_backward_differences(x, t) with x = [0, 1, 3, 2],
    // t = [0, 1, 2, 4] evaluated by CubicSpline at 1.5 and 3.0 (hand-derived: slopes 1, 2, -0.5).
    IrregularBatch b = IrregularBatch.of(new double[] {0, 1, 2, 4}, new double[] {0, 1, 3, 2});
    HermiteCubicPath p = HermiteCubicPath.of(b);
    // interval [1,2]: a=1, b=1 (m_0), slope 2: c=2, d=-1 -> 1 + 0.5 + 0.5 - 0.125
    assertEquals(1.875, p.evaluate(1.5)[0], 1e-12);
    // interval [2,4]: a=3, b=2, slope -0.5, delta 2: c=-2.5, d=0.625 -> 3 + 2 - 2.5 + 0.625
    assertEquals(3.125, p.evaluate(3.0)[0], 1e-12);
    assertEquals(-0.5, p.derivative(4.0)[0], 1e-12);
  }

  @Test
  void linearDerivativeMatchesFiniteDifferences() {
    IrregularBatch b = batch(0.5);
    LinearPath p = LinearPath.of(b);
    double[] t = b.times();
    double s = 0.5 * (t[2] + t[3]);
    double[] d = p.derivative(s);
    double[] up = p.evaluate(s + 1e-6);
    double[] dn = p.evaluate(s - 1e-6);
    for (int q = 0; q < d.length; q++) {
      assertEquals((up[q] - dn[q]) / 2e-6, d[q], 1e-6);
    }
  }

  @Test
  void rectilinearHoldsValuesWhileTimeMovesThenJumps() {
    IrregularBatch b = batch(0.3);
    RectilinearPath p = RectilinearPath.of(b);
    assertEquals(3, p.channels());
    assertEquals(2.0 * (b.length() - 1), p.end());
    for (int k = 0; k + 1 < b.length(); k++) {
      double[] atKnot = p.evaluate(RectilinearPath.knotOf(k));
      double[] halfway = p.evaluate(RectilinearPath.knotOf(k) + 0.5);
      double[] slope = p.derivative(RectilinearPath.knotOf(k) + 0.5);
      double[] jump = p.derivative(RectilinearPath.knotOf(k) + 1.5);
      for (int i = 0; i < b.series(); i++) {
        assertEquals(b.time(k), atKnot[i * 3], 0);
        assertEquals(0.5 * (b.time(k) + b.time(k + 1)), halfway[i * 3], 1e-12);
        assertEquals(b.time(k + 1) - b.time(k), slope[i * 3], 1e-12);
        assertEquals(0, slope[i * 3 + 1], 0);
        assertEquals(0, jump[i * 3], 0);
        if (!Double.isNaN(b.value(i, k, 0))) {
          assertEquals(b.value(i, k, 0), atKnot[i * 3 + 1], 0);
        }
      }
    }
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IrregularBatch.of(new double[] {0, 1, 1, 2}, new double[] {0, 0, 0, 0}));
    assertTrue(e.getMessage().contains("strictly increasing"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> IrregularBatch.of(new double[] {0, 2, 1}, new double[] {0, 0, 0}));
    assertTrue(e.getMessage().contains("t[2] = 1.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new IrregularBatch(new double[] {0, 1, 2}, new double[5], 1, 2));
    assertTrue(e.getMessage().contains("dimension mismatch"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> batch(0).dropTimePoints(1.0, 1));
    assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
  }

  @Test
  void timeChannelIsPrependedWhereObserved() {
    IrregularBatch b = batch(0.5).withTimeChannel();
    assertEquals(3, b.channels());
    for (int k = 0; k < b.length(); k++) {
      double time = b.value(0, k, 0);
      assertTrue(Double.isNaN(time) ? Double.isNaN(b.value(0, k, 1)) : time == b.time(k));
    }
  }
}
