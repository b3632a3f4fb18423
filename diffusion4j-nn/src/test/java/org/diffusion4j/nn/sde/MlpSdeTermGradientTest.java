package org.diffusion4j.nn.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.DataType;
import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.grad.GradientRoute;
import org.diffusion4j.sde.grad.PathLoss;
import org.diffusion4j.sde.grad.SdeGradient;
import org.junit.jupiter.api.Test;

/**
 * The autograd VJPs of the network term, through the exact gradient routes, against central
 * finite differences of the solve in float64 (a 2-d state, width 5, 3 paths, 16 steps).
 */
class MlpSdeTermGradientTest {
  static final PathLoss LOSS = (s, g) -> {
    double v = 0;
    for (int i = 0; i < s.length; i++) {
      v += Math.sin(s[i]) + 0.5 * s[i] * s[i];
      g[i] = Math.cos(s[i]) + s[i];
    }
    return v;
  };

  static SdeGradient.Result run(MlpSdeTerm term, GradientRoute route) {
    return SdeGradient.of(term).route(route).t1(0.8).dt(0.05).y0(0.3, -0.4).paths(3).seed(4).saveAt(0.4, 0.8).run(LOSS);
  }

  static void check(Calculus calculus, GradientRoute route) {
    try (MlpSdeTerm term = new MlpSdeTerm(2, 5, calculus, DataType.FLOAT64, 9)) {
      double[] base = term.params();
      double[] grad = run(term, route).paramGradient();
      // First-layer weight, hidden bias, output weight, diffusion slope and offset.
      for (int j : new int[] {0, 7, 16, 40, 50, base.length - 3, base.length - 1}) {
        double eps = 1e-6;
        double[] q = base.clone();
        q[j] += eps;
        term.setParams(q);
        double up = run(term, route).loss();
        q[j] -= 2 * eps;
        term.setParams(q);
        double down = run(term, route).loss();
        term.setParams(base);
        double fd = (up - down) / (2 * eps);
        assertEquals(fd, grad[j], 1e-6 * Math.max(1, Math.abs(fd)), route + " parameter " + j);
      }
      // Same result twice: the autograd buffers are reset between backward passes.
      assertEquals(grad[0], run(term, route).paramGradient()[0], 0.0);
    }
  }

  @Test
  void backpropThroughEulerMatchesFiniteDifferences() {
    check(Calculus.ITO, GradientRoute.BACKPROP);
  }

  @Test
  void reversibleHeunMatchesFiniteDifferences() {
    check(Calculus.STRATONOVICH, GradientRoute.REVERSIBLE_HEUN);
  }
}
