package org.diffusion4j.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;

/**
 * Samples and step placement equal to the official codes: LuChengTHU/dpm-solver's
 * dpm_solver_pytorch.py (singlestep 'DPM-Solver-fast' with its outer and inner time points,
 * multistep lower-order final steps below 10 steps) and wl-zhao/UniPC's uni_pc.py (lower-order
 * final steps always). The expected numbers come from
 * diffusion4j-bench/python/official_sampler_parity.py (float64, same mixture, same noise).
 */
class OfficialParityTest {
  private static final GaussianMixture MIX = new GaussianMixture(new double[] {0.3, 0.7},
      new double[][] {{-1.5, 0.5}, {1.0, -0.5}}, new double[][] {{0.2, 0.4}, {0.3, 0.1}});
  private static final GaussianPath VP = Paths.create("vp-linear", Map.of());
  private static final double[] X_T = {0.3, -1.2, 1.7, 0.4, -0.8, 0.9, 0.05, -0.6};

  private static Batch run(String solver, SamplerOptions o, TimeGrid.Spacing grid, int nfe) {
    Batch x = new Batch(4, 2);
    System.arraycopy(X_T, 0, x.data(), 0, X_T.length);
    return Sampling.with(Samplers.create(solver, o), MIX.denoiser(VP, Prediction.EPSILON), VP).grid(grid)
        .times(1, 1e-3).nfe(nfe).run(x).x();
  }

  private static double distance(Batch b, double[] official) {
    double m = 0;
    for (int i = 0; i < official.length; i++) {
      m = Math.max(m, Math.abs(b.data()[i] - official[i]));
    }
    return m;
  }

  private static void assertOfficial(String what, double[] official, Batch b) {
    double d = distance(b, official);
    assertTrue(d < 1e-9, what + " differs from the official sample by " + d);
  }

  @Test
  void singlestepSamplesEqualTheOfficialOnEveryGrid() {
    SamplerOptions o = SamplerOptions.defaults();
    assertOfficial("dpm-solver++-3s time-quadratic nfe 5", new double[] {0.99216209818691525, -0.80987860217101504,
        1.7526595276029933, -0.37567901428071326, -1.2748027176935028, 0.66700327633212042, 0.76811087285137358,
        -0.61318547695283998}, run("dpm-solver++-3s", o, TimeGrid.Spacing.TIME_QUADRATIC, 5));
    assertOfficial("dpm-solver++-3s uniform nfe 7", new double[] {1.0400581392770258, -0.69971030297016923,
        1.6369568323234471, -0.42309712767232838, -1.4720696106694759, 0.73632005798650702, 0.88156062255342271,
        -0.58514863344373669}, run("dpm-solver++-3s", o, TimeGrid.Spacing.UNIFORM_T, 7));
    assertOfficial("dpm-solver-2 time-quadratic nfe 6", new double[] {1.5171125540340469, -1.2912268001937188,
        2.8049441669817679, -0.37353402660924839, -2.6491514060949788, 1.5202719315332502, 1.2183855645044073,
        -0.9553048751818205}, run("dpm-solver-2", o, TimeGrid.Spacing.TIME_QUADRATIC, 6));
    assertOfficial("dpm-solver-3 logsnr nfe 8", new double[] {0.85504816071524437, -0.80913680843678504,
        1.5800224820801998, -0.036518724790305546, -2.2076492317667729, 1.3459274607416276, 1.0175273095276713,
        -0.73401001645599084}, run("dpm-solver-3", o, TimeGrid.Spacing.LOGSNR, 8));
  }

  @Test
  void earlierPlacementIsKeptAsAnOptionAndDiffers() {
    SamplerOptions lambda = SamplerOptions.builder()
        .singlestepPoints(DpmSolverSinglestep.InnerPoints.LAMBDA_FRACTIONS).build();
    double[] official = {0.99216209818691525, -0.80987860217101504, 1.7526595276029933, -0.37567901428071326,
        -1.2748027176935028, 0.66700327633212042, 0.76811087285137358, -0.61318547695283998};
    assertTrue(distance(run("dpm-solver++-3s", lambda, TimeGrid.Spacing.TIME_QUADRATIC, 5), official) > 1e-3,
        "the lambda-fraction placement should differ from the official one on time-quadratic");
    // On logSNR both placements are the official one.
    assertTrue(run("dpm-solver-3", lambda, TimeGrid.Spacing.LOGSNR, 8)
        .maxAbsDistance(run("dpm-solver-3", SamplerOptions.defaults(), TimeGrid.Spacing.LOGSNR, 8)) < 1e-14);
  }

  @Test
  void singlestepOuterAndInnerTimesAreTheOfficialOnes() {
    DpmSolverSinglestep s = (DpmSolverSinglestep) Samplers.create("dpm-solver++-3s");
    Plan plan = s.plan(5);
    assertArrayEquals(new int[] {3, 2}, plan.orders());
    TimeGrid g = s.grid(TimeGrid.Spacing.TIME_QUADRATIC, TimeGrid.DEFAULT_RHO, VP, 1, 1e-3, plan);
    assertArrayEquals(new double[] {1, 0.17553893276880822, 0.0009999999999999998}, g.times(), 1e-15);
    double[][] officialInner = {{0.65015928851253879, 0.3753389327688082}, {0.05075928851253881}};
    for (int i = 0; i < 2; i++) {
      double[] r = s.innerFractions(VP, g, i, plan.order(i));
      double ls = VP.lambda(g.t(i));
      double h = VP.lambda(g.t(i + 1)) - ls;
      for (int j = 0; j < r.length; j++) {
        assertEquals(officialInner[i][j], VP.tOfLambda(ls + r[j] * h), 1e-12, "step " + i + " inner point " + j);
      }
    }
    // Uniform grid, NFE 7: orders [3, 3, 1] on the 7-step grid at indices 0, 3, 6, 7.
    Plan p7 = s.plan(7);
    TimeGrid u = s.grid(TimeGrid.Spacing.UNIFORM_T, TimeGrid.DEFAULT_RHO, VP, 1, 1e-3, p7);
    assertArrayEquals(new double[] {1, 0.57185714285714284, 0.14371428571428568, 0.001}, u.times(), 1e-15);
  }

  @Test
  void lowerOrderFinalAutoReproducesDpmSolverAndUniPc() {
    SamplerOptions auto = SamplerOptions.defaults();
    double[] dpm9 = {1.070419296539685, -0.86900593023756079, 1.90240147153719, -0.36698149254636531,
        -1.5687686729068115, 0.85125061162578741, 0.87019753714356574, -0.66975348978568505};
    double[] dpm12 = {1.046220469774966, -0.86740189836979043, 1.8854890098658164, -0.35437328152005049,
        -1.5100838203149218, 0.84215282082354626, 0.84127870363193946, -0.65988451536784765};
    double[] uni12 = {1.0122399016043295, -0.76199332926770258, 1.7439325241692916, -0.3863475106866226,
        -1.5059869407190316, 0.82815215785927587, 0.85055542630419767, -0.61122830845831755};
    double[] uni16 = {1.0041465339581013, -0.79064796467683451, 1.7871017375021456, -0.37361410005327722,
        -1.4473460112113605, 0.80599303096777286, 0.81627958774274589, -0.61895371434524415};
    assertOfficial("dpm-solver++-2m 9 steps", dpm9, run("dpm-solver++-2m", auto, TimeGrid.Spacing.LOGSNR, 9));
    assertOfficial("dpm-solver++-2m 12 steps", dpm12, run("dpm-solver++-2m", auto, TimeGrid.Spacing.LOGSNR, 12));
    assertOfficial("unipc-bh2-3 12 steps", uni12, run("unipc-bh2-3", auto, TimeGrid.Spacing.UNIFORM_T, 12));
    assertOfficial("unipc-bh2-3 16 steps", uni16, run("unipc-bh2-3", auto, TimeGrid.Spacing.UNIFORM_T, 16));
    // The explicit settings that name each official rule give the same samples ...
    SamplerOptions below10 = SamplerOptions.builder().lowerOrderFinal(LowerOrderFinal.parse("below:10")).build();
    SamplerOptions always = SamplerOptions.builder().lowerOrderFinal(LowerOrderFinal.parse("always")).build();
    assertOfficial("below:10", dpm12, run("dpm-solver++-2m", below10, TimeGrid.Spacing.LOGSNR, 12));
    assertOfficial("always", uni16, run("unipc-bh2-3", always, TimeGrid.Spacing.UNIFORM_T, 16));
    // ... and the other rules do not (the comparison can fail).
    SamplerOptions below15 = SamplerOptions.builder().lowerOrderFinal(LowerOrderFinal.DIFFUSERS).build();
    assertTrue(distance(run("dpm-solver++-2m", below15, TimeGrid.Spacing.LOGSNR, 12), dpm12) > 1e-4);
    assertTrue(distance(run("unipc-bh2-3", below15, TimeGrid.Spacing.UNIFORM_T, 16), uni16) > 1e-4);
  }

  @Test
  void lowerOrderFinalRuleOrders() {
    assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 1},
        Plan.multistep(13, 3, LowerOrderFinal.ALWAYS).orders());
    assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3},
        Plan.multistep(13, 3, LowerOrderFinal.DPM_SOLVER).orders());
    assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 2, 1}, Plan.multistep(9, 3, LowerOrderFinal.DPM_SOLVER).orders());
    assertArrayEquals(new int[] {1, 2, 3, 3, 3}, Plan.multistep(5, 3, LowerOrderFinal.NEVER).orders());
    assertEquals("below:7", LowerOrderFinal.parse(" Below:7 ").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LowerOrderFinal.parse("below:0"));
    assertTrue(e.getMessage().contains("below:0") && e.getMessage().contains("auto, never, always"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LowerOrderFinal.parse("sometimes"));
    assertThrows(IllegalStateException.class, () -> LowerOrderFinal.AUTO.lowers(5));
  }
}
