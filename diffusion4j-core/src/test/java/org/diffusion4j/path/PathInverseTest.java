package org.diffusion4j.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** t(lambda(t)) = t over the whole range, and lambda outside the range is rejected. */
class PathInverseTest {
  static Stream<GaussianPath> paths() {
    return PathCases.stream();
  }

  /** A dense grid of the range plus points crowding both ends (tMin + 1e-6 .. tMax). */
  static double[] denseGrid(GaussianPath p) {
    double lo = p.tMin();
    double hi = p.tMax();
    double w = hi - lo;
    List<Double> ts = new ArrayList<>();
    int n = 4000;
    for (int i = 1; i <= n; i++) {
      ts.add(lo + w * i / n);
    }
    for (int k = 1; k <= 10; k++) {
      double e = Math.pow(10, -k) * w;
      ts.add(lo + e);
      ts.add(hi - e);
    }
    ts.add(lo + 1e-6);
    ts.add(hi);
    return ts.stream().mapToDouble(Double::doubleValue).filter(t -> t > lo && t <= hi).toArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void inverseRoundTripsOverWholeRange(GaussianPath p) {
    double worst = 0;
    double worstT = Double.NaN;
    for (double t : denseGrid(p)) {
      double back = p.tOfLambda(p.lambda(t));
      double err = Math.abs(back - t);
      if (!(err <= worst)) {
        worst = err;
        worstT = t;
      }
    }
    double wt = worstT;
    double we = worst;
    assertTrue(worst <= 1e-10, () -> PathCases.label(p) + ": |t(lambda(t)) - t| = " + we + " at t=" + wt);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void inverseOfEndLambdasIsTheEnd(GaussianPath p) {
    assertEquals(p.tMax(), p.tOfLambda(p.lambda(p.tMax())), 1e-10);
    double lmax = p.lambda(p.tMin());
    assertEquals(p.tMin(), p.tOfLambda(lmax), 1e-10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void nanOrOutOfRangeLambdaIsRejected(GaussianPath p) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.tOfLambda(Double.NaN));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    double below = p.lambda(p.tMax());
    if (Double.isFinite(below)) {
      IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> p.tOfLambda(below - 1));
      assertTrue(low.getMessage().contains("outside"), low.getMessage());
    }
    double above = p.lambda(p.tMin());
    if (Double.isFinite(above)) {
      IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> p.tOfLambda(above + 1));
      assertTrue(high.getMessage().contains("outside"), high.getMessage());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void lambdaIsStrictlyDecreasing(GaussianPath p) {
    double[] ts = denseGrid(p);
    java.util.Arrays.sort(ts);
    for (int i = 1; i < ts.length; i++) {
      if (ts[i] - ts[i - 1] > 1e-9 * (p.tMax() - p.tMin())) {
        assertTrue(p.lambda(ts[i]) < p.lambda(ts[i - 1]), PathCases.label(p) + " at t=" + ts[i]);
      }
    }
  }
}
