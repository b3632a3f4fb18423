package org.diffusion4j.blend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.CondOtPath;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.VpCosinePath;
import org.diffusion4j.random.Rng;
import org.diffusion4j.sampler.DdimSampler;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sampler.TimeGrid;
import org.junit.jupiter.api.Test;

class ConceptBlendTest {
  static final double[] MA = {2.0, -1.0, 0.5};
  static final double[] VA = {0.3, 0.5, 1.0};
  static final double[] MB = {-1.5, 0.5, 1.0};
  static final double[] VB = {0.2, 1.5, 0.1};

  static Batch gaussian(long seed, int n, int d, double scale) {
    Batch x = new Batch(n, d);
    Rng.of(seed).fillGaussian(x.data(), 0, n * d);
    return x.scale(scale);
  }

  /** On exact Gaussian class-conditionals the blended score is (1 - w) s_a + w s_b in closed form. */
  @Test
  void linearBlendScoreIsTheClosedFormCombination() {
    GaussianPath path = new VpCosinePath();
    double w = 0.3;
    for (Prediction kind : new Prediction[] {Prediction.EPSILON, Prediction.X0, Prediction.V}) {
      Denoiser a = GaussianMixture.gaussian(MA, VA).denoiser(path, kind);
      Denoiser b = GaussianMixture.gaussian(MB, VB).denoiser(path, kind);
      Denoiser score = Predictions.as(ConceptBlend.of(a, b, new LinearBlend(w)), path, Prediction.SCORE);
      for (double t : new double[] {0.1, 0.5, 0.9}) {
        Batch x = gaussian(3, 16, 3, 1.5);
        Batch s = x.zerosLike();
        score.predict(x, t, s);
        double al = path.alpha(t);
        double sg = path.sigma(t);
        for (int r = 0; r < x.n(); r++) {
          for (int j = 0; j < 3; j++) {
            double sa = -(x.get(r, j) - al * MA[j]) / (al * al * VA[j] + sg * sg);
            double sb = -(x.get(r, j) - al * MB[j]) / (al * al * VB[j] + sg * sg);
            assertEquals((1 - w) * sa + w * sb, s.get(r, j), 1e-9 * (1 + Math.abs(sa) + Math.abs(sb)),
                kind + " t=" + t);
          }
        }
      }
    }
  }

  static Batch ddim(Denoiser model, GaussianPath path, Batch xT, int steps) {
    return Sampling.with(new DdimSampler(), model, path).steps(steps).grid(TimeGrid.Spacing.LOGSNR).run(xT).x();
  }

  /** w = 0 and w = 1 reproduce each class's samples bitwise; 0.5 lands strictly between. */
  @Test
  void linearEndpointsReproduceEachClass() {
    GaussianPath path = new CondOtPath();
    Denoiser a = GaussianMixture.gaussian(MA, VA).denoiser(path, Prediction.VELOCITY);
    Denoiser b = GaussianMixture.gaussian(MB, VB).denoiser(path, Prediction.VELOCITY);
    Batch xT = gaussian(5, 64, 3, 1);
    Batch sa = ddim(a, path, xT, 12);
    Batch sb = ddim(b, path, xT, 12);
    assertArrayEquals(sa.data(), ddim(ConceptBlend.of(a, b, new LinearBlend(0)), path, xT, 12).data());
    assertArrayEquals(sb.data(), ddim(ConceptBlend.of(a, b, new LinearBlend(1)), path, xT, 12).data());
    Batch mid = ddim(ConceptBlend.of(a, b, new LinearBlend(0.5)), path, xT, 12);
    // The geometric mean of two Gaussians is Gaussian with precision-weighted mean: check coordinate 0.
    double mean = 0;
    for (int r = 0; r < mid.n(); r++) {
      mean += mid.get(r, 0) / mid.n();
    }
    assertTrue(mean < MA[0] - 0.5 && mean > MB[0] + 0.5, "blend mean " + mean + " is not between the classes");
  }

  /** Switching after k steps is k steps of a followed by the rest with b. */
  @Test
  void promptSwitchIsATheBAfterStepK() {
    GaussianPath path = new CondOtPath();
    Denoiser a = GaussianMixture.gaussian(MA, VA).denoiser(path, Prediction.VELOCITY);
    Denoiser b = GaussianMixture.gaussian(MB, VB).denoiser(path, Prediction.VELOCITY);
    Batch xT = gaussian(7, 8, 3, 1);
    double[] times = Sampling.with(new DdimSampler(), a, path).steps(10).grid(TimeGrid.Spacing.LOGSNR)
        .grid(new org.diffusion4j.sampler.Plan[1]).times();
    int k = 4;
    Batch switched = Sampling.with(new DdimSampler(), ConceptBlend.of(a, b, PromptSwitch.afterSteps(times, k)), path)
        .userTimes(times).run(xT).x();
    double[] first = java.util.Arrays.copyOfRange(times, 0, k + 1);
    double[] rest = java.util.Arrays.copyOfRange(times, k, times.length);
    Batch half = Sampling.with(new DdimSampler(), a, path).userTimes(first).run(xT).x();
    Batch manual = Sampling.with(new DdimSampler(), b, path).userTimes(rest).run(half).x();
    assertArrayEquals(manual.data(), switched.data());
    assertThrows(IllegalArgumentException.class, () -> PromptSwitch.afterSteps(times, times.length));
  }

  /** Textbook call values (Hull, "Options, Futures and Other Derivatives", Example 15.6) and the zero-vol limit. */
  @Test
  void callValueMatchesTextbook() {
    assertEquals(4.7594, BlackScholesBlend.callValue(42, 40, 0.1, 0.2, 0.5), 1e-4);
    assertEquals(10.4506, BlackScholesBlend.callValue(100, 100, 0.05, 0.2, 1), 1e-4);
    assertEquals(100 - 100 * Math.exp(-0.1), BlackScholesBlend.callValue(100, 100, 0.1, 0, 1), 1e-12);
    // The official density form S phi(d1) - K e^{-r tau} phi(d2) vanishes identically.
    for (double s : new double[] {5, 30, 80, 99}) {
      assertEquals(0, BlackScholesBlend.officialDensityForm(s, 100, 0.02, 0.1, 20), 1e-12 * s);
    }
    // The call value grows with the spot (delta N(d1) > 0): the rule gives the step to the weaker concept.
    assertTrue(BlackScholesBlend.callValue(60, 100, 0.02, 0.3, 30) > BlackScholesBlend.callValue(50, 100, 0.02, 0.3, 30));
    assertThrows(IllegalArgumentException.class, () -> BlackScholesBlend.callValue(0, 100, 0.1, 0.1, 1));
  }

  /** Class posterior of two equal-weight Gaussians in data space: the score a classifier would give. */
  static ConceptScore posterior() {
    GaussianMixture ga = GaussianMixture.gaussian(MA, VA);
    GaussianMixture gb = GaussianMixture.gaussian(MB, VB);
    return (x0, concept, out) -> {
      double[] la = ga.logDensityData(x0);
      double[] lb = gb.logDensityData(x0);
      for (int r = 0; r < x0.n(); r++) {
        double diff = concept == 0 ? lb[r] - la[r] : la[r] - lb[r];
        out[r] = Math.max(1e-300, 1 / (1 + Math.exp(diff)));
      }
    };
  }

  /**
   * The first step uses concept a; each later step uses the concept whose forecast score was
   * lower; rows are independent; and on two Gaussian classes the blend visits both concepts and
   * lands between them.
   */
  @Test
  void blackScholesFollowsTheRuleAndBlends() {
    GaussianPath path = new CondOtPath();
    Denoiser a = GaussianMixture.gaussian(MA, VA).denoiser(path, Prediction.VELOCITY);
    Denoiser b = GaussianMixture.gaussian(MB, VB).denoiser(path, Prediction.VELOCITY);
    double[] times = Sampling.with(new DdimSampler(), a, path).steps(20).grid(TimeGrid.Spacing.LOGSNR)
        .grid(new org.diffusion4j.sampler.Plan[1]).times();
    // Row 0 shows a strongly, row 1 shows b strongly (fixed scores).
    ConceptScore fixed = (x0, concept, out) -> {
      out[0] = concept == 0 ? 0.9 : 0.2;
      out[1] = concept == 0 ? 0.1 : 0.8;
    };
    BlackScholesBlend rule = new BlackScholesBlend(path, times, fixed);
    ConceptBlend blend = ConceptBlend.of(a, b, rule);
    Batch x = gaussian(9, 2, 3, 1);
    Batch out = x.zerosLike();
    Batch expect = x.zerosLike();
    blend.predict(x, times[0], out);
    a.predict(x, times[0], expect);
    assertArrayEquals(expect.data(), out.data());
    assertArrayEquals(new boolean[] {true, false}, rule.nextUsesB());
    blend.predict(x, times[1], out);
    Batch pb = x.zerosLike();
    b.predict(x, times[1], pb);
    a.predict(x, times[1], expect);
    assertArrayEquals(pb.row(0), out.row(0));
    assertArrayEquals(expect.row(1), out.row(1));
    assertThrows(IllegalArgumentException.class, () -> blend.predict(x, 0.123456, x.zerosLike()));

    BlackScholesBlend bs = new BlackScholesBlend(path, times, posterior());
    Batch xT = gaussian(11, 200, 3, 1);
    Batch s = Sampling.with(new DdimSampler(), ConceptBlend.of(a, b, bs), path).userTimes(times).run(xT).x();
    double fb = bs.fractionB();
    assertTrue(fb > 0.2 && fb < 0.8, "fraction of steps given to b: " + fb);
    double mean = 0;
    for (int r = 0; r < s.n(); r++) {
      mean += s.get(r, 0) / s.n();
    }
    assertTrue(mean < MA[0] - 0.3 && mean > MB[0] + 0.3, "Black-Scholes blend mean " + mean);
  }

  @Test
  void badInputsGiveClearErrors() {
    GaussianPath path = new CondOtPath();
    Denoiser a = GaussianMixture.gaussian(MA, VA).denoiser(path, Prediction.VELOCITY);
    Denoiser e = GaussianMixture.gaussian(MB, VB).denoiser(path, Prediction.EPSILON);
    assertThrows(IllegalArgumentException.class, () -> ConceptBlend.of(a, e, new LinearBlend(0.5)));
    assertThrows(IllegalArgumentException.class, () -> new LinearBlend(1.5));
    assertThrows(IllegalArgumentException.class, () -> new BlackScholesBlend(path, new double[] {0.1, 0.5}, posterior()));
  }
}
