package org.diffusion4j.sampler.plan;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.ProbabilityFlowReference;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.plan.SolverSchedule.Form;
import org.diffusion4j.sampler.plan.SolverSchedule.Step;
import org.diffusion4j.sampler.v3.Ems;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;

/**
 * Searches a {@link SolverSchedule} for a fixed NFE (USF, Liu et al. 2023, Sec. 4) against a
 * high-accuracy reference on pilot noises only.
 *
 * <p>USF trains a performance predictor and searches in stages. We use a cheaper search that is
 * exact where the space is small and local where it is continuous, which suits the 5-10 step
 * regime where one schedule evaluation costs NFE x pilots model rows:
 * <ol>
 *   <li>start: the best classic schedule among spacings (logSNR, time-quadratic, uniform, Karras)
 *       x solvers (DPM-Solver++ 2M/3M, DPM-Solver multistep 3, and v3 with the EMS if given);</li>
 *   <li>per-step options by coordinate descent: for each step in turn, every combination of
 *       prediction form x order x estimator x corrector is tried with the other steps fixed
 *       (exhaustive per coordinate, at most 42 runs per step);</li>
 *   <li>time points by coordinate descent in lambda: each interior lambda_i is placed between its
 *       neighbours by golden-section search on the pilot error;</li>
 * </ol>
 * and 2-3 are repeated for {@code rounds}. Every accepted move lowers the pilot objective, so the
 * search never ends worse than its start on the pilots. The objective is the larger of the RMSEs
 * on the two halves of the pilots (a move must help both) of the final state against
 * the Dormand-Prince reference ({@link ProbabilityFlowReference}) from the same pilot noise; the
 * pilot noise comes from {@code pilotSeed}, which must differ from the evaluation seed.
 *
 * @param pilots number of pilot noises
 * @param pilotSeed seed of the pilot noise
 * @param rounds alternations of option and time search
 * @param referenceTol tolerance of the reference solve
 */
public record ScheduleSearch(int pilots, long pilotSeed, int rounds, double referenceTol) {
  public ScheduleSearch {
    if (pilots < 1 || rounds < 0 || !(referenceTol > 0)) {
      throw new IllegalArgumentException("search needs pilots >= 1, rounds >= 0, reference tolerance > 0; got "
          + pilots + ", " + rounds + ", " + referenceTol);
    }
  }

  /**
   * The outcome: best schedule, its pilot RMSE (per coordinate, {@link Batch#rmsDistance}), and
   * the starting (best classic) one.
   */
  public record Result(SolverSchedule schedule, double pilotRmse, SolverSchedule start, double startRmse,
      int runs) {}

  /** The pilot problem: noises and their reference solutions. */
  private final class Pilot {
    final Denoiser model;
    final GaussianPath path;
    final Ems ems;
    final Batch xT;
    final Batch ref;
    int runs;

    Pilot(Denoiser model, GaussianPath path, Ems ems, double tStart, double tEnd) {
      this.model = model;
      this.path = path;
      this.ems = ems;
      xT = Noise.standardNormal(pilotSeed, pilots, model.dim());
      xT.scale(path.priorStd(tStart));
      ref = ProbabilityFlowReference.solve(model, path, xT, tStart, tEnd, referenceTol).x();
    }

    /**
     * The larger of the RMSEs on the two halves of the pilots: a move must help both halves to
     * count, which guards against fitting the schedule to a few pilot paths.
     */
    double rmse(SolverSchedule s) {
      runs++;
      try {
        Batch out = new ScheduleSampler(s, ems).sample(model, path, xT);
        int half = out.n() / 2;
        if (half == 0) {
          double e = out.rmsDistance(ref);
          return Double.isFinite(e) ? e : Double.POSITIVE_INFINITY;
        }
        int d = out.d();
        double a = 0;
        double b = 0;
        for (int i = 0; i < out.size(); i++) {
          double diff = out.data()[i] - ref.data()[i];
          if (i < half * d) {
            a += diff * diff;
          } else {
            b += diff * diff;
          }
        }
        double e = Math.sqrt(Math.max(a / (half * d), b / (out.size() - half * d)));
        return Double.isFinite(e) ? e : Double.POSITIVE_INFINITY;
      } catch (RuntimeException unstable) {
        // A candidate that blows up (non-finite state) is simply not better.
        return Double.POSITIVE_INFINITY;
      }
    }
  }

  /** Full search: options and times, for {@code nfe} steps from tStart to tEnd. */
  public Result search(Denoiser model, GaussianPath path, int nfe, double tStart, double tEnd, Ems ems,
      ProgressListener progress) {
    if (nfe < 1) {
      throw new IllegalArgumentException("NFE must be >= 1, got " + nfe);
    }
    Pilot pilot = new Pilot(model, path, ems, tStart, tEnd);
    SolverSchedule best = null;
    double bestErr = Double.POSITIVE_INFINITY;
    for (SolverSchedule c : classicStarts(path, nfe, tStart, tEnd, ems)) {
      double e = pilot.rmse(c);
      if (e < bestErr) {
        bestErr = e;
        best = c;
      }
    }
    if (best == null) {
      throw new IllegalStateException("every classic start schedule diverged on the pilot noise");
    }
    SolverSchedule start = best;
    double startErr = bestErr;
    for (int r = 0; r < rounds; r++) {
      report(progress, 2 * r, 2 * rounds, "round " + (r + 1) + ": step options, rmse " + bestErr);
      for (int i = 0; i < nfe; i++) {
        for (Step s : options(i, ems != null)) {
          if (s.equals(best.steps().get(i))) {
            continue;
          }
          SolverSchedule cand = best.withStep(i, s);
          double e = pilot.rmse(cand);
          if (e < bestErr) {
            bestErr = e;
            best = cand;
          }
        }
      }
      report(progress, 2 * r + 1, 2 * rounds, "round " + (r + 1) + ": time points, rmse " + bestErr);
      Object[] t = timeSweep(pilot, best, bestErr);
      best = (SolverSchedule) t[0];
      bestErr = (double) t[1];
    }
    report(progress, 2 * rounds, 2 * rounds, "done, rmse " + bestErr);
    return new Result(best, bestErr, start, startErr, pilot.runs);
  }

  /** Only the time points of a fixed solver (a user who wants better steps for their solver). */
  public Result optimizeTimes(SolverSchedule start, Denoiser model, GaussianPath path, Ems ems,
      ProgressListener progress) {
    double[] ts = start.times();
    Pilot pilot = new Pilot(model, path, ems, ts[0], ts[ts.length - 1]);
    SolverSchedule best = start;
    double bestErr = pilot.rmse(start);
    double startErr = bestErr;
    for (int r = 0; r < Math.max(1, rounds); r++) {
      report(progress, r, Math.max(1, rounds), "time points, rmse " + bestErr);
      Object[] t = timeSweep(pilot, best, bestErr);
      best = (SolverSchedule) t[0];
      bestErr = (double) t[1];
    }
    return new Result(best, bestErr, start, startErr, pilot.runs);
  }

  private static void report(ProgressListener p, int done, int total, String status) {
    if (p != null) {
      p.onProgress(done, total, status);
    }
  }

  /** One sweep of golden-section searches over the interior lambdas; returns {schedule, rmse}. */
  private Object[] timeSweep(Pilot pilot, SolverSchedule best, double bestErr) {
    GaussianPath path = pilot.path;
    double[] ts = best.times();
    int n = ts.length - 1;
    double[] lam = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      lam[i] = path.lambda(ts[i]);
    }
    for (int i = 1; i < n; i++) {
      double lo = lam[i - 1];
      double hi = lam[i + 1];
      final SolverSchedule base = best;
      final int idx = i;
      java.util.function.DoubleUnaryOperator f = u -> {
        double[] cand = base.times();
        cand[idx] = path.tOfLambda(lo + u * (hi - lo));
        if (!(cand[idx] < cand[idx - 1] && cand[idx] > cand[idx + 1])) {
          return Double.POSITIVE_INFINITY;
        }
        return pilot.rmse(base.withTimes(cand));
      };
      double u0 = (lam[i] - lo) / (hi - lo);
      double[] res = golden(f, u0, bestErr, 0.02, 0.98, 10);
      if (res[1] < bestErr) {
        bestErr = res[1];
        double[] cand = best.times();
        cand[i] = path.tOfLambda(lo + res[0] * (hi - lo));
        best = best.withTimes(cand);
        lam[i] = path.lambda(cand[i]);
      }
    }
    return new Object[] {best, bestErr};
  }

  /** Golden-section search of f on [a, b] with {@code iters} evaluations; returns the best of it and (x0, f0). */
  static double[] golden(java.util.function.DoubleUnaryOperator f, double x0, double f0, double a, double b, int iters) {
    double bestX = x0;
    double bestF = f0;
    double g = (Math.sqrt(5) - 1) / 2;
    double c = b - g * (b - a);
    double d = a + g * (b - a);
    double fc = f.applyAsDouble(c);
    double fd = f.applyAsDouble(d);
    for (int k = 0; k < iters; k++) {
      if (fc < bestF) {
        bestF = fc;
        bestX = c;
      }
      if (fd < bestF) {
        bestF = fd;
        bestX = d;
      }
      if (fc < fd) {
        b = d;
        d = c;
        fd = fc;
        c = b - g * (b - a);
        fc = f.applyAsDouble(c);
      } else {
        a = c;
        c = d;
        fc = fd;
        d = a + g * (b - a);
        fd = f.applyAsDouble(d);
      }
    }
    if (fc < bestF) {
      bestF = fc;
      bestX = c;
    }
    if (fd < bestF) {
      bestF = fd;
      bestX = d;
    }
    return new double[] {bestX, bestF};
  }

  /** Every option for step i: forms x orders (&lt;= i+1) x estimators (order &gt;= 2) x corrector (i &gt; 0). */
  static List<Step> options(int i, boolean withEms) {
    List<Step> out = new ArrayList<>();
    Form[] forms = withEms ? Form.values() : new Form[] {Form.NOISE, Form.DATA};
    for (Form f : forms) {
      for (int o = 1; o <= Math.min(3, i + 1); o++) {
        Estimator[] ests = o == 1 ? new Estimator[] {Estimator.TAYLOR} : Estimator.values();
        for (Estimator est : ests) {
          out.add(new Step(f, o, est, false));
          if (i > 0) {
            out.add(new Step(f, o, est, true));
          }
        }
      }
    }
    return out;
  }

  /** Classic starting points: spacings x classic multistep solvers (lower-order final). */
  static List<SolverSchedule> classicStarts(GaussianPath path, int nfe, double tStart, double tEnd, Ems ems) {
    List<SolverSchedule> out = new ArrayList<>();
    for (TimeGrid.Spacing sp : TimeGrid.Spacing.values()) {
      double[] ts = TimeGrid.create(sp, path, tStart, tEnd, nfe).times();
      out.add(SolverSchedule.multistep(ts, Form.DATA, 2, Estimator.HALF, true));
      out.add(SolverSchedule.multistep(ts, Form.DATA, 3, Estimator.HALF, true));
      out.add(SolverSchedule.multistep(ts, Form.NOISE, 3, Estimator.HALF, true));
      if (ems != null) {
        out.add(SolverSchedule.multistep(ts, Form.EMS, 2, Estimator.TAYLOR, true));
        out.add(SolverSchedule.multistep(ts, Form.EMS, 3, Estimator.PSEUDO, true));
      }
    }
    return out;
  }
}
