package org.diffusion4j.sde.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.junit.jupiter.api.Test;

/**
 * The three gradient routes against central finite differences (float64) on an OU process with
 * learnable theta, mu, sigma and on a multiplicative-noise term, and against each other.
 */
class GradientRoutesTest {
  static final double[] Y0 = {0.2, -0.5};
  static final int PATHS = 6;

  /** sum over paths, saves, components of w y + 0.5 y^2 + sin(y) with fixed weights. */
  static final PathLoss LOSS = (saved, grad) -> {
    double v = 0;
    for (int k = 0; k < saved.length; k++) {
      double w = 0.3 + 0.1 * (k % 5);
      double y = saved[k];
      v += w * y + 0.5 * y * y + Math.sin(y);
      grad[k] = w + y + Math.cos(y);
    }
    return v;
  };

  static SdeGradient.Result run(DifferentiableSdeTerm term, GradientRoute route, double dt, double[] y0) {
    return run(term, route, dt, y0, 11);
  }

  static SdeGradient.Result run(DifferentiableSdeTerm term, GradientRoute route, double dt, double[] y0, long seed) {
    return SdeGradient.of(term).route(route).t1(1.0).dt(dt).y0(y0).paths(PATHS).seed(seed).saveAt(0.5, 1.0).run(LOSS);
  }

  /** Central differences of the route's own discrete forward map in every parameter and y0 component of path 0. */
  static void checkAgainstFiniteDifferences(DifferentiableSdeTerm term, GradientRoute route, double dt, double tol) {
    double[] y0 = new double[PATHS * Y0.length];
    for (int r = 0; r < PATHS; r++) {
      y0[r * 2] = Y0[0] + 0.05 * r;
      y0[r * 2 + 1] = Y0[1] - 0.03 * r;
    }
    double[] base = term.params();
    SdeGradient.Result res = run(term, route, dt, y0);
    double eps = 1e-6;
    for (int j = 0; j < base.length; j++) {
      double[] p = base.clone();
      p[j] += eps;
      term.setParams(p);
      double up = run(term, route, dt, y0).loss();
      p[j] -= 2 * eps;
      term.setParams(p);
      double down = run(term, route, dt, y0).loss();
      term.setParams(base);
      double fd = (up - down) / (2 * eps);
      double g = res.paramGradient()[j];
      assertEquals(fd, g, tol * Math.max(1.0, Math.abs(fd)), route + " param " + j + ": fd " + fd + " vs " + g);
    }
    for (int i = 0; i < 2; i++) {
      double[] y = y0.clone();
      y[i] += eps;
      double up = run(term, route, dt, y).loss();
      y[i] -= 2 * eps;
      double down = run(term, route, dt, y).loss();
      double fd = (up - down) / (2 * eps);
      double g = res.y0Gradient()[i];
      assertEquals(fd, g, tol * Math.max(1.0, Math.abs(fd)), route + " y0[" + i + "]: fd " + fd + " vs " + g);
    }
  }

  @Test
  void backpropMatchesFiniteDifferencesOnOu() {
    checkAgainstFiniteDifferences(new DifferentiableOu(1.3, 0.4, 0.7, 2), GradientRoute.BACKPROP, 1.0 / 64, 1e-6);
  }

  @Test
  void reversibleHeunMatchesFiniteDifferencesOnOu() {
    checkAgainstFiniteDifferences(new DifferentiableOu(1.3, 0.4, 0.7, 2), GradientRoute.REVERSIBLE_HEUN, 1.0 / 64, 1e-6);
  }

  @Test
  void exactRoutesMatchFiniteDifferencesWithStateDependentNoise() {
    checkAgainstFiniteDifferences(new Wavy(0.8, 0.3, 0.6, Calculus.ITO), GradientRoute.BACKPROP, 1.0 / 32, 1e-6);
    checkAgainstFiniteDifferences(new Wavy(0.8, 0.3, 0.6, Calculus.STRATONOVICH), GradientRoute.REVERSIBLE_HEUN, 1.0 / 32, 1e-6);
  }

  /**
   * The adjoint is exact only as dt -> 0: its error against the continuous gradient (the
   * reversible-Heun gradient at dt = 2^-13) must fall at order about 1 (additive noise), and at
   * dt = 2^-10 all three routes agree.
   */
  @Test
  void adjointConvergesToTheSameGradientAtOrderOne() {
    DifferentiableOu ou = new DifferentiableOu(1.3, 0.4, 0.7, 2);
    double[] ref = run(ou, GradientRoute.REVERSIBLE_HEUN, 0x1p-13, Y0).paramGradient();
    // On one Brownian sample the error can cancel at some dt; its mean over seeds falls cleanly.
    int seeds = 8;
    double[] errs = new double[5];
    double[] hs = new double[5];
    for (int s = 0; s < seeds; s++) {
      double[] refS = s == 0 ? ref : run(ou, GradientRoute.REVERSIBLE_HEUN, 0x1p-13, Y0, 11 + s).paramGradient();
      for (int i = 0; i < 5; i++) {
        hs[i] = Math.scalb(1.0, -4 - i);
        double[] g = run(ou, GradientRoute.ADJOINT, hs[i], Y0, 11 + s).paramGradient();
        errs[i] += relErr(g, refS) / seeds;
      }
    }
    double slope = slope(hs, errs);
    System.out.printf("adjoint mean relative error (8 seeds) vs dt=2^-4..2^-8: %s, slope %.2f%n", java.util.Arrays.toString(errs), slope);
    assertTrue(slope > 0.8 && slope < 2.2, "adjoint convergence slope " + slope);
    double[] adj = run(ou, GradientRoute.ADJOINT, 0x1p-10, Y0).paramGradient();
    double[] bp = run(ou, GradientRoute.BACKPROP, 0x1p-10, Y0).paramGradient();
    double[] rh = run(ou, GradientRoute.REVERSIBLE_HEUN, 0x1p-10, Y0).paramGradient();
    System.out.printf("dt=2^-10 relative differences to the dt=2^-13 reference: adjoint %.2e, backprop %.2e, reversible %.2e%n",
        relErr(adj, ref), relErr(bp, ref), relErr(rh, ref));
    assertTrue(relErr(adj, ref) < 5e-3, "adjoint " + relErr(adj, ref));
    assertTrue(relErr(bp, ref) < 5e-3, "backprop " + relErr(bp, ref));
    assertTrue(relErr(rh, ref) < 5e-3, "reversible " + relErr(rh, ref));
  }

  @Test
  void routesRefuseTheWrongCalculusAndGeneralNoise() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> run(new Wavy(0.8, 0.3, 0.6, Calculus.STRATONOVICH), GradientRoute.BACKPROP, 0.1, Y0));
    assertTrue(e.getMessage().contains("backprop"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> run(new Wavy(0.8, 0.3, 0.6, Calculus.ITO), GradientRoute.ADJOINT, 0.1, Y0));
    assertThrows(IllegalArgumentException.class, () -> run(new DifferentiableOu(1, 0, 1, 2), GradientRoute.BACKPROP, 0.1, new double[3]));
    assertThrows(IllegalArgumentException.class, () -> GradientRoute.byName("checkpoint"));
  }

  static double relErr(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (a[i] - b[i]);
      den += b[i] * b[i];
    }
    return Math.sqrt(num / den);
  }

  static double slope(double[] h, double[] e) {
    int n = h.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += Math.log(h[i]) / n;
      my += Math.log(e[i]) / n;
    }
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (Math.log(h[i]) - mx) * (Math.log(e[i]) - my);
      sxx += (Math.log(h[i]) - mx) * (Math.log(h[i]) - mx);
    }
    return sxy / sxx;
  }

  /** f = a sin(y) + b, g = c (1 + cos(y)/2): diagonal, state-dependent noise, in either calculus. */
  static final class Wavy implements DifferentiableSdeTerm {
    private double a;
    private double b;
    private double c;
    private final Calculus calculus;

    Wavy(double a, double b, double c, Calculus calculus) {
      this.a = a;
      this.b = b;
      this.c = c;
      this.calculus = calculus;
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public NoiseType noiseType() {
      return NoiseType.DIAGONAL;
    }

    @Override
    public Calculus calculus() {
      return calculus;
    }

    @Override
    public int paramCount() {
      return 3;
    }

    @Override
    public double[] params() {
      return new double[] {a, b, c};
    }

    @Override
    public void setParams(double[] p) {
      a = p[0];
      b = p[1];
      c = p[2];
    }

    @Override
    public void drift(double t, double[] y, double[] out, int n) {
      for (int k = 0; k < 2 * n; k++) {
        out[k] = a * Math.sin(y[k]) + b;
      }
    }

    @Override
    public void diffusion(double t, double[] y, double[] out, int n) {
      for (int k = 0; k < 2 * n; k++) {
        out[k] = c * (1 + 0.5 * Math.cos(y[k]));
      }
    }

    @Override
    public void vjp(double t, double[] y, double[] fc, double[] gc, double[] yBar, double[] pBar, int n) {
      for (int k = 0; k < 2 * n; k++) {
        yBar[k] = fc[k] * a * Math.cos(y[k]) - gc[k] * 0.5 * c * Math.sin(y[k]);
        pBar[0] += fc[k] * Math.sin(y[k]);
        pBar[1] += fc[k];
        pBar[2] += gc[k] * (1 + 0.5 * Math.cos(y[k]));
      }
    }
  }
}
