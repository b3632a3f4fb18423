package org.diffusion4j.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;

/** Each spacing is uniform in its own variable, on every path, with exact end points. */
class TimeGridTest {
  @Test
  void spacingsAreUniformInTheirVariable() {
    for (GaussianCase c : GaussianCase.all()) {
      GaussianPath p = c.path;
      int n = 12;
      for (TimeGrid.Spacing s : TimeGrid.Spacing.values()) {
        TimeGrid g = TimeGrid.create(s, 5, p, c.tStart, c.tEnd, n);
        assertEquals(n, g.steps());
        assertEquals(c.tStart, g.start(), 0.0);
        assertEquals(c.tEnd, g.end(), 0.0);
        double[] u = new double[n + 1];
        for (int i = 0; i <= n; i++) {
          double t = g.t(i);
          u[i] = switch (s) {
            case UNIFORM_T -> t;
            case TIME_QUADRATIC -> Math.sqrt(t);
            case LOGSNR -> p.lambda(t);
            case KARRAS -> Math.exp(-p.lambda(t) / 5);
          };
        }
        double step = (u[n] - u[0]) / n;
        for (int i = 1; i <= n; i++) {
          assertTrue(g.t(i) < g.t(i - 1), c + " " + s + " not decreasing");
          assertEquals(step, u[i] - u[i - 1], 1e-8 * Math.max(1, Math.abs(step)) + 1e-9 * Math.abs(u[i]),
              c + " " + s + " step " + i);
        }
      }
    }
  }

  @Test
  void userGridsAndBadArgumentsAreChecked() {
    GaussianPath p = Paths.create("vp-linear", Map.of());
    assertEquals(2, TimeGrid.of(p, 1, 0.5, 0.01).steps());
    assertThrows(IllegalArgumentException.class, () -> TimeGrid.of(p, 1, 0.5, 0.6));
    assertThrows(IllegalArgumentException.class, () -> TimeGrid.of(p, 1.5, 0.5));
    assertThrows(IllegalArgumentException.class, () -> TimeGrid.create(TimeGrid.Spacing.LOGSNR, p, 0.1, 0.5, 4));
    assertThrows(IllegalArgumentException.class, () -> TimeGrid.create(TimeGrid.Spacing.LOGSNR, p, 1, 0.1, 0));
    GaussianPath ot = Paths.create("cond-ot", Map.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TimeGrid.create(TimeGrid.Spacing.LOGSNR, ot, 1, 0.01, 4));
    assertTrue(e.getMessage().contains("lambda"), e.getMessage());
    assertEquals(TimeGrid.Spacing.KARRAS, TimeGrid.Spacing.parse("karras"));
    assertThrows(IllegalArgumentException.class, () -> TimeGrid.Spacing.parse("cubic"));
  }
}
