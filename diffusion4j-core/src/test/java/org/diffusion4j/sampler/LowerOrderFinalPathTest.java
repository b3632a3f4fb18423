package org.diffusion4j.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

/**
 * {@link LowerOrderFinal#AUTO} is resolved for the path sampled: the DPM-Solver family lowers its
 * final orders below 10 steps on diffusion paths (dpm_solver_pytorch.py, checked against the
 * official samples in {@link OfficialParityTest}) and below 15 on flow paths (diffusers), UniPC
 * always and DEIS below 15 on both.
 */
class LowerOrderFinalPathTest {
  private static final GaussianMixture MIX = new GaussianMixture(new double[] {0.3, 0.7},
      new double[][] {{-1.5, 0.5}, {1.0, -0.5}}, new double[][] {{0.2, 0.4}, {0.3, 0.1}});
  private static final GaussianPath VP = Paths.create("vp-linear", Map.of());
  private static final GaussianPath COND_OT = Paths.create("cond-ot", Map.of());
  private static final GaussianPath EDM = Paths.create("edm", Map.of());
  private static final GaussianPath TRIG = Paths.create("trig", Map.of());

  private static Sampling.Builder with(String solver, SamplerOptions o, GaussianPath path, int nfe) {
    Prediction kind = LowerOrderFinal.isDiffusionPath(path) ? Prediction.EPSILON : Prediction.VELOCITY;
    return Sampling.with(Samplers.create(solver, o), MIX.denoiser(path, kind), path).nfe(nfe);
  }

  private static int lastOrder(String solver, GaussianPath path, int nfe) {
    Plan[] plan = new Plan[1];
    with(solver, SamplerOptions.defaults(), path, nfe).grid(plan);
    return plan[0].order(plan[0].steps() - 1);
  }

  @Test
  void autoLowersOnFlowPathsBelow15AndOnDiffusionPathsBelow10() {
    for (String solver : new String[] {"dpm-solver++-2m", "dpm-solver++-3m", "dpm-solver-multistep-2",
        "dpm-solver++-2m-sde"}) {
      for (int nfe = 10; nfe <= 14; nfe++) {
        assertEquals(1, lastOrder(solver, COND_OT, nfe), solver + " on cond-ot at NFE " + nfe);
        assertEquals(1, lastOrder(solver, TRIG, nfe), solver + " on trig at NFE " + nfe);
        assertTrue(lastOrder(solver, VP, nfe) > 1, solver + " on vp-linear at NFE " + nfe);
        assertTrue(lastOrder(solver, EDM, nfe) > 1, solver + " on edm at NFE " + nfe);
      }
      assertTrue(lastOrder(solver, COND_OT, 15) > 1, solver + " on cond-ot at NFE 15");
      assertEquals(1, lastOrder(solver, VP, 9), solver + " on vp-linear at NFE 9");
    }
    // UniPC lowers at every step count on both kinds of path; DEIS below 15 on both.
    assertEquals(1, lastOrder("unipc-bh2-2", COND_OT, 20));
    assertEquals(1, lastOrder("unipc-bh2-2", VP, 20));
    assertEquals(1, lastOrder("deis-2", VP, 12));
    assertTrue(lastOrder("deis-2", COND_OT, 15) > 1);
  }

  @Test
  void autoOnAFlowPathSamplesAsBelow15AndAnExplicitRuleIsKept() {
    Batch noise = Noise.standardNormal(3, 64, 2);
    SamplerOptions auto = SamplerOptions.defaults();
    SamplerOptions below15 = SamplerOptions.builder().lowerOrderFinal(LowerOrderFinal.DIFFUSERS).build();
    SamplerOptions below10 = SamplerOptions.builder().lowerOrderFinal(LowerOrderFinal.DPM_SOLVER).build();
    Batch a = with("dpm-solver++-2m", auto, COND_OT, 12).grid(TimeGrid.Spacing.UNIFORM_T).run(noise).x();
    Batch b15 = with("dpm-solver++-2m", below15, COND_OT, 12).grid(TimeGrid.Spacing.UNIFORM_T).run(noise).x();
    Batch b10 = with("dpm-solver++-2m", below10, COND_OT, 12).grid(TimeGrid.Spacing.UNIFORM_T).run(noise).x();
    assertArrayEquals(b15.data(), a.data());
    assertFalse(java.util.Arrays.equals(b10.data(), a.data()), "below:10 must differ on cond-ot at 12 steps");
    // The path-free plan is the diffusion-path plan (as OfficialParityTest's samples need).
    MultistepSampler s = (MultistepSampler) Samplers.create("dpm-solver++-2m");
    assertEquals(LowerOrderFinal.AUTO, s.lowerOrderFinal());
    assertEquals(LowerOrderFinal.DPM_SOLVER, s.lowerOrderFinal(VP));
    assertEquals(LowerOrderFinal.DIFFUSERS, s.lowerOrderFinal(COND_OT));
    assertArrayEquals(s.plan(12, VP).orders(), s.plan(12).orders());
    assertEquals(LowerOrderFinal.NEVER,
        ((MultistepSampler) Samplers.create("dpm-solver++-2m", SamplerOptions.builder()
            .lowerOrderFinal(LowerOrderFinal.NEVER).build())).lowerOrderFinal(COND_OT));
  }
}
