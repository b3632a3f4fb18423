package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinPool;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.likelihood.DormandPrince;
import org.diffusion4j.likelihood.ExactDivergence;
import org.diffusion4j.likelihood.HutchinsonDivergence;
import org.diffusion4j.model.GaussianMixture;
import org.junit.jupiter.api.Test;

/**
 * The Feynman-Kac likelihood of the SDE interpolant model and its KL bound on cases with closed
 * forms: Gaussian to Gaussian with the exact fields (model density = rho1), with a shifted
 * velocity (model density Gaussian with a mean computed from a scalar ODE), and mixtures.
 */
class SdeInterpolantLikelihoodTest {
  static final GaussianMixture RHO0 = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
  static final GaussianMixture RHO1 = GaussianMixture.gaussian(new double[] {1.0, -0.5}, new double[] {0.25, 0.5});
  static final Interpolant IT = Interpolant.linear(Gamma.sqrtBridge(1));
  static final GaussianInterpolantFields EXACT = new GaussianInterpolantFields(IT, RHO0, RHO1);

  static SdeInterpolantLikelihood.Builder exactModel(GaussianInterpolantFields f, GaussianMixture rho0, double eps) {
    return SdeInterpolantLikelihood.builder(DivergenceField.of(f.velocityField(), new ExactDivergence()), rho0::logDensityData)
        .score(f.scoreField()).scoreDivergence(DivergenceField.of(f.scoreField(), new ExactDivergence())).eps(eps);
  }

  /** eps = 0: every path is the ODE path, and the result is InterpolantLikelihood's to solver accuracy. */
  @Test
  void epsZeroIsTheOdeLikelihood() {
    Batch x = RHO1.sample(3, 6);
    double[] ode = InterpolantLikelihood.logDensity(EXACT.velocityField(), RHO0::logDensityData, x, new ExactDivergence(),
        new DormandPrince(1e-10, 1e-12));
    SdeInterpolantLikelihood.Result r = exactModel(EXACT, RHO0, 0).steps(200).paths(3).build().evaluate(x);
    double[] exact = RHO1.logDensityData(x);
    for (int i = 0; i < x.n(); i++) {
      // Heun at h = 1/200: error O(h^2) ~ 1e-5 here (see the convergence test).
      assertEquals(ode[i], r.lowerBound()[i], 1e-4, "row " + i);
      assertEquals(r.lowerBound()[i], r.logMeanWeight()[i], 1e-12, "identical paths, row " + i);
      assertEquals(0, r.lowerBoundSe()[i], 1e-12);
      assertEquals(exact[i], ode[i], 1e-6, "ODE likelihood vs exact, row " + i);
    }
  }

  /**
   * Exact b and s, reweighted backward estimator: the weight is the constant rho1(x) in continuous
   * time, so every path's log-weight equals log rho1(x) up to the time discretisation, for small
   * and large eps alike: the bias is first order, about 2 eps / steps here (measured in
   * {@link #weakOrderWithNoise}), so 200 Heun steps get within 0.03 up to eps = 2.
   */
  @Test
  void reweightedBackwardWithExactFieldsHasConstantWeights() {
    Batch x = RHO1.sample(5, 4);
    double[] exact = RHO1.logDensityData(x);
    for (double eps : new double[] {0.1, 0.5, 2.0}) {
      SdeInterpolantLikelihood.Result r = exactModel(EXACT, RHO0, eps).steps(200).paths(100).seed(11).build().evaluate(x);
      for (int i = 0; i < x.n(); i++) {
        String at = "eps " + eps + " row " + i;
        assertEquals(exact[i], r.lowerBound()[i], 0.03, at);
        assertEquals(exact[i], r.logMeanWeight()[i], 0.03, at);
        double sd = r.lowerBoundSe()[i] * Math.sqrt(r.paths());
        assertTrue(sd < 0.05, at + ": log-weight sd " + sd);
        assertTrue(r.effectiveSampleSize()[i] > 0.99 * r.paths(), at + ": ESS " + r.effectiveSampleSize()[i]);
      }
    }
  }

  /**
   * Exact b and s, Feynman-Kac estimator: the model density is rho1 for every eps, so the mean
   * weight estimates rho1(x) (within 4 standard errors plus 0.01 for the time discretisation), the
   * Jensen bound lies below log rho1(x), and the Jensen gap grows with eps.
   */
  @Test
  void feynmanKacWithExactFieldsRecoversTheTargetDensity() {
    Batch x = RHO1.sample(5, 4);
    double[] exact = RHO1.logDensityData(x);
    double[] eps = {0.02, 0.1, 0.3};
    double[] gap = new double[eps.length];
    for (int e = 0; e < eps.length; e++) {
      SdeInterpolantLikelihood.Result r = exactModel(EXACT, RHO0, eps[e]).estimator(SdeInterpolantLikelihood.Estimator.FEYNMAN_KAC)
          .steps(60).paths(2000).seed(11).build().evaluate(x);
      for (int i = 0; i < x.n(); i++) {
        String at = "eps " + eps[e] + " row " + i;
        assertEquals(exact[i], r.logMeanWeight()[i], 4 * r.logMeanWeightSe()[i] + 0.01, at);
        assertTrue(r.lowerBound()[i] <= exact[i] + 4 * r.lowerBoundSe()[i] + 0.01, at + ": bound " + r.lowerBound()[i]
            + " above log rho1 " + exact[i]);
        gap[e] += (exact[i] - r.lowerBound()[i]) / x.n();
      }
    }
    System.out.printf("Jensen gap (nats) at eps %s: %s%n", java.util.Arrays.toString(eps), java.util.Arrays.toString(gap));
    assertTrue(gap[0] < gap[1] && gap[1] < gap[2], "gap must grow with eps: " + java.util.Arrays.toString(gap));
  }

  /**
   * The Jensen gap is KL(Q || P) between the path law Q of the sampled reversed process (drift
   * -b - eps s) and the reversal P of the model given X_1 = x (drift -b + eps s), i.e. by Girsanov
   * eps int E_Q |s|^2 dtau; averaged over x ~ rho1 and to first order in eps this is
   * eps int_0^1 E_{rho_t} |s|^2 dt = eps int sum_j 1 / V_j(t) dt for Gaussian end points. Checked at
   * eps = 0.02 on 300 rows (tolerance: 4 standard errors over rows plus 15% for the O(eps^2) term).
   */
  @Test
  void jensenGapIsEpsTimesIntegratedFisherInformation() {
    double eps = 0.02;
    Batch x = RHO1.sample(17, 300);
    double[] exact = RHO1.logDensityData(x);
    SdeInterpolantLikelihood.Result r = exactModel(EXACT, RHO0, eps).estimator(SdeInterpolantLikelihood.Estimator.FEYNMAN_KAC)
        .steps(60).paths(40).seed(3).build().evaluate(x);
    double[] gaps = new double[x.n()];
    for (int i = 0; i < x.n(); i++) {
      gaps[i] = exact[i] - r.lowerBound()[i];
    }
    double mean = java.util.Arrays.stream(gaps).average().orElseThrow();
    double sd = Math.sqrt(java.util.Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).sum() / (x.n() - 1));
    int n = 100000;
    double fisher = 0;
    for (int k = 0; k < n; k++) {
      double t = (k + 0.5) / n;
      for (int j = 0; j < 2; j++) {
        fisher += 1.0 / ((1 - t) * (1 - t) * RHO0.var(0)[j] + t * t * RHO1.var(0)[j] + t * (1 - t)) / n;
      }
    }
    System.out.printf("Jensen gap at eps %.2f: %.5f +- %.5f, eps * int E|s|^2 = %.5f%n", eps, mean, sd / Math.sqrt(x.n()),
        eps * fisher);
    assertEquals(eps * fisher, mean, 4 * sd / Math.sqrt(x.n()) + 0.15 * eps * fisher);
  }

  /** Mixture to mixture (data to data): the mean weight estimates the exact mixture density rho1(x). */
  @Test
  void feynmanKacOnMixtures() {
    GaussianMixture rho0 = GaussianInterpolantFieldsTest.RHO0;
    GaussianMixture rho1 = GaussianInterpolantFieldsTest.RHO1;
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(2)), rho0, rho1);
    Batch x = rho1.sample(8, 3);
    double[] exact = rho1.logDensityData(x);
    for (SdeInterpolantLikelihood.Estimator est : SdeInterpolantLikelihood.Estimator.values()) {
      double eps = est == SdeInterpolantLikelihood.Estimator.FEYNMAN_KAC ? 0.1 : 0.5;
      SdeInterpolantLikelihood.Result r = exactModel(f, rho0, eps).estimator(est).steps(200).paths(500).seed(2).build()
          .evaluate(x);
      for (int i = 0; i < x.n(); i++) {
        assertEquals(exact[i], r.logMeanWeight()[i], 4 * r.logMeanWeightSe()[i] + 0.02, est + " row " + i);
        assertTrue(r.lowerBound()[i] <= exact[i] + 4 * r.lowerBoundSe()[i] + 0.02, est + " row " + i);
      }
    }
  }

  /**
   * Wrong drift b_hat = b + c (constant c), exact s: the model SDE is linear with the exact
   * covariance V(t) and a mean offset delta solving delta' = a(t) delta + c, a = (V'/2 - eps) / V
   * (per coordinate), so rho_hat1 = N(mu1 + delta(1), V(1)). The estimator matches log rho_hat1, and
   * KL(rho1 || rho_hat1) = sum delta^2 / (2 V(1)) lies below the KL bound |c|^2 / (4 eps).
   */
  @Test
  void shiftedVelocityMatchesClosedFormAndKlBound() {
    double eps = 0.5;
    double[] c = {0.3, -0.2};
    VectorField bHat = (xx, t, out) -> {
      EXACT.velocity(xx, t, out);
      for (int i = 0; i < xx.n(); i++) {
        for (int j = 0; j < 2; j++) {
          out.data()[i * 2 + j] += c[j];
        }
      }
    };
    double[] delta = new double[2];
    double[] v1 = RHO1.var(0);
    for (int j = 0; j < 2; j++) {
      delta[j] = meanOffset(RHO0.var(0)[j], v1[j], eps, c[j]);
    }
    double[] m1 = RHO1.mean(0);
    GaussianMixture model = GaussianMixture.gaussian(new double[] {m1[0] + delta[0], m1[1] + delta[1]}, v1);
    Batch x = RHO1.sample(21, 4);
    double[] want = model.logDensityData(x);
    SdeInterpolantLikelihood.Result r = SdeInterpolantLikelihood.builder(DivergenceField.of(bHat, new ExactDivergence()),
        RHO0::logDensityData).score(EXACT.scoreField()).eps(eps).steps(60).paths(2000).seed(4).build().evaluate(x);
    for (int i = 0; i < x.n(); i++) {
      assertEquals(want[i], r.logMeanWeight()[i], 4 * r.logMeanWeightSe()[i] + 0.01, "row " + i);
      assertTrue(r.lowerBound()[i] <= want[i] + 4 * r.lowerBoundSe()[i] + 0.01, "row " + i);
    }
    double kl = delta[0] * delta[0] / (2 * v1[0]) + delta[1] * delta[1] / (2 * v1[1]);
    SdeKlBound.Result bound = SdeKlBound.estimate(IT, EXACT.velocityField(), EXACT.scoreField(), bHat,
        EXACT.scoreField(), eps, RHO0.sample(30, 500), RHO1.sample(31, 500), 0, 1, 20, 32);
    double c2 = c[0] * c[0] + c[1] * c[1];
    System.out.printf("shift KL %.5f, bound direct %.5f, split %.5f%n", kl, bound.direct().value(), bound.split().value());
    assertEquals(c2 / (4 * eps), bound.direct().value(), 1e-9, "b_hat_F - b_F = c exactly");
    assertEquals(c2 / (2 * eps), bound.split().value(), 1e-9);
    assertEquals(0, bound.score().value(), 0);
    assertTrue(kl > 0.2 * bound.direct().value() && kl <= bound.direct().value(), "KL " + kl + " vs bound " + bound.direct());
  }

  /**
   * delta(1) for delta' = a(t) delta + c, delta(0) = 0, a = (V'/2 - eps)/V, V = (1-t)^2 v0 + t^2 v1
   * + t(1-t) (linear interpolant, gamma^2 = t(1-t)): classical RK4 with 20000 steps, independent
   * of the code under test.
   */
  static double meanOffset(double v0, double v1, double eps, double c) {
    int n = 20000;
    double h = 1.0 / n;
    double y = 0;
    for (int k = 0; k < n; k++) {
      double t = k * h;
      double k1 = rhs(t, y, v0, v1, eps, c);
      double k2 = rhs(t + h / 2, y + h / 2 * k1, v0, v1, eps, c);
      double k3 = rhs(t + h / 2, y + h / 2 * k2, v0, v1, eps, c);
      double k4 = rhs(t + h, y + h * k3, v0, v1, eps, c);
      y += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    }
    return y;
  }

  static double rhs(double t, double y, double v0, double v1, double eps, double c) {
    double v = (1 - t) * (1 - t) * v0 + t * t * v1 + t * (1 - t);
    double halfVdot = -(1 - t) * v0 + t * v1 + 0.5 * (1 - 2 * t);
    return (halfVdot - eps) / v * y + c;
  }

  /**
   * Order in the number of steps at eps = 0.5 with the exact fields and the reweighted backward
   * estimator, whose continuous-time weight is constant: the error of the mean log-weight is then
   * almost all discretisation bias (the Monte Carlo part is checked to be below a fifth of it). Slope
   * of log error vs log steps over 8..32: about 1 for both Euler-Maruyama and Heun (the weight's
   * stochastic integral is state-dependent noise, which limits Heun's trapezoid to weak order 1).
   */
  @Test
  void weakOrderWithNoise() {
    Batch x = RHO1.sample(14, 4);
    double[] exact = RHO1.logDensityData(x);
    int[] steps = {8, 16, 32};
    for (Scheme s : new Scheme[] {Scheme.EULER, Scheme.HEUN}) {
      double[] err = new double[steps.length];
      for (int k = 0; k < steps.length; k++) {
        SdeInterpolantLikelihood.Result r = exactModel(EXACT, RHO0, 0.5).scheme(s).steps(steps[k]).paths(400).seed(6).build()
            .evaluate(x);
        double se = 0;
        for (int i = 0; i < x.n(); i++) {
          err[k] += (r.lowerBound()[i] - exact[i]) / x.n();
          se += r.lowerBoundSe()[i] * r.lowerBoundSe()[i] / (x.n() * x.n());
        }
        err[k] = Math.abs(err[k]);
        assertTrue(Math.sqrt(se) < 0.2 * err[k], s + " steps " + steps[k] + ": MC error " + Math.sqrt(se) + " vs bias " + err[k]);
      }
      double slope = -Math.log(err[steps.length - 1] / err[0]) / Math.log((double) steps[steps.length - 1] / steps[0]);
      System.out.printf("eps 0.5 %s errors %s slope %.2f%n", s, java.util.Arrays.toString(err), slope);
      assertEquals(1, slope, 0.3, s + " weak order");
    }
  }

  /**
   * Order in the number of steps, measured at eps = 0 where the estimator is deterministic (the
   * divergence quadrature rides on the same scheme): log-log slope of |error| over steps 8..64 is
   * about 1 for Euler and 2 for Heun.
   */
  @Test
  void convergenceOrderInSteps() {
    GaussianMixture rho0 = GaussianInterpolantFieldsTest.RHO0;
    GaussianMixture rho1 = GaussianInterpolantFieldsTest.RHO1;
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.trigonometric(Gamma.sqrtBridge(0.5)), rho0, rho1);
    Batch x = rho1.sample(12, 5);
    double[] exact = rho1.logDensityData(x);
    int[] steps = {8, 16, 32, 64};
    assertThrows(IllegalArgumentException.class, () -> exactModel(f, rho0, 0).scheme(Scheme.RK4));
    for (Scheme s : new Scheme[] {Scheme.EULER, Scheme.HEUN}) {
      double[] err = new double[steps.length];
      for (int k = 0; k < steps.length; k++) {
        SdeInterpolantLikelihood.Result r = exactModel(f, rho0, 0).scheme(s).steps(steps[k]).paths(1).build().evaluate(x);
        for (int i = 0; i < x.n(); i++) {
          err[k] += Math.abs(r.lowerBound()[i] - exact[i]) / x.n();
        }
      }
      double slope = -Math.log(err[steps.length - 1] / err[0]) / Math.log((double) steps[steps.length - 1] / steps[0]);
      System.out.printf("%s errors %s slope %.2f%n", s, java.util.Arrays.toString(err), slope);
      double want = s == Scheme.EULER ? 1 : 2;
      assertEquals(want, slope, 0.3, s + " order");
    }
  }

  /**
   * A concentrated target (4 Gaussians of variance 0.04 on a circle of radius 2): with exact fields the
   * reweighted weight is constant, so the mean log-weight error is the discretisation bias; the
   * quadratic grid (small steps at the data end) must at least halve it against the uniform grid at
   * the same cost (measured: about 3x on 8 Gaussians).
   */
  @Test
  void quadraticGridReducesTheBiasOnAConcentratedTarget() {
    double[][] means = {{2, 0}, {0, 2}, {-2, 0}, {0, -2}};
    double[][] vars = {{0.04, 0.04}, {0.04, 0.04}, {0.04, 0.04}, {0.04, 0.04}};
    GaussianMixture rho1 = new GaussianMixture(new double[] {0.25, 0.25, 0.25, 0.25}, means, vars);
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(2)), RHO0, rho1);
    Batch x = rho1.sample(31, 40);
    double[] exact = rho1.logDensityData(x);
    double[] bias = new double[2];
    for (SdeInterpolantLikelihood.Grid g : SdeInterpolantLikelihood.Grid.values()) {
      SdeInterpolantLikelihood.Result r = exactModel(f, RHO0, 0.5).grid(g).steps(60).paths(8).seed(1).build().evaluate(x);
      for (int i = 0; i < x.n(); i++) {
        bias[g.ordinal()] += (exact[i] - r.lowerBound()[i]) / x.n();
      }
    }
    System.out.printf("bias uniform %.4f quadratic %.4f%n", bias[0], bias[1]);
    assertTrue(Math.abs(bias[1]) < 0.5 * Math.abs(bias[0]), java.util.Arrays.toString(bias));
  }

  /** Same seed: bitwise identical at 1 and 3 threads and for any chunking, also with Hutchinson probes. */
  @Test
  void deterministicAcrossThreadsAndChunks() throws Exception {
    Batch x = RHO1.sample(9, 5);
    SdeInterpolantLikelihood a = SdeInterpolantLikelihood.builder(
        DivergenceField.of(EXACT.velocityField(), new HutchinsonDivergence(1, HutchinsonDivergence.Probe.RADEMACHER, 3)),
        RHO0::logDensityData).score(EXACT.scoreField()).eps(0.7).steps(20).paths(40).seed(5).chunkRows(2).build();
    SdeInterpolantLikelihood b = SdeInterpolantLikelihood.builder(
        DivergenceField.of(EXACT.velocityField(), new HutchinsonDivergence(1, HutchinsonDivergence.Probe.RADEMACHER, 3)),
        RHO0::logDensityData).score(EXACT.scoreField()).eps(0.7).steps(20).paths(40).seed(5).chunkRows(5).build();
    SdeInterpolantLikelihood.Result one = new ForkJoinPool(1).submit(() -> a.evaluate(x)).get();
    SdeInterpolantLikelihood.Result three = new ForkJoinPool(3).submit(() -> b.evaluate(x)).get();
    assertArrayEquals(one.lowerBound(), three.lowerBound());
    assertArrayEquals(one.logMeanWeight(), three.logMeanWeight());
  }
}
