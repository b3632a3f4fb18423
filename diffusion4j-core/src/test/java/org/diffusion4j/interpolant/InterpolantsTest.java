package org.diffusion4j.interpolant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.path.CondOtPath;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.TrigPath;
import org.junit.jupiter.api.Test;

class InterpolantsTest {
  @Test
  void createsEveryNamedInterpolant() {
    for (String name : Interpolants.names()) {
      Interpolant it = Interpolants.create(name, Map.of());
      assertEquals(name.replace("trig", "trig"), it.name());
    }
    Interpolant g = Interpolants.create("linear", Map.of("gamma", "sqrt", "a", "0.5"));
    assertEquals(Math.sqrt(0.5 * 0.3 * 0.7), g.gamma(0.3), 1e-15);
    assertEquals(0, Interpolants.create("trig", Map.of("gamma", "zero")).gamma(0.4));
    assertEquals(Math.pow(Math.sin(Math.PI * 0.2), 2), Interpolants.create("mirror", Map.of("gamma", "sin2")).gamma(0.2), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Interpolants.create("bogus", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Interpolants.create("linear", Map.of("gamma", "cubic")));
    assertThrows(IllegalArgumentException.class, () -> Interpolants.create("linear", Map.of("a", "x")));
    assertThrows(IllegalArgumentException.class, () -> Interpolants.create("linear", Map.of("a", "-1")));
    assertThrows(IllegalArgumentException.class, () -> Interpolants.create("linear", Map.of("beta", "1")));
    assertThrows(IllegalArgumentException.class, () -> Interpolants.create("one-sided-linear", Map.of("gamma", "sqrt")));
    assertThrows(IllegalArgumentException.class, () -> Interpolants.create("mirror", Map.of("gamma", "zero")));
  }

  /** Boundary conditions I(0) = x0, I(1) = x1, gamma(0) = gamma(1) = 0, and derivatives by central differences. */
  @Test
  void boundaryConditionsAndDerivatives() {
    for (String name : Interpolants.names()) {
      Interpolant it = Interpolants.create(name, Map.of());
      if (it.kind() != Interpolant.Kind.MIRROR) {
        assertEquals(1, it.alpha(0), 1e-15, name);
        assertEquals(0, it.beta(0), 1e-15, name);
        assertEquals(0, it.alpha(1), 1e-15, name);
      }
      assertEquals(1, it.beta(1), 1e-15, name);
      assertEquals(0, it.gamma(0), 1e-15, name);
      assertEquals(0, it.gamma(1), 1e-15, name);
      double h = 1e-6;
      for (double t : new double[] {0.1, 0.37, 0.5 + 1e-3, 0.81}) {
        assertEquals((it.alpha(t + h) - it.alpha(t - h)) / (2 * h), it.alphaDot(t), 1e-7, name + " alpha' t=" + t);
        assertEquals((it.beta(t + h) - it.beta(t - h)) / (2 * h), it.betaDot(t), 1e-7, name + " beta' t=" + t);
        double g2p = (Math.pow(it.gamma(t + h), 2) - Math.pow(it.gamma(t - h), 2)) / (4 * h);
        assertEquals(g2p, it.gammaGammaDot(t), 1e-7, name + " gamma gamma' t=" + t);
        assertEquals(it.gamma(t) * it.gamma().gammaDot(t), it.gammaGammaDot(t), 1e-12, name);
      }
    }
  }

  @Test
  void oneSidedInterpolantsAreTheGaussianPaths() {
    GaussianPath lin = Interpolant.oneSidedLinear().toGaussianPath();
    GaussianPath trig = Interpolant.oneSidedTrigonometric().toGaussianPath();
    GaussianPath ot = new CondOtPath();
    GaussianPath tp = new TrigPath();
    for (double t : new double[] {0, 0.2, 0.5, 0.9, 1}) {
      assertEquals(ot.alpha(t), lin.alpha(t), 1e-15);
      assertEquals(ot.sigma(t), lin.sigma(t), 1e-15);
      assertEquals(ot.alphaDot(t), lin.alphaDot(t), 1e-15);
      assertEquals(ot.sigmaDot(t), lin.sigmaDot(t), 1e-15);
      assertEquals(tp.alpha(t), trig.alpha(t), 1e-12);
      assertEquals(tp.sigma(t), trig.sigma(t), 1e-12);
      assertEquals(tp.alphaDot(t), trig.alphaDot(t), 1e-12);
      assertEquals(tp.sigmaDot(t), trig.sigmaDot(t), 1e-12);
    }
    assertThrows(IllegalStateException.class, () -> Interpolant.linear(Gamma.zero()).toGaussianPath());
    Batch x0 = new Batch(1, 1, new double[] {2});
    Batch x1 = new Batch(1, 1, new double[] {5});
    Batch z = new Batch(1, 1, new double[] {-1});
    Batch xt = x0.zerosLike();
    Batch target = x0.zerosLike();
    Interpolant.linear(Gamma.sqrtBridge(2)).sample(0.25, x0, x1, z, xt, target);
    double g = Math.sqrt(2 * 0.25 * 0.75);
    assertEquals(0.75 * 2 + 0.25 * 5 - g, xt.get(0, 0), 1e-15);
    assertEquals(-2 + 5 - (2 * 0.5 / (2 * g)), target.get(0, 0), 1e-14);
    assertTrue(Interpolant.oneSidedLinear().gaussianSource());
  }
}
