package org.diffusion4j.inverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * The restoration solvers against exact posteriors: a diagonal Gaussian prior (one-component
 * {@link GaussianMixture}) and a masking or pooling operator have a Gaussian posterior in closed
 * form; a two-component mixture has a mixture posterior with known weights. Tolerances are
 * sample-size bounds (4 standard errors) plus, where a method is biased by construction, the
 * bias measured here and stated in the assertion message.
 */
class RestorationExactPosteriorTest {
  static final GaussianPath COND_OT = Paths.create("cond-ot", Map.of());
  static final double[] MU = {0.5, -0.3, 1.0, 0.2, -0.8, 0.4};
  static final double[] VAR = {0.3, 0.5, 0.2, 0.4, 0.25, 0.6};
  static final GaussianMixture GAUSS = GaussianMixture.gaussian(MU, VAR);
  /** Keeps coordinates 0, 2, 4 of the 6. */
  static final PixelMask MASK = new PixelMask("mask", ImageShape.vector(6), new int[] {0, 2, 4});
  static final double[] Y = {0.9, 0.4, -0.2};
  static final int N = 4000;

  static Measurement repeated(ForwardOperator op, double[] y, int n, double sigmaY) {
    Batch b = new Batch(n, y.length);
    for (int i = 0; i < n; i++) {
      System.arraycopy(y, 0, b.data(), i * y.length, y.length);
    }
    return new Measurement(op, b, sigmaY);
  }

  static Batch run(Restoration.Method m, Denoiser model, Measurement meas, int nfe, RestorationOptions o) {
    Restoration.Result r = Restoration.with(m, model, COND_OT).measurement(meas).nfe(nfe).seed(11).options(o).run();
    assertEquals(nfe, r.nfe(), m + " NFE");
    return r.x();
  }

  static double mean(Batch x, int j) {
    double s = 0;
    for (int i = 0; i < x.n(); i++) {
      s += x.get(i, j);
    }
    return s / x.n();
  }

  static double var(Batch x, int j) {
    double m = mean(x, j);
    double s = 0;
    for (int i = 0; i < x.n(); i++) {
      double e = x.get(i, j) - m;
      s += e * e;
    }
    return s / (x.n() - 1);
  }

  /** Missing coordinates 1, 3, 5 must follow the prior (independent of the observed ones). */
  static void assertMissingArePrior(Batch x, double varianceBias, String what) {
    for (int j = 1; j < 6; j += 2) {
      double se = Math.sqrt(VAR[j] / x.n());
      assertEquals(MU[j], mean(x, j), 4 * se, what + " mean of missing coordinate " + j);
      double ratio = var(x, j) / VAR[j];
      double seRatio = Math.sqrt(2.0 / x.n());
      assertTrue(Math.abs(ratio - 1) < 4 * seRatio + varianceBias,
          what + " variance ratio of missing coordinate " + j + " = " + ratio + " (allowed bias " + varianceBias + ")");
    }
  }

  @Test
  void projectionSamplesTheExactPosteriorOfAMaskAndIsExactlyConsistent() {
    Batch x = run(Restoration.Method.PROJECTION, GAUSS.denoiser(COND_OT, Prediction.X0), repeated(MASK, Y, N, 0), 200,
        RestorationOptions.DEFAULTS);
    for (int i = 0; i < N; i++) {
      assertEquals(Y[0], x.get(i, 0), 1e-12);
      assertEquals(Y[1], x.get(i, 2), 1e-12);
    }
    // Ancestral steps with the posterior mean underestimate the variance by O(1/NFE): measured -7%
    // at NFE 100, -3..7% at NFE 200-400 on this case.
    assertMissingArePrior(x, 0.08, "projection");
  }

  @Test
  void projectionOnAveragePoolingMatchesTheClosedFormPosteriorMeanAndCovariance() {
    // Isotropic prior N(m, v I) on a 4 x 4 image, 2x average pooling, sigma_y = 0: the posterior is
    // N(A+ y + (I - A+ A) m, v (I - A+ A)).
    ImageShape shape = ImageShape.grey(4);
    GroupMean pool = GroupMean.averagePool(shape, 2);
    double v = 0.4;
    double[] m = new double[16];
    double[] vars = new double[16];
    Rng r = Rng.of(5);
    for (int j = 0; j < 16; j++) {
      m[j] = r.nextDouble() - 0.5;
      vars[j] = v;
    }
    double[] y = {0.3, -0.2, 0.6, 0.1};
    GaussianMixture prior = GaussianMixture.gaussian(m, vars);
    Measurement meas = repeated(pool, y, N, 0);
    Batch x = run(Restoration.Method.PROJECTION, prior.denoiser(COND_OT, Prediction.X0), meas, 200,
        RestorationOptions.DEFAULTS);
    for (double res : meas.residualNorms(x)) {
      assertTrue(res < 1e-12, "projection is measurement-consistent: ||Ax - y|| = " + res);
    }
    double[] pinvY = new double[16];
    pool.pseudoInverse(y, 0, pinvY, 0);
    double[] am = new double[4];
    pool.apply(m, 0, am, 0);
    double[] pinvAm = new double[16];
    pool.pseudoInverse(am, 0, pinvAm, 0);
    for (int j = 0; j < 16; j++) {
      double exactMean = pinvY[j] + m[j] - pinvAm[j];
      // Within a 2x2 block the posterior covariance is v (I - 11^T/4): variance 3v/4, covariance -v/4.
      assertEquals(exactMean, mean(x, j), 4 * Math.sqrt(0.75 * v / N), "posterior mean " + j);
      assertEquals(0.75 * v, var(x, j), 0.75 * v * (4 * Math.sqrt(2.0 / N) + 0.08), "posterior variance " + j);
    }
    double cov = 0;
    double m0 = mean(x, 0);
    double m1 = mean(x, 1);
    for (int i = 0; i < N; i++) {
      cov += (x.get(i, 0) - m0) * (x.get(i, 1) - m1);
    }
    cov /= N - 1;
    assertEquals(-0.25 * v, cov, 0.25 * v * 0.2, "within-block posterior covariance");
  }

  @Test
  void ddrmWithEtaZeroSamplesThePosteriorAndTheOfficialEtaIsUnderdispersedByAMeasuredAmount() {
    Denoiser model = GAUSS.denoiser(COND_OT, Prediction.X0);
    Batch x0 = run(Restoration.Method.DDRM, model, repeated(MASK, Y, N, 0), 200, RestorationOptions.DEFAULTS.withEta(0));
    // DDRM's last step returns the model's x0 prediction in every coordinate (official code), so the
    // observed coordinates end within the final noise level of y, not exactly at y.
    for (int i = 0; i < N; i++) {
      assertEquals(Y[2], x0.get(i, 4), 0.01);
    }
    assertMissingArePrior(x0, 0.05, "DDRM eta=0");
    // eta = 0.85 (the official default) keeps 85% fresh noise per step, so the missing
    // coordinates lose variance: measured ratio 0.72-0.79 at NFE 20-400 (cond-ot and vp-linear).
    Batch x = run(Restoration.Method.DDRM, model, repeated(MASK, Y, N, 0), 20, RestorationOptions.DEFAULTS);
    for (int j = 1; j < 6; j += 2) {
      double ratio = var(x, j) / VAR[j];
      assertTrue(ratio > 0.55 && ratio < 0.9, "DDRM eta=0.85 variance ratio " + ratio + " outside the measured [0.55, 0.9]");
      assertEquals(MU[j], mean(x, j), 4 * Math.sqrt(VAR[j] / N));
    }
    // Noisy measurements (sigma_y = 0.2): the observed coordinates' means are within 0.05 of the
    // exact posterior means (v y + sigma_y^2 mu) / (v + sigma_y^2) (measured deviation <= 0.03 at NFE 20).
    double sy = 0.2;
    Batch xn = run(Restoration.Method.DDRM, model, repeated(MASK, Y, N, sy), 20, RestorationOptions.DEFAULTS);
    for (int k = 0; k < 3; k++) {
      int j = 2 * k;
      double exact = (VAR[j] * Y[k] + sy * sy * MU[j]) / (VAR[j] + sy * sy);
      assertEquals(exact, mean(xn, j), 0.05, "DDRM posterior mean of observed coordinate " + j);
    }
  }

  @Test
  void redDiffConvergesToThePosteriorMeanAsAPointEstimate() {
    // RED-Diff fits a Dirac q(x0|y) = delta(mu): the mean of its outputs over noise draws matches
    // the posterior mean, and its spread (Adam's jitter at lr 0.1) is far below the posterior's.
    Batch x = run(Restoration.Method.RED_DIFF, GAUSS.denoiser(COND_OT, Prediction.X0), repeated(MASK, Y, N, 0), 100,
        RestorationOptions.DEFAULTS);
    for (int k = 0; k < 3; k++) {
      assertEquals(Y[k], mean(x, 2 * k), 0.01, "RED-Diff fits the observed coordinate " + 2 * k);
    }
    for (int j = 1; j < 6; j += 2) {
      assertEquals(MU[j], mean(x, j), 0.03, "RED-Diff mean of missing coordinate " + j);
      double ratio = var(x, j) / VAR[j];
      assertTrue(ratio < 0.4, "RED-Diff is a point estimate; spread ratio " + ratio + " (measured 0.2-0.3)");
    }
  }

  @Test
  void dpsBiasIsMeasuredAndBounded() {
    // DPS never enforces y exactly: with sigma_y = 0 the observed coordinates keep a spread
    // (measured sd 0.10-0.23 at NFE 20-400), while their means and the missing coordinates stay near the posterior.
    Batch x = run(Restoration.Method.DPS, GAUSS.differentiableDenoiser(COND_OT), repeated(MASK, Y, N, 0), 100,
        RestorationOptions.DEFAULTS);
    for (int k = 0; k < 3; k++) {
      int j = 2 * k;
      double sd = Math.sqrt(var(x, j));
      assertTrue(sd > 0.03 && sd < 0.3, "DPS observed-coordinate spread " + sd + " outside the measured (0.03, 0.3)");
      assertEquals(Y[k], mean(x, j), 0.03, "DPS mean of observed coordinate " + j);
    }
    assertMissingArePrior(x, 0.10, "DPS");
  }

  @Test
  void twoComponentPosteriorWeightsAreMatchedOnlyByTheGradientMethods() {
    // Prior 0.5 N((-1,-2), 0.3 I) + 0.5 N((1,2), 0.3 I); observing the first coordinate y = 0.3
    // gives component weights proportional to w_k N(y; mu_k, 0.3): w2 = 1 / (1 + e^-2) = 0.881.
    GaussianMixture mix = new GaussianMixture(new double[] {0.5, 0.5}, new double[][] {{-1, -2}, {1, 2}},
        new double[][] {{0.3, 0.3}, {0.3, 0.3}});
    PixelMask first = new PixelMask("first", ImageShape.vector(2), new int[] {0});
    Measurement meas = repeated(first, new double[] {0.3}, N, 0);
    double exact = 1 / (1 + Math.exp(-2));
    double[] w = new double[4];
    Restoration.Method[] methods = {Restoration.Method.PROJECTION, Restoration.Method.DDRM, Restoration.Method.DPS,
        Restoration.Method.RED_DIFF};
    for (int k = 0; k < methods.length; k++) {
      Denoiser model = methods[k] == Restoration.Method.DPS ? mix.differentiableDenoiser(COND_OT)
          : mix.denoiser(COND_OT, Prediction.X0);
      RestorationOptions o = RestorationOptions.DEFAULTS.withEta(methods[k] == Restoration.Method.DDRM ? 0 : 0.85);
      Batch x = run(methods[k], model, meas, 100, methods[k] == Restoration.Method.DDRM ? o : RestorationOptions.DEFAULTS);
      int second = 0;
      for (int i = 0; i < N; i++) {
        second += x.get(i, 1) > 0 ? 1 : 0;
      }
      w[k] = second / (double) N;
      // Within the chosen component the missing coordinate is near +-2 (component means); RED-Diff's
      // point estimate often stops between the modes (mean |x_1| measured 1.35), so it is not checked.
      double m2 = 0;
      for (int i = 0; i < N; i++) {
        m2 += Math.abs(x.get(i, 1));
      }
      if (methods[k] != Restoration.Method.RED_DIFF) {
        assertEquals(2, m2 / N, 0.35, methods[k] + " component means");
      }
    }
    double se = 4 * Math.sqrt(exact * (1 - exact) / N);
    // Replacement (projection) and DDRM condition only through the replaced coordinate, which is
    // nearly pure noise when the components separate: they keep the prior weights (measured 0.54).
    assertEquals(0.5, w[0], 0.07, "projection weight of component 2 (exact " + exact + ")");
    assertEquals(0.5, w[1], 0.07, "DDRM weight of component 2 (exact " + exact + ")");
    // The gradient methods see y through x0hat: DPS 0.906, RED-Diff 0.730 at NFE 100 (measured).
    assertEquals(exact, w[2], 0.05 + se, "DPS weight of component 2");
    assertTrue(w[3] > 0.65 && w[3] < exact + se, "RED-Diff weight " + w[3] + " (measured 0.73)");
  }

  @Test
  void conditionalOdeConvergesToTheExactFlowAtFirstOrder() {
    // Missing coordinates follow the probability-flow ODE of N(mu, v) in the scale-free variable
    // z = x / alpha, sigma = sigma/alpha: z(0) = mu + (z_T - mu) sqrt(v / (v + sigma_T^2)).
    Denoiser model = GAUSS.denoiser(COND_OT, Prediction.X0);
    Measurement meas = repeated(MASK, Y, 8, 0);
    double[] bc = new double[6];
    Rng.of(3).fillGaussian(bc, 0, 6);
    BoundaryCondition b = new BoundaryCondition(bc, Double.NaN, 1, 0);
    double tStart = 0.99;
    double tEnd = 1e-4;
    double aT = COND_OT.alpha(tStart);
    double sT = COND_OT.sigma(tStart) / aT;
    double[] errors = new double[3];
    int[] nfes = {10, 40, 160};
    for (int k = 0; k < 3; k++) {
      Batch x = Restoration.with(Restoration.Method.BC_ODE, model, COND_OT).measurement(meas).nfe(nfes[k])
          .times(tStart, tEnd).boundary(b).run().x();
      double err = 0;
      for (int j = 1; j < 6; j += 2) {
        double zT = COND_OT.priorStd(tStart) * bc[j] / aT;
        double exact = MU[j] + (zT - MU[j]) * Math.sqrt(VAR[j] / (VAR[j] + sT * sT));
        // The grid ends at t_end, where the remaining noise (sigma/alpha ~ 1e-4) is below the tolerance.
        err = Math.max(err, Math.abs(x.get(0, j) - exact));
        assertEquals(x.get(0, j), x.get(7, j), 0, "one boundary condition for every row");
      }
      errors[k] = err;
      assertEquals(Y[1], x.get(0, 2), 1e-12);
    }
    assertTrue(errors[0] / errors[1] > 2.5 && errors[1] / errors[2] > 2.5,
        "first-order convergence: errors " + java.util.Arrays.toString(errors));
    assertTrue(errors[2] < 0.02, "NFE 160 error " + errors[2]);
  }

  @Test
  void boundarySearchKeepsTheBestCandidateOnTheReferences() {
    Denoiser model = GAUSS.denoiser(COND_OT, Prediction.X0);
    Batch refs = GAUSS.sample(4, 16);
    BoundaryCondition best = BoundaryCondition.search(model, COND_OT, MASK, refs, 0, 8, 10, 2);
    Measurement meas = Measurement.observe(MASK, refs, 0, 2);
    Batch x = Restoration.with(Restoration.Method.BC_ODE, model, COND_OT).measurement(meas).nfe(10).boundary(best)
        .run().x();
    double se = 0;
    for (int i = 0; i < x.size(); i++) {
      double e = x.data()[i] - refs.data()[i];
      se += e * e;
    }
    assertEquals(best.referenceMse(), se / x.size(), 1e-12);
    // The prior-mean-like boundary beats random ones on average: compare with the plain ODE.
    double plain = 0;
    for (long seed = 0; seed < 8; seed++) {
      Batch xp = Restoration.with(Restoration.Method.ODE, model, COND_OT).measurement(meas).nfe(10).seed(seed).run().x();
      for (int i = 0; i < xp.size(); i++) {
        double e = xp.data()[i] - refs.data()[i];
        plain += e * e / xp.size() / 8;
      }
    }
    assertTrue(best.referenceMse() <= plain, "best boundary " + best.referenceMse() + " vs random " + plain);
  }

  @Test
  void sameSeedGivesBitwiseIdenticalResults() {
    for (Restoration.Method m : new Restoration.Method[] {Restoration.Method.PROJECTION, Restoration.Method.DDRM,
        Restoration.Method.DPS, Restoration.Method.RED_DIFF, Restoration.Method.ODE}) {
      Denoiser model = m == Restoration.Method.DPS ? GAUSS.differentiableDenoiser(COND_OT)
          : GAUSS.denoiser(COND_OT, Prediction.X0);
      Measurement meas = repeated(MASK, Y, 50, 0.1);
      Batch a = Restoration.with(m, model, COND_OT).measurement(meas).nfe(7).seed(4).run().x();
      Batch b = Restoration.with(m, model, COND_OT).measurement(meas).nfe(7).seed(4).run().x();
      assertEquals(0, a.maxAbsDistance(b), m.cliName());
    }
  }

  @Test
  void mixtureVectorJacobianProductMatchesCentralDifferences() {
    GaussianMixture mix = GaussianMixture.random(3, 5, 7);
    var model = mix.differentiableDenoiser(COND_OT);
    Rng r = Rng.of(8);
    Batch x = new Batch(2, 5);
    r.fillGaussian(x.data(), 0, 10);
    double[] v = new double[10];
    r.fillGaussian(v, 0, 10);
    Batch out = x.zerosLike();
    Batch grad = x.zerosLike();
    model.predictWithPullback(x, 0.4, out, (p, cot) -> System.arraycopy(v, 0, cot.data(), 0, 10), grad);
    double h = 1e-6;
    for (int j = 0; j < 10; j++) {
      Batch xp = x.copy();
      Batch xm = x.copy();
      xp.data()[j] += h;
      xm.data()[j] -= h;
      Batch op = x.zerosLike();
      Batch om = x.zerosLike();
      model.predict(xp, 0.4, op);
      model.predict(xm, 0.4, om);
      double fd = 0;
      for (int i = 0; i < 10; i++) {
        fd += v[i] * (op.data()[i] - om.data()[i]) / (2 * h);
      }
      assertEquals(fd, grad.data()[j], 1e-7 * Math.max(1, Math.abs(fd)));
    }
  }

  @Test
  void badInputGivesOneLineErrors() {
    Denoiser model = GAUSS.denoiser(COND_OT, Prediction.X0);
    assertThrows(IllegalArgumentException.class, () -> new Measurement(MASK, new Batch(2, 4), 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Measurement(MASK, new Batch(2, 3), -0.5));
    assertTrue(e.getMessage().contains("-0.5"), e.getMessage());
    PixelMask wrong = Operators.halfMask(ImageShape.grey(4));
    e = assertThrows(IllegalArgumentException.class, () -> Restoration.with(Restoration.Method.DDRM, model, COND_OT)
        .measurement(new Measurement(wrong, new Batch(1, 8), 0)).nfe(5).run());
    assertTrue(e.getMessage().contains("dimension 6"), e.getMessage());
    Saturation sat = new Saturation(ImageShape.vector(6), 2);
    e = assertThrows(IllegalArgumentException.class, () -> Restoration.with(Restoration.Method.PROJECTION, model,
        COND_OT).measurement(new Measurement(sat, new Batch(1, 6), 0)).nfe(5).run());
    assertTrue(e.getMessage().contains("linear"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Restoration.with(Restoration.Method.DPS, model, COND_OT)
        .measurement(repeated(MASK, Y, 1, 0)).nfe(5).run());
    assertTrue(e.getMessage().contains("vector-Jacobian"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Restoration.with(Restoration.Method.DDRM, model, COND_OT)
        .measurement(repeated(MASK, Y, 1, 0)).nfe(0).run());
    assertThrows(IllegalArgumentException.class, () -> Restoration.Method.parse("magic"));
    // The saturation and quantisation operators run through the gradient solvers.
    Batch xs = Restoration.with(Restoration.Method.RED_DIFF, model, COND_OT)
        .measurement(Measurement.observe(sat, GAUSS.sample(1, 3), 0.01, 1)).nfe(5).run().x();
    assertEquals(3, xs.n());
  }
}
