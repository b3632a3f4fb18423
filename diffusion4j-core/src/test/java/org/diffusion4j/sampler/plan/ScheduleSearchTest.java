package org.diffusion4j.sampler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.VpLinearPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.ProbabilityFlowReference;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.plan.SolverSchedule.Form;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;
import org.junit.jupiter.api.Test;

class ScheduleSearchTest {
  static final GaussianPath VP = new VpLinearPath();

  /**
   * On the 2-D ring at NFE 5 the searched plan beats the best classic start on the pilots (it
   * can never be worse: moves are only accepted when they lower the objective) and, evaluated on
   * noise from another seed, beats DPM-Solver++ 2M on the logSNR grid.
   */
  @Test
  void searchImprovesOnPilotsAndGeneralises() {
    Denoiser model = BenchmarkMixtures.ring2d().denoiser(VP, Prediction.EPSILON);
    ScheduleSearch search = new ScheduleSearch(128, 1001, 2, 1e-8);
    ScheduleSearch.Result r = search.search(model, VP, 5, 1.0, 1e-3, null, null);
    assertTrue(r.pilotRmse() <= r.startRmse(), r.pilotRmse() + " vs start " + r.startRmse());
    assertTrue(r.pilotRmse() < 0.85 * r.startRmse(), "search should improve: " + r.pilotRmse() + " vs " + r.startRmse());
    assertEquals(5, r.schedule().nfe());
    Batch xT = Noise.standardNormal(1, 256, 2);
    Batch ref = ProbabilityFlowReference.solve(model, VP, xT, 1.0, 1e-3, 1e-9).x();
    double plan = new ScheduleSampler(r.schedule(), null).sample(model, VP, xT).rmsDistance(ref);
    double[] ts = TimeGrid.create(TimeGrid.Spacing.LOGSNR, VP, 1.0, 1e-3, 5).times();
    double classic = new ScheduleSampler(SolverSchedule.multistep(ts, Form.DATA, 2, Estimator.HALF, true), null)
        .sample(model, VP, xT).rmsDistance(ref);
    assertTrue(plan < classic, "plan " + plan + " vs DPM-Solver++ 2M " + classic);
  }

  /**
   * On a mixture the search was never developed on, with pilot noise different from the
   * evaluation noise, the searched plan beats the best official configuration (every official
   * solver on every official grid, {@link OfficialBaseline}).
   */
  @Test
  void searchedPlanBeatsTheBestOfficialConfigurationOnAHeldOutMixture() {
    Denoiser model = org.diffusion4j.model.GaussianMixture.random(5, 3, 2411).denoiser(VP, Prediction.EPSILON);
    ScheduleSearch.Result r = new ScheduleSearch(256, 1001, 1, 1e-8).search(model, VP, 5, 1.0, 1e-3, null, null);
    Batch xT = Noise.standardNormal(1, 256, 3);
    Batch ref = ProbabilityFlowReference.solve(model, VP, xT, 1.0, 1e-3, 1e-9).x();
    double plan = new ScheduleSampler(r.schedule(), null).sample(model, VP, xT).rmsDistance(ref);
    OfficialBaseline.Best best = OfficialBaseline.best(model, VP, 1.0, 1e-3, 5, xT, ref);
    assertTrue(plan < 0.8 * best.rmse(), "plan " + plan + " vs best official " + best + " " + best.rmse());
  }

  @Test
  void timesOnlySearchKeepsTheSolverAndEndpoints() {
    Denoiser model = BenchmarkMixtures.ring2d().denoiser(VP, Prediction.EPSILON);
    double[] ts = TimeGrid.create(TimeGrid.Spacing.LOGSNR, VP, 1.0, 1e-3, 6).times();
    SolverSchedule start = SolverSchedule.multistep(ts, Form.DATA, 2, Estimator.HALF, true);
    ScheduleSearch.Result r = new ScheduleSearch(64, 1001, 1, 1e-8).optimizeTimes(start, model, VP, null, null);
    assertEquals(start.steps(), r.schedule().steps());
    assertEquals(1.0, r.schedule().times()[0]);
    assertEquals(1e-3, r.schedule().times()[6]);
    assertTrue(r.pilotRmse() < r.startRmse(), r.pilotRmse() + " vs " + r.startRmse());
  }

  @Test
  void goldenSectionFindsTheMinimumOfAParabola() {
    double[] r = ScheduleSearch.golden(u -> (u - 0.3) * (u - 0.3), 0.9, 0.36, 0, 1, 30);
    assertEquals(0.3, r[0], 1e-5);
    assertEquals(0, r[1], 1e-9);
  }
}
