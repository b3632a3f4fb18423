package org.diffusion4j.sampler.plan;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.*;
import org.diffusion4j.path.*;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.*;
import org.diffusion4j.sampler.v3.*;
import org.junit.jupiter.api.Test;
class ExploreBench {
  @Test void run() {
    GaussianPath vp = new VpLinearPath();
    for (GaussianMixture mix : new GaussianMixture[]{BenchmarkMixtures.ring2d(), BenchmarkMixtures.mixture64d()}) {
      Denoiser model = mix.denoiser(vp, Prediction.EPSILON);
      int d = mix.dim();
      Batch xT = Noise.standardNormal(1, 256, d);
      long t0 = System.nanoTime();
      Batch ref = ProbabilityFlowReference.solve(model, vp, xT, 1.0, 1e-3, 1e-9).x();
      System.out.printf("d=%d ref %.1fs%n", d, (System.nanoTime()-t0)/1e9);
      t0 = System.nanoTime();
      Ems ems = new EmsEstimator(256, 121, 4, 2, 1001, 1.0, 1e-3).compute(model, vp, null);
      System.out.printf("ems %.1fs%n", (System.nanoTime()-t0)/1e9);
      for (int nfe : new int[]{5, 10}) {
        TimeGrid grid = TimeGrid.create(TimeGrid.Spacing.LOGSNR, vp, 1.0, 1e-3, nfe);
        double classic = Double.POSITIVE_INFINITY;
        for (String name : new String[]{"dpm-solver-multistep-3", "dpm-solver++-2m"}) {
          Sampler s = Samplers.create(name);
          double e = s.sample(new ModelEvaluator(model, vp), grid, s.planForSteps(nfe), xT, 0).rmsDistance(ref);
          System.out.printf("  nfe %d %s %.4e%n", nfe, name, e);
          classic = Math.min(classic, e);
        }
        for (int order = 2; order <= 3; order++) for (boolean ps : new boolean[]{false, true}) for (DpmSolverV3.Corrector c : DpmSolverV3.Corrector.values()) {
          DpmSolverV3 v3 = new DpmSolverV3(ems, order, ps, c, true);
          double e;
          try { e = v3.sample(new ModelEvaluator(model, vp), grid, v3.planForSteps(nfe), xT, 0).rmsDistance(ref); } catch (RuntimeException ex) { e = Double.NaN; }
          System.out.printf("  nfe %d v3 o%d ps %b %s %.4e ratio %.3f%n", nfe, order, ps, c, e, e/classic);
        }
        t0 = System.nanoTime();
        ScheduleSearch.Result r = new ScheduleSearch(256, 1001, 2, 1e-8).search(model, vp, nfe, 1.0, 1e-3, ems, null);
        double e = new ScheduleSampler(r.schedule(), ems).sample(model, vp, xT).rmsDistance(ref);
        System.out.printf("  nfe %d search %.1fs runs %d start %.4e pilot %.4e eval %.4e ratio %.3f%n", nfe, (System.nanoTime()-t0)/1e9, r.runs(), r.startRmse(), r.pilotRmse(), e, e/classic);
        System.out.println(r.schedule().toJson());
      }
    }
  }
}
