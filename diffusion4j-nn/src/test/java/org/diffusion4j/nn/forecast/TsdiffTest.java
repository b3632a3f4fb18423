package org.diffusion4j.nn.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.forecast.SelfGuidance;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsdiffTest {
  static final TsdiffSpec SPEC = TsdiffSpec.of(12, 4, new int[] {8}, "H", 8);
  @TempDir
  static Path dir;
  static double[] series;

  @BeforeAll
  static void train() throws Exception {
    series = new double[200];
    for (int i = 0; i < series.length; i++) {
      series[i] = 10 + 3 * Math.sin(2 * Math.PI * i / 8) + 0.1 * Math.cos(i * 1.7);
    }
    Tsdiff.train(java.util.Arrays.copyOf(series, 180), SPEC, Tsdiff.TrainOptions.defaults(30).withSize(16, 1), "sine",
        dir, null);
  }

  @Test
  void windowsAreScaledByContextMeanWithLags() {
    double[] v = {1, 2, 3, 4, 5, 6, 7};
    TsdiffSpec s = TsdiffSpec.of(2, 1, new int[] {2}, "D", 1);
    Batch w = TsdiffWindows.training(v, s, 1);
    assertEquals(3, w.n()); // windows start at maxLag 2, 3, 4 with length 3
    // window at 2: context 3, 4 -> scale 3.5; rows (value, lag-2 value): (3,1) (4,2) (5,3)
    assertArrayEquals(new double[] {3 / 3.5, 1 / 3.5, 4 / 3.5, 2 / 3.5, 5 / 3.5, 3 / 3.5}, w.row(0), 1e-15);
    TsdiffWindows.Observation o = TsdiffWindows.observation(v, s);
    // context 6, 7 (scale 6.5); horizon step 7 unknown, its lag (value 5 at index 5... index 7-2=5 -> 6) known
    assertArrayEquals(new double[] {6 / 6.5, 4 / 6.5, 7 / 6.5, 5 / 6.5, 0, 6 / 6.5}, o.observed().row(0), 1e-15);
    assertArrayEquals(new double[] {1, 1, 1, 1, 0, 1}, o.mask().row(0));
    assertThrows(IllegalArgumentException.class, () -> TsdiffWindows.observation(new double[] {1}, s));
    assertThrows(IllegalArgumentException.class, () -> TsdiffWindows.training(new double[] {1, 2, 3, 4}, s, 1));
  }

  @Test
  void specRoundTripsThroughJson() throws Exception {
    TsdiffSpec read = Tsdiff.readSpec(dir);
    assertEquals(SPEC.context(), read.context());
    assertArrayEquals(SPEC.lags(), read.lags());
    // the fitted standardisation: mean-scaled windows of a series around 10 +- 3 centre near 1
    assertEquals(1, read.shift(), 0.05);
    assertTrue(read.spread() > 0.15 && read.spread() < 0.3, "spread " + read.spread());
    String json = org.diffusion4j.io.JsonRecords.toJson(read);
    assertEquals(json, org.diffusion4j.io.JsonRecords.toJson(org.diffusion4j.io.JsonRecords.fromJson(TsdiffSpec.class,
        (java.util.Map<?, ?>) org.diffusion4j.io.Json.parse(json), "spec")));
  }

  /** The autograd pullback against central differences of the prediction (float32 network, so 1e-2). */
  /**
   * The guidance energy acts on model units z = (u - shift)/spread; TSDiff's on the mean-scaled u.
   * s E(z) must equal officialScale(s) E(u) for both energies (the scale conversion reported by
   * {@code d4j forecast tune}).
   */
  @Test
  void officialScaleConvertsTheGuidedTargetToMeanScaledUnits() throws Exception {
    TsdiffSpec spec = Tsdiff.readSpec(dir);
    int n = 3;
    java.util.Random rnd = new java.util.Random(7);
    Batch z = new Batch(n, spec.dim());
    Batch y = new Batch(n, spec.dim());
    Batch mask = new Batch(n, spec.dim());
    Batch u = new Batch(n, spec.dim());
    Batch yu = new Batch(n, spec.dim());
    for (int i = 0; i < z.data().length; i++) {
      z.data()[i] = rnd.nextGaussian();
      y.data()[i] = rnd.nextGaussian();
      mask.data()[i] = rnd.nextBoolean() ? 1 : 0;
      u.data()[i] = spec.unstandardise(z.data()[i]);
      yu.data()[i] = spec.unstandardise(y.data()[i]);
    }
    try (NetworkDenoiser m = Tsdiff.readModel(dir)) {
      for (SelfGuidance.Loss loss : SelfGuidance.Loss.values()) {
        double s = 4;
        double here = s * SelfGuidance.of(m, m.path(), y, mask, loss, s, n).energy(z);
        double official = spec.officialScale(loss, s) * SelfGuidance.of(m, m.path(), yu, mask, loss, s, n).energy(u);
        assertEquals(here, official, 1e-9 * Math.abs(here), loss.toString());
      }
      assertEquals(4 / spec.spread(), spec.officialScale(SelfGuidance.Loss.QUANTILE, 4), 1e-12);
    }
  }

  @Test
  void tunedGuidanceRoundTripsAndIsAClearErrorWhenAbsent() throws Exception {
    Path other = dir.resolve("guidance-test");
    java.nio.file.Files.createDirectories(other);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tsdiff.readGuidance(other));
    assertTrue(e.getMessage().contains("no tuned guidance"), e.getMessage());
    org.diffusion4j.forecast.GuidanceTuning.Choice c = new org.diffusion4j.forecast.GuidanceTuning.Choice(
        SelfGuidance.Loss.MSE, 2.5, 2, 140, 32, 0.0123);
    Tsdiff.writeGuidance(other, c);
    assertEquals(c, Tsdiff.readGuidance(other));
  }

  @Test
  void pullbackMatchesFiniteDifferences() throws Exception {
    try (NetworkDenoiser m = Tsdiff.readModel(dir)) {
      Batch x = Noise.standardNormal(4, 2, m.dim());
      Batch r = Noise.standardNormal(5, 2, m.dim());
      Batch dir1 = Noise.standardNormal(6, 2, m.dim());
      double t = 0.4;
      Batch out = x.zerosLike();
      Batch grad = x.zerosLike();
      m.predictWithPullback(x, t, out, (p, v) -> v.setFrom(r), grad);
      double analytic = 0;
      for (int i = 0; i < x.size(); i++) {
        analytic += grad.data()[i] * dir1.data()[i];
      }
      double h = 1e-2;
      Batch xp = x.copy().addScaled(h, dir1);
      Batch xm = x.copy().addScaled(-h, dir1);
      Batch fp = x.zerosLike();
      Batch fm = x.zerosLike();
      m.predict(xp, t, fp);
      m.predict(xm, t, fm);
      double fd = 0;
      for (int i = 0; i < x.size(); i++) {
        fd += r.data()[i] * (fp.data()[i] - fm.data()[i]) / (2 * h);
      }
      assertEquals(fd, analytic, 1e-2 * Math.max(1, Math.abs(fd)));
      Batch plain = x.zerosLike();
      m.predict(x, t, plain);
      assertArrayEquals(plain.data(), out.data());
    }
  }

  @Test
  void forecastShapeAndDeterminism() throws Exception {
    try (NetworkDenoiser m = Tsdiff.readModel(dir)) {
      TsdiffForecaster f = new TsdiffForecaster(m, SPEC, "ddim", 5, SelfGuidance.Loss.QUANTILE, 8);
      double[][][] a = f.forecastAll(new double[][] {java.util.Arrays.copyOf(series, 180),
          java.util.Arrays.copyOf(series, 184)}, 4, 3, 7);
      double[][][] b = f.forecastAll(new double[][] {java.util.Arrays.copyOf(series, 180),
          java.util.Arrays.copyOf(series, 184)}, 4, 3, 7);
      assertEquals(2, a.length);
      assertEquals(3, a[0].length);
      assertEquals(4, a[0][0].length);
      for (int o = 0; o < 2; o++) {
        for (int s = 0; s < 3; s++) {
          assertArrayEquals(a[o][s], b[o][s]);
          for (double v : a[o][s]) {
            assertTrue(Double.isFinite(v));
          }
        }
      }
      assertThrows(IllegalArgumentException.class, () -> f.forecast(series, 5, 3, 0));
    }
  }

  @Test
  void refinementAndSynthesisShapes() throws Exception {
    try (NetworkDenoiser m = Tsdiff.readModel(dir)) {
      TsdiffForecaster f = new TsdiffForecaster(m, SPEC, "ddim", 5, SelfGuidance.Loss.QUANTILE, 8);
      double[][] hist = {java.util.Arrays.copyOf(series, 180)};
      double[][][] base = {org.diffusion4j.forecast.SeasonalNaive.bootstrapped(8).forecast(hist[0], 4, 3, 1)};
      // zero iterations return the sorted base forecast unchanged (up to the scaling round trip)
      double[][][] same = f.refineAll(hist, base, new org.diffusion4j.forecast.Refinement.Options(
          org.diffusion4j.forecast.Refinement.Method.MOST_LIKELY, SelfGuidance.Loss.MSE, 1, 0.21, 0, 0.1, 0.1), 0);
      for (int h = 0; h < 4; h++) {
        double[] col = {base[0][0][h], base[0][1][h], base[0][2][h]};
        java.util.Arrays.sort(col);
        for (int s = 0; s < 3; s++) {
          assertEquals(col[s], same[0][s][h], 1e-9 * Math.abs(col[s]));
        }
      }
      double[][][] refined = f.refineAll(hist, base, org.diffusion4j.forecast.Refinement.Options.tsdiff(
          org.diffusion4j.forecast.Refinement.Method.LANGEVIN, SelfGuidance.Loss.QUANTILE, 0.21), 0);
      assertEquals(3, refined[0].length);
      double[][] synth = f.synthesize(4, 2);
      assertEquals(4, synth.length);
      assertEquals(SPEC.length(), synth[0].length);
      assertArrayEquals(synth[3], f.synthesize(4, 2)[3]);
    }
  }
}
