package org.diffusion4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.path.CondOtPath;
import org.diffusion4j.path.EdmPath;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.HeunSampler;
import org.diffusion4j.sampler.Sampling;
import org.junit.jupiter.api.Test;

class OutputNoiseDenoiserTest {
  private static final int D = 40;
  private final GaussianPath edm = new EdmPath();
  private final Denoiser x0 = mixture().denoiser(edm, Prediction.X0);
  private final Batch x = Noise.standardNormal(5, 500, D).scale(3);

  private static GaussianMixture mixture() {
    double[][] means = new double[2][D];
    double[][] vars = new double[2][D];
    Arrays.fill(means[0], 1);
    Arrays.fill(means[1], -1);
    Arrays.fill(vars[0], 0.1);
    Arrays.fill(vars[1], 0.1);
    return new GaussianMixture(new double[] {0.5, 0.5}, means, vars);
  }

  private static double[] predict(Denoiser d, Batch x, double t) {
    Batch out = x.zerosLike();
    d.predict(x, t, out);
    return out.data();
  }

  @Test
  void zeroNoiseIsThePlainDenoiserBitForBitAlsoThroughTheHeunSampler() {
    OutputNoiseDenoiser wrapped = new OutputNoiseDenoiser(x0, edm, 0, 9);
    for (double t : new double[] {0.01, 1, 40}) {
      assertArrayEquals(predict(x0, x, t), predict(wrapped, x, t), 0.0);
    }
    Batch prior = Noise.standardNormal(1, 64, D).scale(edm.priorStd(Sampling.defaultStart(edm)));
    Batch plain = Sampling.with(new HeunSampler(), x0, edm).nfe(17).run(prior).x();
    Batch noisy = Sampling.with(new HeunSampler(), new OutputNoiseDenoiser(x0, edm, 0, 3), edm).nfe(17).run(prior).x();
    assertArrayEquals(plain.data(), noisy.data(), 0.0);
    assertEquals(0, plain.firstNonFinite() + 1, "finite samples");
  }

  @Test
  void addedNoiseHasStdAlphaTimesTheNoiseLevelZeroMeanAndIsFreshPerCall() {
    // EDM: sigma~(t) = t; cond-OT: sigma~(t) = t / (1 - t).
    GaussianPath ot = new CondOtPath();
    Denoiser otX0 = mixture().denoiser(ot, Prediction.X0);
    double alpha = 0.3;
    Object[][] cases = {{edm, x0, 2.0, 2.0}, {edm, x0, 0.05, 0.05}, {ot, otX0, 0.6, 1.5}};
    for (Object[] c : cases) {
      GaussianPath path = (GaussianPath) c[0];
      Denoiser base = (Denoiser) c[1];
      double t = (double) c[2];
      double level = (double) c[3];
      OutputNoiseDenoiser noisy = new OutputNoiseDenoiser(base, path, alpha, 11);
      double[] clean = predict(base, x, t);
      double[] e1 = predict(noisy, x, t);
      double[] e2 = predict(noisy, x, t);
      int m = clean.length;
      double sum = 0;
      double sq = 0;
      double cross = 0;
      for (int i = 0; i < m; i++) {
        double a = (e1[i] - clean[i]) / (alpha * level);
        double b = (e2[i] - clean[i]) / (alpha * level);
        sum += a;
        sq += a * a;
        cross += a * b;
      }
      double mean = sum / m;
      double std = Math.sqrt(sq / m - mean * mean);
      // 20,000 unit normals: standard errors 1/sqrt(m) for the mean and correlation, 1/sqrt(2m) for the std.
      assertTrue(Math.abs(mean) < 4 / Math.sqrt(m), "mean " + mean);
      assertTrue(Math.abs(std - 1) < 4 / Math.sqrt(2.0 * m), "std / (alpha sigma~) = " + std + " at t = " + t);
      assertTrue(Math.abs(cross / m) < 4 / Math.sqrt(m), "two calls share noise: correlation " + cross / m);
    }
  }

  @Test
  void sameSeedSameDrawsOtherSeedOtherDraws() {
    double[] a = predict(new OutputNoiseDenoiser(x0, edm, 0.1, 4), x, 1);
    double[] b = predict(new OutputNoiseDenoiser(x0, edm, 0.1, 4), x, 1);
    double[] c = predict(new OutputNoiseDenoiser(x0, edm, 0.1, 5), x, 1);
    assertArrayEquals(a, b, 0.0);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void rejectsBadScaleAndNonDenoiserModels() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new OutputNoiseDenoiser(x0, edm, -0.1, 0));
    assertTrue(e.getMessage().contains("-0.1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OutputNoiseDenoiser(x0, edm, Double.NaN, 0));
    assertThrows(IllegalArgumentException.class, () -> new OutputNoiseDenoiser(x0, edm, Double.POSITIVE_INFINITY, 0));
    Denoiser eps = mixture().denoiser(edm, Prediction.EPSILON);
    e = assertThrows(IllegalArgumentException.class, () -> new OutputNoiseDenoiser(eps, edm, 0.1, 0));
    assertTrue(e.getMessage().contains("eps"), e.getMessage());
  }
}
