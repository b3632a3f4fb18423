package org.diffusion4j.sampler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.JsonException;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.VpLinearPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.LowerOrderFinal;
import org.diffusion4j.sampler.ModelEvaluator;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.plan.SolverSchedule.Form;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SolverScheduleTest {
  static final GaussianPath VP = new VpLinearPath();
  @TempDir Path dir;

  static GaussianMixture mixture() {
    return new GaussianMixture(new double[] {0.5, 0.3, 0.2},
        new double[][] {{-1.0, 0.5}, {1.2, 1.0}, {0.3, -1.4}},
        new double[][] {{0.09, 0.16}, {0.12, 0.05}, {0.06, 0.1}});
  }

  /**
   * Schedules with the UniPC estimators reproduce UniPC (predictor UniP-p, corrector UniC-p after
   * every step but the last) to rounding, on every grid family, orders 1-3, bh1 and bh2.
   */
  @Test
  void uniPcSchedulesReproduceUniPc() throws Exception {
    Denoiser model = mixture().denoiser(VP, Prediction.EPSILON);
    Batch xT = Noise.standardNormal(5, 40, 2);
    for (TimeGrid.Spacing sp : TimeGrid.Spacing.values()) {
      for (int nfe : new int[] {5, 8}) {
        TimeGrid grid = TimeGrid.create(sp, VP, 1.0, 1e-3, nfe);
        for (Estimator bh : new Estimator[] {Estimator.BH1, Estimator.BH2}) {
          for (int order = 1; order <= 3; order++) {
            String name = "unipc-" + bh.name().toLowerCase(java.util.Locale.ROOT) + "-" + order;
            Sampler classic = Samplers.create(name);
            Batch ref = classic.sample(new ModelEvaluator(model, VP), grid, classic.planForSteps(nfe), xT, 0);
            SolverSchedule s = SolverSchedule.fromJson(
                SolverSchedule.uniPc(grid.times(), bh, order, LowerOrderFinal.ALWAYS).toJson());
            Batch out = new ScheduleSampler(s, null).sample(model, VP, xT);
            assertTrue(out.maxAbsDistance(ref) < 1e-11, name + " " + sp + " NFE " + nfe + ": " + out.maxAbsDistance(ref));
          }
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new SolverSchedule.Step(Form.EMS, 2, Estimator.BH2, false));
  }

  /** A correction scale survives JSON; scale 0 turns any step into the first-order (DDIM) step. */
  @Test
  void correctionScaleRoundTripsAndZeroIsFirstOrder() {
    Denoiser model = mixture().denoiser(VP, Prediction.EPSILON);
    Batch xT = Noise.standardNormal(6, 30, 2);
    double[] ts = TimeGrid.create(TimeGrid.Spacing.LOGSNR, VP, 1.0, 1e-3, 6).times();
    SolverSchedule ddim = SolverSchedule.multistep(ts, Form.DATA, 1, Estimator.TAYLOR, false);
    for (Estimator est : new Estimator[] {Estimator.TAYLOR, Estimator.HALF, Estimator.BH2}) {
      SolverSchedule s = est == Estimator.BH2 ? SolverSchedule.uniPc(ts, est, 3, LowerOrderFinal.NEVER)
          : SolverSchedule.multistep(ts, Form.DATA, 3, est, false);
      java.util.List<SolverSchedule.Step> zero = new java.util.ArrayList<>();
      for (SolverSchedule.Step st : s.steps()) {
        zero.add(new SolverSchedule.Step(st.form(), st.order(), st.estimator(), false, 0));
      }
      SolverSchedule scaled = new SolverSchedule(ts, zero);
      assertEquals(scaled.steps(), SolverSchedule.fromJson(scaled.toJson()).steps());
      double d = new ScheduleSampler(scaled, null).sample(model, VP, xT)
          .maxAbsDistance(new ScheduleSampler(ddim, null).sample(model, VP, xT));
      assertTrue(d < 1e-12, est + ": scale 0 differs from DDIM by " + d);
    }
    assertTrue(SolverSchedule.fromJson(ddim.toJson().replace("\"corrector\": false}", "\"corrector\": false, \"scale\": 0.75}"))
        .steps().get(2).scale() == 0.75);
  }

  /** Plans encoding the framework's classic multistep solvers reproduce them to rounding. */
  @Test
  void schedulesReproduceClassicMultistepSolvers() throws Exception {
    Denoiser model = mixture().denoiser(VP, Prediction.EPSILON);
    Batch xT = Noise.standardNormal(4, 50, 2);
    Object[][] cases = {
        {"dpm-solver++-2m", Form.DATA, 2, Estimator.HALF},
        {"dpm-solver-multistep-2", Form.NOISE, 2, Estimator.HALF},
        {"dpm-solver++-3m", Form.DATA, 3, Estimator.HALF},
        {"dpm-solver-multistep-3", Form.NOISE, 3, Estimator.HALF},
        {"ddim", Form.DATA, 1, Estimator.TAYLOR},
        // DPM-Solver-v3 steps with the degenerate EMS (l = 1, s = b = 0) are DPM-Solver++.
        {"dpm-solver++-2m", Form.EMS, 2, Estimator.HALF},
        {"dpm-solver++-3m", Form.EMS, 3, Estimator.HALF},
    };
    org.diffusion4j.sampler.v3.Ems degenerate = org.diffusion4j.sampler.v3.Ems.degenerate(
        new double[] {VP.lambda(1.0), 0, VP.lambda(1e-3)}, 2);
    for (int nfe : new int[] {5, 10}) {
      TimeGrid grid = TimeGrid.create(TimeGrid.Spacing.LOGSNR, VP, 1.0, 1e-3, nfe);
      for (Object[] c : cases) {
        Sampler classic = Samplers.create((String) c[0]);
        Batch ref = classic.sample(new ModelEvaluator(model, VP), grid, classic.planForSteps(nfe), xT, 0);
        SolverSchedule s = SolverSchedule.multistep(grid.times(), (Form) c[1], (int) c[2], (Estimator) c[3],
            LowerOrderFinal.DPM_SOLVER);
        // Through the JSON file, as `d4j sample --plan` would read it.
        Path file = dir.resolve("plan.json");
        s.write(file);
        SolverSchedule back = SolverSchedule.read(file);
        Batch out = new ScheduleSampler(back, degenerate).sample(model, VP, xT);
        assertTrue(out.maxAbsDistance(ref) < 1e-11, c[0] + " at NFE " + nfe + ": " + out.maxAbsDistance(ref));
      }
    }
  }

  @Test
  void malformedPlansNameTheField() {
    String good = SolverSchedule.multistep(new double[] {1, 0.5, 0.01}, Form.DATA, 2, Estimator.HALF, true).toJson();
    SolverSchedule.fromJson(good);
    String[][] bad = {
        {good.replace("\"format\"", "\"formats\""), "formats"},
        {good.replace("d4j-solver-schedule", "x"), "format"},
        {good.replace("[1, 0.5, 0.01]", "[1, 0.5]"), "steps"},
        {good.replace("[1, 0.5, 0.01]", "[1, 0.01, 0.5]"), "times"},
        {good.replace("\"prediction\": \"data\", \"order\": 1", "\"prediction\": \"velocity\", \"order\": 1"),
            "steps[0].prediction"},
        {good.replace("\"order\": 1", "\"order\": 2"), "steps[0].order"},
        {good.replace("\"order\": 1", "\"order\": 1.5"), "steps[0].order"},
        {good.replace("\"estimator\": \"taylor\"", "\"estimator\": \"magic\""), "steps[0].estimator"},
        {good.replace("\"corrector\": false}", "\"corrector\": 1}"), "steps[0].corrector"},
        {good.replace("\"corrector\": false", "\"corrector\": true"), "steps[0].corrector"},
        {good.replace("\"corrector\"", "\"correct\""), "correct"},
    };
    for (String[] c : bad) {
      JsonException e = assertThrows(JsonException.class, () -> SolverSchedule.fromJson(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), e.getMessage() + " should name " + c[1]);
    }
  }

  @Test
  void emsStepsNeedStatistics() {
    SolverSchedule s = SolverSchedule.multistep(new double[] {1, 0.5, 0.01}, Form.EMS, 2, Estimator.TAYLOR, true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ScheduleSampler(s, null));
    assertTrue(e.getMessage().contains("ems"), e.getMessage());
    assertEquals(2, new ScheduleSampler(SolverSchedule.multistep(new double[] {1, 0.5, 0.01}, Form.DATA, 2,
        Estimator.HALF, true), null).plan(2).nfe());
  }
}
