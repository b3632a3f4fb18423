package org.diffusion4j.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Paths.create builds the documented paths and rejects bad names and options with clear messages. */
class PathsFactoryTest {
  private static String error(String name, Map<String, String> options) {
    return assertThrows(IllegalArgumentException.class, () -> Paths.create(name, options)).getMessage();
  }

  @Test
  void everyListedNameBuildsWithDefaults() {
    for (String name : Paths.names()) {
      GaussianPath p = Paths.create(name, Map.of());
      assertEquals(name, p.name());
      assertTrue(p.tMin() < p.tMax());
    }
    assertEquals(Paths.create("vp-linear", null), new VpLinearPath());
  }

  @Test
  void optionsReachTheConstructors() {
    assertEquals(new VpLinearPath(0.2, 10), Paths.create("vp-linear", Map.of("beta-min", "0.2", "beta-max", "10")));
    assertEquals(new SubVpPath(0.2, 10), Paths.create("sub-vp", Map.of("beta-min", "0.2", "beta-max", " 10 ")));
    assertEquals(new VpCosinePath(0.01), Paths.create("vp-cosine", Map.of("s", "0.01")));
    assertEquals(new VePath(0.1, 30), Paths.create("ve", Map.of("sigma-min", "0.1", "sigma-max", "30")));
    assertEquals(new EdmPath(0.01, 40), Paths.create("edm", Map.of("sigma-min", "0.01", "sigma-max", "40")));
    DiscreteDdpmPath d = (DiscreteDdpmPath) Paths.create("discrete",
        Map.of("steps", "500", "schedule", "scaled-linear", "beta-start", "0.001", "beta-end", "0.01"));
    assertEquals(500, d.steps());
    assertEquals("scaled-linear", d.schedule());
    assertEquals(DiscreteDdpmPath.scaledLinear(500, 0.001, 0.01).alpha(0.5), d.alpha(0.5), 0);
  }

  @Test
  void unknownNameListsTheChoices() {
    String m = error("vp-lineer", Map.of());
    assertTrue(m.contains("vp-lineer") && m.contains("vp-linear") && m.contains("cond-ot"), m);
    String n = error(null, Map.of());
    assertTrue(n.contains("path name") && n.contains("edm"), n);
  }

  @Test
  void unknownOptionIsNamed() {
    String m = error("vp-linear", Map.of("beta-maxx", "3"));
    assertTrue(m.contains("beta-maxx") && m.contains("vp-linear"), m);
    String n = error("cond-ot", Map.of("s", "0.1"));
    assertTrue(n.contains("[s]"), n);
  }

  @Test
  void badValuesAreNamed() {
    String m = error("ve", Map.of("sigma-max", "big"));
    assertTrue(m.contains("sigma-max") && m.contains("big"), m);
    String r = error("ve", Map.of("sigma-min", "5", "sigma-max", "1"));
    assertTrue(r.contains("sigma-min=5") && r.contains("sigma-max=1"), r);
    String b = error("vp-linear", Map.of("beta-min", "NaN"));
    assertTrue(b.contains("beta-min=NaN"), b);
    String s = error("vp-cosine", Map.of("s", "-0.5"));
    assertTrue(s.contains("s=-0.5"), s);
    String st = error("discrete", Map.of("steps", "10.5"));
    assertTrue(st.contains("steps") && st.contains("10.5"), st);
    String few = error("discrete", Map.of("steps", "1"));
    assertTrue(few.contains("steps"), few);
    String sch = error("discrete", Map.of("schedule", "cosine"));
    assertTrue(sch.contains("cosine") && sch.contains("scaled-linear"), sch);
    String beta = error("discrete", Map.of("beta-end", "1.5"));
    assertTrue(beta.contains("beta-end=1.5"), beta);
  }

  @Test
  void functionPathValidatesItsRange() {
    String m = assertThrows(IllegalArgumentException.class,
        () -> FunctionPath.of("bad", t -> 1, t -> t, 1, 0)).getMessage();
    assertTrue(m.contains("tMin < tMax"), m);
  }

  @Test
  void checkTimeNamesRangeAndPath() {
    GaussianPath p = new VpLinearPath();
    String m = assertThrows(IllegalArgumentException.class, () -> p.checkTime(1.5)).getMessage();
    assertTrue(m.contains("1.5") && m.contains("vp-linear") && m.contains("[0.0, 1.0]"), m);
    assertThrows(IllegalArgumentException.class, () -> p.checkTime(Double.NaN));
  }
}
