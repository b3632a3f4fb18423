package org.diffusion4j.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

/** Known identities between samplers, exact NFE accounting, and the NaN guard. */
class SamplerIdentitiesTest {
  private static final GaussianMixture MIX = new GaussianMixture(new double[] {0.3, 0.7},
      new double[][] {{-1.5, 0.5}, {1.0, -0.5}}, new double[][] {{0.2, 0.4}, {0.3, 0.1}});
  private static final GaussianPath VP = Paths.create("vp-linear", Map.of());

  private static Batch run(String name, SamplerOptions o, Prediction kind, int nfe) {
    return Sampling.with(Samplers.create(name, o), MIX.denoiser(VP, kind), VP).times(1, 1e-3).nfe(nfe)
        .run(Noise.standardNormal(3, 16, 2)).x();
  }

  private static Batch run(String name, int nfe) {
    return run(name, SamplerOptions.defaults(), Prediction.EPSILON, nfe);
  }

  @Test
  void ddimEqualsDpmSolver1EqualsDpmSolverPlusPlus1() {
    Batch ddim = run("ddim", 12);
    for (String other : new String[] {"dpm-solver-1", "dpm-solver++-1", "dpm-solver-multistep-1", "deis-1",
        "euler-ancestral"}) {
      SamplerOptions o = SamplerOptions.builder().eta(0).build();
      Batch b = run(other, o, Prediction.EPSILON, 12);
      assertTrue(ddim.maxAbsDistance(b) < 1e-12, other + " differs from ddim by " + ddim.maxAbsDistance(b));
    }
  }

  @Test
  void multistepOrderOneEqualsSinglestepOrderOne() {
    Batch single = run("dpm-solver++-1", 9);
    Batch multi = run("dpm-solver++-2m", SamplerOptions.builder().order(1).build(), Prediction.EPSILON, 9);
    assertTrue(single.maxAbsDistance(multi) < 1e-12, "differ by " + single.maxAbsDistance(multi));
  }

  @Test
  void uniCAfterDpmSolverPlusPlus2mIsUniPcBh2() {
    // UniP-2 with B(h) = e^-h - 1 is the DPM-Solver++(2M) step, so adding UniC-bh2 gives UniPC-bh2-2.
    // Same lower-order-final rule for both (auto differs: UniPC always, DPM-Solver++ below 10 steps).
    Batch unipc = run("unipc-bh2-2", SamplerOptions.builder().lowerOrderFinal(LowerOrderFinal.ALWAYS).build(),
        Prediction.EPSILON, 10);
    Batch corrected = run("dpm-solver++-2m", SamplerOptions.builder().uniC(MultistepSampler.Bh.BH2)
        .lowerOrderFinal(LowerOrderFinal.ALWAYS).build(), Prediction.EPSILON, 10);
    assertTrue(unipc.maxAbsDistance(corrected) < 1e-12, "differ by " + unipc.maxAbsDistance(corrected));
    assertTrue(run("dpm-solver++-2m", 10).maxAbsDistance(corrected) > 1e-6, "the corrector changed nothing");
  }

  @Test
  void referenceThirdOrderWeightingIsOnlySecondOrder() {
    // dpm_solver_pytorch.py's 3M step: D2 = (D1_0 - D1_1)/(r0 + r1) estimates h^2 m''/2, not h^2 m''.
    GaussianCase c = new GaussianCase("vp-linear", 1, 1e-3);
    Batch x = c.start(4, 2);
    Batch exact = GaussianCase.exact(c.path, x, c.tStart, c.tEnd);
    for (boolean reference : new boolean[] {true, false}) {
      Sampler s = Samplers.create("dpm-solver++-3m", SamplerOptions.builder().lowerOrderFinal(false)
          .referenceThirdOrder(reference).build());
      double[] e = new double[2];
      for (int k = 0; k < 2; k++) {
        int n = 160 << k;
        e[k] = s.sample(new ModelEvaluator(GaussianCase.GAUSSIAN.denoiser(c.path, Prediction.EPSILON), c.path),
            ConvergenceOrderTest.grid(c, n, true), s.planForSteps(n), x, 0).maxAbsDistance(exact);
      }
      double slope = Math.log(e[0] / e[1]) / Math.log(2);
      assertTrue(reference ? Math.abs(slope - 2) <= 0.2 : slope >= 2.8, (reference ? "reference" : "weighted")
          + " slope " + slope);
    }
  }

  @Test
  void uniCRaisesTheOrderOfDeis() {
    // UniC-k after a k-th order predictor gives order k + 1 (Zhao et al. 2023, Theorem 3.3).
    GaussianCase c = new GaussianCase("vp-linear", 1, 1e-3);
    Batch x = c.start(4, 2);
    Batch exact = GaussianCase.exact(c.path, x, c.tStart, c.tEnd);
    Sampler s = Samplers.create("deis-2", SamplerOptions.builder().lowerOrderFinal(false)
        .uniC(MultistepSampler.Bh.BH1).build());
    double[] e = new double[2];
    for (int k = 0; k < 2; k++) {
      int n = 80 << k;
      e[k] = s.sample(new ModelEvaluator(GaussianCase.GAUSSIAN.denoiser(c.path, Prediction.EPSILON), c.path),
          ConvergenceOrderTest.grid(c, n, true), s.planForSteps(n), x, 0).maxAbsDistance(exact);
    }
    double slope = Math.log(e[0] / e[1]) / Math.log(2);
    assertTrue(Math.abs(slope - 3) <= 0.2, "slope " + slope);
  }

  @Test
  void sdeMultistepWithZeroEtaIsTheOdeSolver() {
    SamplerOptions o = SamplerOptions.builder().eta(0).build();
    assertTrue(run("dpm-solver++-2m", 10).maxAbsDistance(run("dpm-solver++-2m-sde", o, Prediction.EPSILON, 10)) < 1e-12);
    assertTrue(run("dpm-solver++-3m", 10).maxAbsDistance(run("dpm-solver++-3m-sde", o, Prediction.EPSILON, 10)) < 1e-12);
  }

  @Test
  void predictionKindDoesNotChangeTheResult() {
    Batch eps = run("unipc-bh2-3", SamplerOptions.defaults(), Prediction.EPSILON, 10);
    for (Prediction k : Prediction.values()) {
      Batch b = run("unipc-bh2-3", SamplerOptions.defaults(), k, 10);
      assertTrue(eps.maxAbsDistance(b) < 1e-9, k + " differs by " + eps.maxAbsDistance(b));
    }
  }

  @Test
  void nfeIsExactForEveryBudget() {
    for (String name : Samplers.names()) {
      Sampler s = RegisteredSamplers.create(name, 2);
      if (s.adaptive()) {
        assertThrows(IllegalArgumentException.class, () -> s.plan(10), name);
        continue;
      }
      for (int nfe = 1; nfe <= 13; nfe++) {
        boolean possible = true;
        try {
          assertEquals(nfe, s.plan(nfe).nfe(), name);
        } catch (IllegalArgumentException impossible) {
          assertTrue(name.equals("pc") && nfe % 2 == 1, name + " refused nfe " + nfe + ": " + impossible.getMessage());
          possible = false;
        }
        for (boolean denoise : new boolean[] {false, true}) {
          if (!denoise && !possible) {
            continue;
          }
          if (denoise && (nfe < 2 || (name.equals("pc") && nfe % 2 == 0))) {
            continue; // nfe - 1 evaluations left for the sampler: impossible here
          }
          Sampling.Result r = Sampling.with(s, MIX.denoiser(VP, Prediction.EPSILON), VP).times(1, 1e-3).nfe(nfe)
              .denoiseFinal(denoise).seed(1).run(Noise.standardNormal(3, 4, 2));
          assertEquals(nfe, r.nfe(), name + " with --nfe " + nfe + (denoise ? " and denoise-final" : ""));
        }
      }
    }
  }

  @Test
  void dpmSolverFastOrderMixMatchesTheOfficialRecipe() {
    assertArrayEquals(new int[] {3, 3, 3, 1}, Plan.singlestep(10, 3).orders());
    assertArrayEquals(new int[] {3, 3, 3, 2}, Plan.singlestep(11, 3).orders());
    assertArrayEquals(new int[] {3, 3, 2, 1}, Plan.singlestep(9, 3).orders());
    assertArrayEquals(new int[] {2, 2, 1}, Plan.singlestep(5, 2).orders());
    assertArrayEquals(new int[] {1, 2, 2, 1}, Plan.multistep(4, 2, true).orders());
    assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, Plan.multistep(15, 3, true).orders());
  }

  @Test
  void impossibleBudgetsFailWithAReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sampling.with(Samplers.create("euler"), MIX.denoiser(VP, Prediction.EPSILON), VP).nfe(0)
            .run(Noise.standardNormal(1, 2, 2)));
    assertTrue(e.getMessage().contains("--nfe 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Samplers.create("pc").plan(5));
    assertTrue(e.getMessage().contains("multiple of 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Samplers.create("no-such-solver"));
    assertTrue(e.getMessage().contains("no-such-solver"), e.getMessage());
  }

  @Test
  void nonFiniteModelOutputNamesStepAndTime() {
    Denoiser good = MIX.denoiser(VP, Prediction.EPSILON);
    Denoiser bad = new Denoiser() {
      @Override public int dim() { return 2; }
      @Override public Prediction prediction() { return Prediction.EPSILON; }
      @Override public void predict(Batch x, double t, Batch out) {
        good.predict(x, t, out);
        if (t < 0.5) {
          out.set(1, 0, Double.NaN);
        }
      }
    };
    for (String name : new String[] {"dpm-solver++-2m", "heun", "dpm-solver-3", "pc", "dpm-solver-adaptive"}) {
      Sampling.Builder b = Sampling.with(Samplers.create(name), bad, VP).times(1, 1e-3);
      if (!Samplers.create(name).adaptive()) {
        b.nfe(12);
      }
      NonFiniteModelOutputException e = assertThrows(NonFiniteModelOutputException.class,
          () -> b.run(Noise.standardNormal(3, 4, 2)));
      assertTrue(e.time() < 0.5 && e.getMessage().contains("NaN at step " + e.step())
          && e.getMessage().contains("t="), name + ": " + e.getMessage());
    }
  }

  @Test
  void thresholdingBoundsTheDataPredictionsOfASamplingRun() {
    // max = 1: every data prediction is clipped to [-1, 1], so the denoised output is too,
    // although the mixture has modes at +-1.5.
    Batch out = Sampling.with(Samplers.create("dpm-solver++-2m"), MIX.denoiser(VP, Prediction.EPSILON), VP)
        .times(1, 1e-3).nfe(10).denoiseFinal(true).thresholding(new ModelEvaluator.Thresholding(0.9, 1))
        .run(Noise.standardNormal(3, 64, 2)).x();
    Batch free = Sampling.with(Samplers.create("dpm-solver++-2m"), MIX.denoiser(VP, Prediction.EPSILON), VP)
        .times(1, 1e-3).nfe(10).denoiseFinal(true).run(Noise.standardNormal(3, 64, 2)).x();
    double maxAbs = 0;
    double freeMax = 0;
    for (int i = 0; i < out.size(); i++) {
      maxAbs = Math.max(maxAbs, Math.abs(out.data()[i]));
      freeMax = Math.max(freeMax, Math.abs(free.data()[i]));
    }
    assertTrue(maxAbs <= 1 + 1e-12, "max |x0| = " + maxAbs);
    assertTrue(freeMax > 1.2, "without thresholding the samples reach the modes: " + freeMax);
  }

  @Test
  void undefinedConversionAtTheEndOfAPathIsReported() {
    // cond-OT at t = 1 has alpha = 0: an eps model says nothing about x0 there, so the velocity
    // Euler needs is undefined; a velocity model is fine.
    GaussianPath ot = Paths.create("cond-ot", Map.of());
    Sampling.Builder eps = Sampling.with(Samplers.create("euler"), MIX.denoiser(ot, Prediction.EPSILON), ot)
        .grid(TimeGrid.Spacing.UNIFORM_T).times(1, 0.01).nfe(10);
    NonFiniteModelOutputException e = assertThrows(NonFiniteModelOutputException.class,
        () -> eps.run(Noise.standardNormal(1, 4, 2)));
    assertTrue(e.getMessage().contains("converting") && e.step() == 0 && e.time() == 1, e.getMessage());
    Batch ok = Sampling.with(Samplers.create("euler"), MIX.denoiser(ot, Prediction.VELOCITY), ot)
        .grid(TimeGrid.Spacing.UNIFORM_T).times(1, 0.01).nfe(10).run(Noise.standardNormal(1, 4, 2)).x();
    assertTrue(ok.firstNonFinite() < 0);
  }

  @Test
  void thresholdingClipsDataPredictions() {
    Batch x0 = new Batch(1, 4, new double[] {3, -0.5, 0.2, -4});
    ModelEvaluator.threshold(x0, new ModelEvaluator.Thresholding(0.5, 2));
    // |x| sorted = 0.2, 0.5, 3, 4; quantile 0.5 = 1.75 -> s = 1.75: clip to +-1.75 then divide.
    assertArrayEquals(new double[] {1, -0.5 / 1.75, 0.2 / 1.75, -1}, x0.data(), 1e-15);
  }

  @Test
  void dpmSolverV3IsRegisteredAndNeedsItsStatistics() {
    assertTrue(Samplers.names().contains("dpm-solver-v3"));
    assertTrue(Samplers.needsEms("dpm-solver-v3") && !Samplers.needsEms("dpm-solver++-2m"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Samplers.create("dpm-solver-v3"));
    assertTrue(e.getMessage().contains("ems") && e.getMessage().contains("d4j ems"), e.getMessage());
    org.diffusion4j.sampler.v3.Ems ems = org.diffusion4j.sampler.v3.Ems.degenerate(new double[] {-20, 20}, 2);
    Sampler s = Samplers.create("dpm-solver-v3", SamplerOptions.builder().ems(ems).order(3).pseudoOrder(true)
        .v3Corrector(org.diffusion4j.sampler.v3.DpmSolverV3.Corrector.HALF).build());
    assertEquals(new org.diffusion4j.sampler.v3.DpmSolverV3(ems, 3, true,
        org.diffusion4j.sampler.v3.DpmSolverV3.Corrector.HALF, true), s);
    assertEquals(2, s.order(), "pseudo-order 3 is second order");
    // Through Sampling with an exact budget, like every registered sampler.
    Sampling.Result r = Sampling.with(Samplers.create("dpm-solver-v3", SamplerOptions.builder().ems(ems).build()),
        MIX.denoiser(VP, Prediction.EPSILON), VP).times(1, 1e-3).nfe(8).run(Noise.standardNormal(3, 4, 2));
    assertEquals(8, r.nfe());
  }
}
