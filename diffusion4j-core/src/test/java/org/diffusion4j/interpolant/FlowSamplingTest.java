package org.diffusion4j.interpolant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.VectorField;
import org.junit.jupiter.api.Test;

class FlowSamplingTest {
  static final GaussianMixture G0 = InterpolantGeneratorTest.G0;
  static final GaussianMixture G1 = InterpolantGeneratorTest.G1;

  /**
   * The deterministic linear interpolant between diagonal Gaussians has the affine velocity of
   * Thm. 2.6 and so the closed-form flow x_t = m_t + sqrt(v_t / v_0) (x_0 - m_0) per coordinate,
   * m_t = alpha m_0 + beta m_1, v_t = alpha^2 v_0 + beta^2 v_1 (the monotone map between the
   * Gaussian marginals).
   */
  static Batch exactFlow(Interpolant it, Batch x0, double t) {
    Batch out = x0.zerosLike();
    double a = it.alpha(t);
    double b = it.beta(t);
    for (int i = 0; i < x0.n(); i++) {
      for (int j = 0; j < x0.d(); j++) {
        double m0 = G0.dataMean()[j];
        double v0 = G0.dataVar()[j];
        double mt = a * m0 + b * G1.dataMean()[j];
        double vt = a * a * v0 + b * b * G1.dataVar()[j];
        out.set(i, j, mt + Math.sqrt(vt / v0) * (x0.get(i, j) - m0));
      }
    }
    return out;
  }

  @Test
  void flowSolversHitTheirDeclaredOrderOnTheClosedFormGaussianFlow() {
    Interpolant it = Interpolant.linear(Gamma.zero());
    GaussianInterpolantFields f = new GaussianInterpolantFields(it, G0, G1);
    Batch x0 = G0.sample(3, 16);
    Batch exact = exactFlow(it, x0, 1);
    StringBuilder report = new StringBuilder();
    for (Scheme s : Scheme.values()) {
      int base = s.order() >= 4 ? 8 : 16;
      double[] err = new double[2];
      for (int k = 0; k < 2; k++) {
        Batch got = FlowSampling.with(f.velocityField(), 2).solver(s).steps(base << k).run(x0).x();
        err[k] = got.maxAbsDistance(exact);
      }
      double slope = Math.log(err[0] / err[1]) / Math.log(2);
      report.append(String.format("%s slope %.3f (errors %.3g, %.3g); ", s.cliName(), slope, err[0], err[1]));
      // A lower bound: on this linear-in-x flow the midpoint rule superconverges (measured 3.0);
      // InterpolantGeneratorTest pins every declared order on a Gaussian-mixture flow.
      assertTrue(slope >= s.order() - 0.2, s.cliName() + " declares order " + s.order() + ": " + report);
    }
    System.out.println(report);
  }

  @Test
  void nfeIsCountedExactly() {
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(1)), G0, G1);
    Batch x0 = G0.sample(4, 8);
    for (Scheme s : Scheme.values()) {
      AtomicInteger calls = new AtomicInteger();
      VectorField counted = (x, t, out) -> {
        calls.incrementAndGet();
        f.velocity(x, t, out);
      };
      int budget = 12; // a multiple of 1, 2 and 4
      FlowSampling.Result r = FlowSampling.with(counted, 2).solver(s).nfe(budget).run(x0);
      assertEquals(budget, r.nfe(), s.cliName());
      assertEquals(budget, calls.get(), s.cliName());
      assertEquals(budget / s.evaluationsPerStep(), r.steps(), s.cliName());
      assertEquals(0, r.scoreNfe(), s.cliName());
      calls.set(0);
      FlowSampling.Result byStep = FlowSampling.with(counted, 2).solver(s).steps(5).run(x0);
      assertEquals(5 * s.evaluationsPerStep(), byStep.nfe(), s.cliName());
      assertEquals(byStep.nfe(), calls.get(), s.cliName());
    }
    for (Scheme s : new Scheme[] {Scheme.EULER, Scheme.HEUN}) {
      AtomicInteger scores = new AtomicInteger();
      VectorField score = (x, t, out) -> {
        scores.incrementAndGet();
        f.score(x, t, out);
      };
      FlowSampling.Result r = FlowSampling.with(f.velocityField(), 2).score(score).eps(0.5).solver(s).nfe(10)
          .seed(3).run(x0);
      assertEquals(10, r.nfe(), s.cliName());
      assertEquals(10, r.scoreNfe(), s.cliName());
      assertEquals(10, scores.get(), s.cliName());
    }
  }

  @Test
  void sameSeedGivesBitwiseEqualResultsAtOneAndFourThreads() throws Exception {
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(1)), G0, G1);
    Batch x0 = G0.sample(8, 500);
    for (Scheme s : Scheme.values()) {
      double eps = s.stochastic() ? 0.7 : 0;
      Callable<double[]> job = () -> FlowSampling.with(f.velocityField(), 2).score(f.scoreField()).eps(eps)
          .solver(s).nfe(8).seed(11).run(x0).x().data();
      double[] one = new ForkJoinPool(1).submit(job).get();
      double[] four = new ForkJoinPool(4).submit(job).get();
      assertArrayEquals(one, four, 0.0, s.cliName());
      assertArrayEquals(one, job.call(), 0.0, s.cliName() + " (common pool)");
    }
    // A different seed moves the SDE result, so the seed is really used.
    double[] a = FlowSampling.with(f.velocityField(), 2).score(f.scoreField()).eps(0.7).solver("heun").nfe(8)
        .seed(11).run(x0).x().data();
    double[] b = FlowSampling.with(f.velocityField(), 2).score(f.scoreField()).eps(0.7).solver("heun").nfe(8)
        .seed(12).run(x0).x().data();
    assertTrue(!java.util.Arrays.equals(a, b));
  }

  @Test
  void matchesInterpolantGeneratorBitwise() {
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(1)), G0, G1);
    Batch x0 = G0.sample(9, 40);
    Batch viaGenerator = InterpolantGenerator.sde(f.velocityField(), f.scoreField(), t -> 0.4, x0, 0, 1, 7,
        Scheme.HEUN, 5);
    Batch viaFlow = FlowSampling.with(f.velocityField(), 2).score(f.scoreField()).eps(0.4).solver(Scheme.HEUN)
        .steps(7).seed(5).run(x0).x();
    assertArrayEquals(viaGenerator.data(), viaFlow.data(), 0.0);
  }

  @Test
  void badInputGetsClearErrors() {
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(1)), G0, G1);
    Batch x0 = G0.sample(4, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FlowSampling.with(f.velocityField(), 2).solver(Scheme.HEUN).nfe(7).run(x0));
    assertTrue(e.getMessage().contains("multiple of 2") && e.getMessage().contains("6 or 8"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FlowSampling.with(f.velocityField(), 2).solver(Scheme.RK4).nfe(3).run(x0));
    assertTrue(e.getMessage().contains("nearest: 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FlowSampling.with(f.velocityField(), 2).times(0.5, 0.5).steps(4).run(x0));
    assertTrue(e.getMessage().contains("non-empty"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> FlowSampling.with(f.velocityField(), 2).times(0, Double.NaN).steps(4).run(x0));
    e = assertThrows(IllegalArgumentException.class,
        () -> FlowSampling.with(f.velocityField(), 3).steps(4).run(x0));
    assertTrue(e.getMessage().contains("dimension 2") && e.getMessage().contains("dimension 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FlowSampling.with(f.velocityField(), 2).score(f.scoreField()).eps(0.5).solver(Scheme.RK4).steps(4)
            .run(x0));
    assertTrue(e.getMessage().contains("ODE only"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FlowSampling.with(f.velocityField(), 2).eps(0.5).steps(4).run(x0));
    assertTrue(e.getMessage().contains("score"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FlowSampling.with(f.velocityField(), 2).score(f.scoreField()).eps(t -> t).solver("midpoint").steps(4)
            .run(x0));
    assertTrue(e.getMessage().contains("ODE only"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FlowSampling.with(f.velocityField(), 2).run(x0));
    assertTrue(e.getMessage().contains("nfe") && e.getMessage().contains("steps"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> FlowSampling.with(f.velocityField(), 2).nfe(4).steps(4).run(x0));
    assertThrows(IllegalArgumentException.class, () -> FlowSampling.with(f.velocityField(), 2).eps(-1));
    e = assertThrows(IllegalArgumentException.class, () -> FlowSampling.with(f.velocityField(), 2).solver("rk5"));
    assertTrue(e.getMessage().contains("rk4"), e.getMessage());
  }
}
