package org.diffusion4j.interpolant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinPool;
import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.model.GaussianMixture;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.junit.jupiter.api.Test;

class InterpolantGeneratorTest {
  static final GaussianMixture G0 = GaussianMixture.gaussian(new double[] {0, 1}, new double[] {1, 0.5});
  static final GaussianMixture G1 = GaussianMixture.gaussian(new double[] {2, -1}, new double[] {0.25, 4});

  /** 8 Gaussians on a circle of radius 4 (the usual toy target). */
  static GaussianMixture eightGaussians() {
    double[] w = new double[8];
    double[][] m = new double[8][];
    double[][] v = new double[8][];
    for (int k = 0; k < 8; k++) {
      w[k] = 1;
      m[k] = new double[] {4 * Math.cos(k * Math.PI / 4), 4 * Math.sin(k * Math.PI / 4)};
      v[k] = new double[] {0.1, 0.1};
    }
    return new GaussianMixture(w, m, v);
  }

  /**
   * Checks sample mean and variance against the exact ones: |mean err| &lt;= 4.5 sd/sqrt(n) and
   * |var err| &lt;= 4.5 sqrt(Var(x^2)-ish) with the Gaussian-mixture kurtosis bound
   * sqrt(m4 - v^2)/sqrt(n) estimated from the sample itself, plus {@code bias} for discretisation.
   */
  static void assertMoments(String label, Batch x, double[] mean, double[] var, double bias) {
    int n = x.n();
    for (int j = 0; j < x.d(); j++) {
      double m = 0;
      for (int i = 0; i < n; i++) {
        m += x.get(i, j);
      }
      m /= n;
      double v = 0;
      double m4 = 0;
      for (int i = 0; i < n; i++) {
        double e = x.get(i, j) - m;
        v += e * e;
        m4 += e * e * e * e;
      }
      v /= n - 1;
      m4 /= n;
      double seMean = Math.sqrt(var[j] / n);
      double seVar = Math.sqrt(Math.max(m4 - v * v, 0) / n);
      assertEquals(mean[j], m, 4.5 * seMean + bias, label + " mean[" + j + "]");
      assertEquals(var[j], v, 4.5 * seVar + bias * (1 + var[j]), label + " var[" + j + "]");
    }
  }

  @Test
  void odeAndSdesTransportGaussianToGaussian() {
    int n = 4000;
    Interpolant it = Interpolant.linear(Gamma.sqrtBridge(2));
    GaussianInterpolantFields f = new GaussianInterpolantFields(it, G0, G1);
    Batch x0 = G0.sample(5, n);
    Batch x1 = G1.sample(6, n);
    double[] m1 = G1.dataMean();
    double[] v1 = G1.dataVar();
    Batch ode = InterpolantGenerator.ode(f.velocityField(), x0, 0, 1, 100, Scheme.HEUN);
    assertMoments("ode", ode, m1, v1, 1e-3);
    DoubleUnaryOperator[] epsChoices = {t -> 0.5, t -> 2.0, t -> t * (1 - t)};
    for (int k = 0; k < epsChoices.length; k++) {
      Batch fwd = InterpolantGenerator.sde(f.velocityField(), f.scoreField(), epsChoices[k], x0, 0, 1, 200,
          Scheme.HEUN, 100 + k);
      assertMoments("forward sde eps#" + k, fwd, m1, v1, 5e-3);
      Batch bwd = InterpolantGenerator.sde(f.velocityField(), f.scoreField(), epsChoices[k], x1, 1, 0, 200,
          Scheme.HEUN, 200 + k);
      assertMoments("backward sde eps#" + k, bwd, G0.dataMean(), G0.dataVar(), 5e-3);
    }
    // Euler-Maruyama with eps = 1 too (first order: looser bias allowance).
    Batch em = InterpolantGenerator.sde(f.velocityField(), f.scoreField(), t -> 1, x0, 0, 1, 400, Scheme.EULER, 7);
    assertMoments("euler-maruyama", em, m1, v1, 2e-2);
  }

  @Test
  void odeAndSdeTransportGaussianToEightGaussiansAndMixtureToMixture() {
    int n = 3000;
    GaussianMixture std = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
    GaussianMixture eight = eightGaussians();
    for (Interpolant it : new Interpolant[] {Interpolant.oneSidedLinear(), Interpolant.linear(Gamma.sqrtBridge(1))}) {
      GaussianInterpolantFields f = new GaussianInterpolantFields(it, std, eight);
      Batch x0 = std.sample(8, n);
      Batch ode = InterpolantGenerator.ode(f.velocityField(), x0, 0, 1, 200, Scheme.HEUN);
      assertMoments(it.name() + " ode 8g", ode, eight.dataMean(), eight.dataVar(), 1e-2);
      assertModeFractions(it.name() + " ode 8g", ode, eight);
      {
        Batch sde = InterpolantGenerator.sde(f.velocityField(), f.scoreField(), t -> 0.3, x0, 0, 1, 300,
            Scheme.HEUN, 9);
        assertMoments(it.name() + " sde 8g", sde, eight.dataMean(), eight.dataVar(), 2e-2);
        assertModeFractions(it.name() + " sde 8g", sde, eight);
      }
    }
    GaussianMixture rho0 = GaussianInterpolantFieldsTest.RHO0;
    GaussianMixture rho1 = GaussianInterpolantFieldsTest.RHO1;
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.trigonometric(Gamma.sqrtBridge(1)), rho0, rho1);
    Batch ode = InterpolantGenerator.ode(f.velocityField(), rho0.sample(10, n), 0, 1, 200, Scheme.HEUN);
    assertMoments("mixture->mixture ode", ode, rho1.dataMean(), rho1.dataVar(), 1e-2);
  }

  /** The fraction of samples nearest each mode is within 4.5 binomial standard errors of its weight. */
  static void assertModeFractions(String label, Batch x, GaussianMixture g) {
    int k = g.components();
    int[] count = new int[k];
    for (int i = 0; i < x.n(); i++) {
      int best = 0;
      double bestD = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double dd = 0;
        for (int j = 0; j < x.d(); j++) {
          double e = x.get(i, j) - g.mean(c)[j];
          dd += e * e;
        }
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      count[best]++;
    }
    for (int c = 0; c < k; c++) {
      double p = g.weight(c);
      double se = Math.sqrt(p * (1 - p) / x.n());
      assertEquals(p, count[c] / (double) x.n(), 4.5 * se, label + " mode " + c);
    }
  }

  /** eps = 0 is the ODE, bit for bit; and the result does not depend on the thread count. */
  @Test
  void zeroEpsIsTheOdeAndThreadCountDoesNotMatter() throws Exception {
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(2)), G0, G1);
    Batch x0 = G0.sample(1, 300);
    Batch ode = InterpolantGenerator.ode(f.velocityField(), x0, 0, 1, 50, Scheme.HEUN);
    Batch sde0 = InterpolantGenerator.sde(f.velocityField(), f.scoreField(), t -> 0, x0, 0, 1, 50, Scheme.HEUN, 99);
    assertArrayEquals(ode.data(), sde0.data());
    Batch one = new ForkJoinPool(1).submit(() -> InterpolantGenerator.sde(f.velocityField(), f.scoreField(),
        t -> 0.7, x0, 0, 1, 50, Scheme.HEUN, 3)).get();
    Batch four = new ForkJoinPool(4).submit(() -> InterpolantGenerator.sde(f.velocityField(), f.scoreField(),
        t -> 0.7, x0, 0, 1, 50, Scheme.HEUN, 3)).get();
    assertArrayEquals(one.data(), four.data());
    assertTrue(one.rmsDistance(ode) > 0.05, "noise must change the path");
  }

  /**
   * Convergence order against a Dormand-Prince 8(5,3) reference of the ODE on the nonlinear
   * 8-Gaussians field: log-log slope of the error vs step size is ~1 for Euler and ~2 for Heun.
   */
  @Test
  void odeConvergenceOrderAgainstHipparchusReference() {
    GaussianMixture std = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(1)), std,
        eightGaussians());
    Batch x0 = std.sample(2, 12);
    Batch ref = x0.zerosLike();
    DormandPrince853Integrator dp = new DormandPrince853Integrator(1e-10, 0.1, 1e-12, 1e-12);
    for (int i = 0; i < x0.n(); i++) {
      OrdinaryDifferentialEquation ode = new OrdinaryDifferentialEquation() {
        @Override public int getDimension() {
          return 2;
        }

        @Override public double[] computeDerivatives(double t, double[] y) {
          Batch out = new Batch(1, 2);
          f.velocity(new Batch(1, 2, y.clone()), Math.min(1, Math.max(0, t)), out);
          return out.data();
        }
      };
      double[] y = dp.integrate(ode, new ODEState(0, x0.row(i)), 1).getPrimaryState();
      ref.set(i, 0, y[0]);
      ref.set(i, 1, y[1]);
    }
    for (Scheme scheme : Scheme.values()) {
      double eCoarse = InterpolantGenerator.ode(f.velocityField(), x0, 0, 1, 80, scheme).rmsDistance(ref);
      double eFine = InterpolantGenerator.ode(f.velocityField(), x0, 0, 1, 320, scheme).rmsDistance(ref);
      double order = Math.log(eCoarse / eFine) / Math.log(4);
      // Pins every scheme's declared order (the closed-form Gaussian flow of FlowSamplingTest only
      // bounds it from below: the midpoint rule superconverges there).
      assertEquals(scheme.order(), order, 0.25, scheme + " order (errors " + eCoarse + ", " + eFine + ")");
    }
  }

  /**
   * With a Gaussian source every interpolant here is a Gaussian path in disguise (x0 and z merge
   * into one Gaussian), and the probability-flow map from noise to data does not depend on the
   * schedule (Karras et al. 2022, Sec. 4: the ODE in sigma/alpha is schedule free). The exact
   * ODE maps of five different interpolants must therefore agree to discretisation accuracy:
   * a check of the exact fields and the integrator that no single interpolant could give.
   */
  @Test
  void gaussianSourceFlowMapsAgreeAcrossInterpolants() {
    GaussianMixture std = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
    Batch x0 = std.sample(4, 40);
    Batch reference = null;
    for (Interpolant it : new Interpolant[] {Interpolant.oneSidedLinear(), Interpolant.oneSidedTrigonometric(),
        Interpolant.linear(Gamma.sqrtBridge(1)), Interpolant.trigonometric(Gamma.sqrtBridge(3)), Interpolant.encoderDecoder()}) {
      GaussianInterpolantFields f = new GaussianInterpolantFields(it, std, eightGaussians());
      Batch map = InterpolantGenerator.ode(f.velocityField(), x0, 0, 1, 800, Scheme.HEUN);
      if (reference == null) {
        reference = map;
      } else {
        assertTrue(map.rmsDistance(reference) < 2e-3, it.name() + " map differs by " + map.rmsDistance(reference));
      }
    }
    // A non-Gaussian source breaks the invariance: the maps then really differ.
    GaussianMixture rho0 = GaussianInterpolantFieldsTest.RHO0;
    Batch y0 = rho0.sample(4, 40);
    Batch a = InterpolantGenerator.ode(new GaussianInterpolantFields(Interpolant.linear(Gamma.zero()), rho0, eightGaussians())
        .velocityField(), y0, 0, 1, 400, Scheme.HEUN);
    Batch b = InterpolantGenerator.ode(new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(3)), rho0, eightGaussians())
        .velocityField(), y0, 0, 1, 400, Scheme.HEUN);
    assertTrue(a.rmsDistance(b) > 0.05, "different interpolants between non-Gaussian densities: " + a.rmsDistance(b));
  }

  @Test
  void badInputIsRejected() {
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(2)), G0, G1);
    Batch x = G0.sample(1, 4);
    assertThrows(IllegalArgumentException.class, () -> InterpolantGenerator.ode(f.velocityField(), x, 0, 1, 0, Scheme.HEUN));
    assertThrows(IllegalArgumentException.class, () -> InterpolantGenerator.ode(f.velocityField(), x, 0, 1.5, 4, Scheme.HEUN));
    assertThrows(IllegalArgumentException.class, () -> InterpolantGenerator.sde(f.velocityField(), f.scoreField(),
        t -> -1, x, 0, 1, 4, Scheme.EULER, 1));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> InterpolantGenerator.ode(
        (xx, t, out) -> out.data()[0] = t > 0.5 ? Double.NaN : 0, x, 0, 1, 4, Scheme.EULER));
    assertTrue(e.getMessage().contains("step 3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Interpolant.mirror(Gamma.zero()));
  }
}
