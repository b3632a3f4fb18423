package org.diffusion4j.sde.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Memory of the three routes, measured as heap bytes allocated by the solving thread
 * (com.sun.management.ThreadMXBean) for 256 vs 2048 steps on 64 paths x 4 dimensions. The time
 * grid costs 28 bytes per step on every route (SdeSolve.grid builds it in three double arrays, plus
 * an int save slot); the state is
 * 64 x 4 x 8 = 2048 bytes per step, which only BACKPROP may keep.
 */
class GradientMemoryTest {
  static long allocated(GradientRoute route, int steps) {
    DifferentiableOu ou = new DifferentiableOu(1.0, 0.0, 0.5, 4);
    Runnable solve = () -> SdeGradient.of(ou).route(route).t1(1.0).dt(1.0 / steps).y0(0.1, 0.2, 0.3, 0.4).paths(64).seed(5)
        .run((s, g) -> {
          double v = 0;
          for (int i = 0; i < s.length; i++) {
            v += s[i];
            g[i] = 1;
          }
          return v;
        });
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    solve.run(); // warm up (class loading, JIT)
    long best = Long.MAX_VALUE;
    for (int rep = 0; rep < 3; rep++) {
      long before = mx.getThreadAllocatedBytes(tid);
      solve.run();
      best = Math.min(best, mx.getThreadAllocatedBytes(tid) - before);
    }
    return best;
  }

  @Test
  void reversibleHeunAndAdjointAllocateNoStatePerStep() {
    double[] perStep = new double[3];
    for (GradientRoute r : GradientRoute.values()) {
      long small = allocated(r, 256);
      long large = allocated(r, 2048);
      perStep[r.ordinal()] = (large - small) / (2048.0 - 256.0);
      System.out.printf("%s: %d bytes at 256 steps, %d at 2048 steps, %.1f bytes per step%n", r.cliName(), small, large, perStep[r.ordinal()]);
    }
    assertTrue(perStep[GradientRoute.BACKPROP.ordinal()] >= 2048, "backprop keeps its tape: " + perStep[0]);
    // A few words per step (the time grid, the Brownian tree's walk), not the 2048-byte state.
    assertTrue(perStep[GradientRoute.REVERSIBLE_HEUN.ordinal()] <= 64, "reversible Heun per step " + perStep[2]);
    assertTrue(perStep[GradientRoute.ADJOINT.ordinal()] <= 64, "adjoint per step " + perStep[1]);
  }
}
