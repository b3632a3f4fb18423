package org.diffusion4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.compress.UniformQuantizer.Params;
import org.diffusion4j.compress.UniformQuantizer.RangeMethod;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class UniformQuantizerTest {
  private static float[] gaussian(long seed, int n, double shift) {
    Rng r = Rng.of(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (shift + r.nextGaussian() * (1 + i % 7));
    }
    return x;
  }

  /** Min-max ranges clip nothing, so every element moves by at most half a step of its channel. */
  @Test
  void roundTripErrorIsAtMostHalfAStepPerElement() {
    for (int bits : new int[] {8, 4}) {
      for (boolean perChannel : new boolean[] {true, false}) {
        float[] w = gaussian(bits, 12 * 50, 0.3);
        float[] q = new float[w.length];
        Params[] ps = UniformQuantizer.quantizeWeights(w, 12, perChannel, bits, RangeMethod.MIN_MAX, q);
        assertEquals(perChannel ? 12 : 1, ps.length);
        for (int i = 0; i < w.length; i++) {
          Params p = ps[perChannel ? i / 50 : 0];
          // float32 storage of the dequantised value adds at most one ulp of it
          double tol = p.delta() / 2 + Math.ulp(q[i]);
          assertTrue(Math.abs(w[i] - q[i]) <= tol, "element " + i + " moved by " + Math.abs(w[i] - q[i])
              + " > half step " + p.delta() / 2);
        }
      }
    }
  }

  /** Inside an MSE-searched range the half-step bound holds too; outside it values clamp to the range end. */
  @Test
  void mseRangeBoundsErrorInsideAndClampsOutside() {
    float[] x = gaussian(3, 4000, 0);
    Params p = UniformQuantizer.fit(4, x, 0, x.length, RangeMethod.MSE);
    int clipped = 0;
    for (float v : x) {
      double qv = p.fakeQuant(v);
      if (v >= p.low() - p.delta() / 2 && v <= p.high() + p.delta() / 2) {
        assertTrue(Math.abs(v - qv) <= p.delta() / 2 + 1e-12);
      } else {
        clipped++;
        assertEquals(v < 0 ? p.low() : p.high(), qv, 1e-12);
      }
    }
    assertTrue(clipped > 0, "a 4-bit MSE range of heavy-tailed data should clip some outliers");
    // The searched range is never worse than min-max in the searched error.
    Params mm = UniformQuantizer.fit(4, x, 0, x.length, RangeMethod.MIN_MAX);
    assertTrue(error(x, p) <= error(x, mm));
  }

  private static double error(float[] x, Params p) {
    double s = 0;
    for (float v : x) {
      s += Math.pow(Math.abs(v - p.fakeQuant(v)), UniformQuantizer.SEARCH_POWER);
    }
    return s;
  }

  /** The official calculate_qparams: zero is exactly representable and codes span [0, 2^b - 1]. */
  @Test
  void rangeGivesOfficialStepAndZeroPoint() {
    Params p = UniformQuantizer.fromRange(8, -1, 3);
    assertEquals(4.0 / 255, p.delta(), 1e-15);
    assertEquals(Math.rint(255 / 4.0), p.zeroPoint());
    assertEquals(0.0, p.fakeQuant(0.0));
    assertEquals(0, p.code(-10));
    assertEquals(255, p.code(10));
    // one-sided data: the range is widened to contain 0
    Params pos = UniformQuantizer.fromRange(4, 2, 5);
    assertEquals(0.0, pos.zeroPoint());
    assertEquals(5.0 / 15, pos.delta(), 1e-15);
  }

  @Test
  void badInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> UniformQuantizer.fromRange(1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> UniformQuantizer.fromRange(8, 1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> UniformQuantizer.quantizeWeights(new float[10], 3, true, 8, RangeMethod.MSE, new float[10]));
    assertThrows(IllegalArgumentException.class,
        () -> UniformQuantizer.fit(8, new float[] {Float.NaN}, 0, 1, RangeMethod.MIN_MAX));
  }

  @Test
  void calibrationStepsAreDeterministicAndFollowTheirRule() {
    int[] a = CalibrationTimes.PTQ4DM.steps(4000, 20, Rng.of(5));
    int[] b = CalibrationTimes.PTQ4DM.steps(4000, 20, Rng.of(5));
    assertArrayEquals(a, b);
    double mean = 0;
    int ends = 0;
    for (int k : a) {
      assertTrue(k >= 0 && k < 20);
      mean += k;
      ends += (k == 0 || k == 19) ? 1 : 0;
    }
    mean /= a.length;
    // int(u K) with u ~ N(0.5, 0.35), clamped: mean near K/2 minus the truncation bias; the clamped
    // tails P(u < 0) + P(u > 0.95) are about 0.077 + 0.099 (plus the int truncation into step 0)
    assertEquals(9.6, mean, 0.4);
    assertEquals(0.19, (double) ends / a.length, 0.04);
    assertArrayEquals(new int[] {0, 5, 10, 15, 19}, CalibrationTimes.UNIFORM.steps(5, 20, Rng.of(0)));
    assertArrayEquals(new int[] {19, 19, 19}, CalibrationTimes.LAST.steps(3, 20, Rng.of(0)));
  }
}
