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
 *   <li>starts: for every grid family (logSNR, time-uniform, time-quadratic, Karras) its best
 *       classic schedule among DPM-Solver++ 2M/3M, DPM-Solver multistep 3, UniPC bh1/bh2 of orders
 *       2-3, and v3 with the EMS if given ({@link #classicStarts}); steps 2-3 run from each start
 *       and the best result on the pilots is kept;</li>
 *   <li>per-step options by coordinate descent: for each step in turn, every combination of
 *       prediction form x order x estimator (Taylor forms and UniPC bh1/bh2) x corrector is tried
 *       with the other steps fixed (exhaustive per coordinate, at most 54 runs per step without EMS);</li>
 *   <li>time points by coordinate descent in lambda: each interior lambda_i is placed between its
 *       neighbours by golden-section search on the pilot error; then all interior times and the
 *       correction scales of the order &gt;= 2 steps ({@link Step#scale}) together by Nelder-Mead;</li>
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

  /**
   * The objective a search minimises: a candidate's pilot error ({@link #pilotObjective} on one
   * machine; a distributed evaluator, e.g. {@code diffusion4j-spark}'s {@code PilotEvaluation}, may
   * plug in). It must be deterministic, and +infinity for a candidate that diverges.
   */
  @FunctionalInterface
  public interface Objective {
    double rmse(SolverSchedule candidate);
  }

  /** The pilot problem: the objective and a count of its runs. */
  private static final class Pilot {
    final GaussianPath path;
    final Objective objective;
    int runs;

    Pilot(GaussianPath path, Objective objective) {
      this.path = path;
      this.objective = objective;
    }

    double rmse(SolverSchedule s) {
      runs++;
      return objective.rmse(s);
    }
  }

  /**
   * The single-machine objective: {@link #pilots} noises from {@link #pilotSeed} (scaled by the
   * prior's standard deviation at tStart) and their reference solutions to tEnd; a candidate
   * scores the larger of the RMSEs on the two halves of the pilots (a move must help both halves
   * to count, which guards against fitting the schedule to a few pilot paths), the RMSE over all
   * when there is one pilot, +infinity when it diverges.
   */
  public Objective pilotObjective(Denoiser model, GaussianPath path, Ems ems, double tStart, double tEnd) {
    Batch xT = Noise.standardNormal(pilotSeed, pilots, model.dim());
    xT.scale(path.priorStd(tStart));
    Batch ref = ProbabilityFlowReference.solve(model, path, xT, tStart, tEnd, referenceTol).x();
    return s -> {
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
    };
  }

  /** Full search: options and times, for {@code nfe} steps from tStart to tEnd. */
  public Result search(Denoiser model, GaussianPath path, int nfe, double tStart, double tEnd, Ems ems,
      ProgressListener progress) {
    if (nfe < 1) {
      throw new IllegalArgumentException("NFE must be >= 1, got " + nfe);
    }
    return search(path, nfe, tStart, tEnd, ems, progress, pilotObjective(model, path, ems, tStart, tEnd));
  }

  /**
   * Full search against a given objective (e.g. one evaluated on a cluster): the same moves as
   * {@link #search(Denoiser, GaussianPath, int, double, double, Ems, ProgressListener)}, whose
   * objective is {@link #pilotObjective}.
   */
  public Result search(GaussianPath path, int nfe, double tStart, double tEnd, Ems ems, ProgressListener progress,
      Objective objective) {
    if (nfe < 1) {
      throw new IllegalArgumentException("NFE must be >= 1, got " + nfe);
    }
    Pilot pilot = new Pilot(path, objective);
    // The best classic start of every grid family; the descent runs from each (a family that
    // starts worse can end better: the searched times leave the family's spacing).
    List<SolverSchedule> starts = classicStarts(path, nfe, tStart, tEnd, ems);
    int perFamily = starts.size() / TimeGrid.Spacing.values().length;
    SolverSchedule start = null;
    double startErr = Double.POSITIVE_INFINITY;
    SolverSchedule best = null;
    double bestErr = Double.POSITIVE_INFINITY;
    int families = TimeGrid.Spacing.values().length;
    for (int f = 0; f < families; f++) {
      SolverSchedule famBest = null;
      double famErr = Double.POSITIVE_INFINITY;
      for (SolverSchedule c : starts.subList(f * perFamily, (f + 1) * perFamily)) {
        double e = pilot.rmse(c);
        if (e < famErr) {
          famErr = e;
          famBest = c;
        }
      }
      if (famBest == null) {
        continue;
      }
      if (famErr < startErr) {
        startErr = famErr;
        start = famBest;
      }
      Object[] r = descend(pilot, famBest, famErr, nfe, ems != null, progress, f, families);
      if ((double) r[1] < bestErr) {
        bestErr = (double) r[1];
        best = (SolverSchedule) r[0];
      }
    }
    if (best == null) {
      throw new IllegalStateException("every classic start schedule diverged on the pilot noise");
    }
    report(progress, 1, 1, "done, rmse " + bestErr);
    return new Result(best, bestErr, start, startErr, pilot.runs);
  }

  /** {@code rounds} rounds of step options and time points from {@code best}; returns {schedule, rmse}. */
  private Object[] descend(Pilot pilot, SolverSchedule best, double bestErr, int nfe, boolean withEms,
      ProgressListener progress, int family, int families) {
    for (int r = 0; r < rounds; r++) {
      report(progress, family * 2 * rounds + 2 * r, families * 2 * rounds,
          "start " + (family + 1) + "/" + families + ", round " + (r + 1) + ": step options, rmse " + bestErr);
      for (int i = 0; i < nfe; i++) {
        for (Step option : options(i, withEms)) {
          Step s = option.withScale(best.steps().get(i).scale());
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
      report(progress, family * 2 * rounds + 2 * r + 1, families * 2 * rounds,
          "start " + (family + 1) + "/" + families + ", round " + (r + 1) + ": time points, rmse " + bestErr);
      Object[] t = timeSweep(pilot, best, bestErr);
      t = jointTimes(pilot, (SolverSchedule) t[0], (double) t[1]);
      best = (SolverSchedule) t[0];
      bestErr = (double) t[1];
    }
    return new Object[] {best, bestErr};
  }

  /**
   * All interior times and the correction scales of the order &gt;= 2 steps at once, by Nelder-Mead
   * (Nelder and Mead 1965): times as log step widths in lambda (u_i, widths e^{u_i} normalised to
   * the fixed range, so every candidate is a valid decreasing grid), scales as they are. These are
   * moves that need several coordinates to change together, which the one-point golden-section
   * sweep cannot make. Returns {schedule, rmse}.
   */
  private Object[] jointTimes(Pilot pilot, SolverSchedule best, double bestErr) {
    GaussianPath path = pilot.path;
    double[] ts = best.times();
    int n = ts.length - 1;
    List<Integer> scaled = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (best.steps().get(i).order() >= 2) {
        scaled.add(i);
      }
    }
    if (n < 3 && scaled.isEmpty()) {
      return new Object[] {best, bestErr};
    }
    double l0 = path.lambda(ts[0]);
    double ln = path.lambda(ts[n]);
    double[] v0 = new double[n + scaled.size()];
    for (int i = 0; i < n; i++) {
      v0[i] = Math.log((path.lambda(ts[i + 1]) - path.lambda(ts[i])) / (ln - l0));
    }
    for (int k = 0; k < scaled.size(); k++) {
      v0[n + k] = best.steps().get(scaled.get(k)).scale();
    }
    final SolverSchedule base = best;
    java.util.function.Function<double[], SolverSchedule> decode = v -> {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += Math.exp(v[i]);
      }
      double[] cand = base.times();
      double acc = 0;
      for (int i = 1; i < n; i++) {
        acc += Math.exp(v[i - 1]);
        cand[i] = path.tOfLambda(l0 + (ln - l0) * acc / sum);
        if (!(cand[i] < cand[i - 1])) {
          return null;
        }
      }
      if (!(cand[n - 1] > cand[n])) {
        return null;
      }
      List<Step> steps = new ArrayList<>(base.steps());
      for (int k = 0; k < scaled.size(); k++) {
        if (!Double.isFinite(v[n + k])) {
          return null;
        }
        steps.set(scaled.get(k), steps.get(scaled.get(k)).withScale(v[n + k]));
      }
      return new SolverSchedule(cand, steps);
    };
    java.util.function.ToDoubleFunction<double[]> f = v -> {
      SolverSchedule s = decode.apply(v);
      return s == null ? Double.POSITIVE_INFINITY : pilot.rmse(s);
    };
    double[] r = nelderMead(f, v0, bestErr, 0.4, Math.min(40 * v0.length, 320));
    if (r[v0.length] < bestErr) {
      return new Object[] {decode.apply(java.util.Arrays.copyOf(r, v0.length)), r[v0.length]};
    }
    return new Object[] {best, bestErr};
  }

  /**
   * Nelder-Mead minimisation of f from x0 (value f0) with an initial simplex of edge {@code step}
   * and at most {@code evals} evaluations; returns the best point with its value appended.
   */
  static double[] nelderMead(java.util.function.ToDoubleFunction<double[]> f, double[] x0, double f0, double step,
      int evals) {
    int n = x0.length;
    double[][] p = new double[n + 1][];
    double[] v = new double[n + 1];
    p[0] = x0.clone();
    v[0] = f0;
    int used = 0;
    for (int i = 0; i < n; i++) {
      p[i + 1] = x0.clone();
      p[i + 1][i] += step;
      v[i + 1] = f.applyAsDouble(p[i + 1]);
      used++;
    }
    while (used < evals) {
      Integer[] idx = new Integer[n + 1];
      for (int i = 0; i <= n; i++) {
        idx[i] = i;
      }
      final double[] vv = v;
      java.util.Arrays.sort(idx, (a, b) -> Double.compare(vv[a], vv[b]));
      double[][] q = new double[n + 1][];
      double[] w = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        q[i] = p[idx[i]];
        w[i] = v[idx[i]];
      }
      p = q;
      v = w;
      double[] c = new double[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          c[j] += p[i][j] / n;
        }
      }
      double[] xr = along(c, p[n], -1);
      double fr = f.applyAsDouble(xr);
      used++;
      if (fr < v[0]) {
        double[] xe = along(c, p[n], -2);
        double fe = f.applyAsDouble(xe);
        used++;
        if (fe < fr) {
          p[n] = xe;
          v[n] = fe;
        } else {
          p[n] = xr;
          v[n] = fr;
        }
      } else if (fr < v[n - 1]) {
        p[n] = xr;
        v[n] = fr;
      } else {
        double[] xc = along(c, p[n], fr < v[n] ? -0.5 : 0.5);
        double fc = f.applyAsDouble(xc);
        used++;
        if (fc < Math.min(fr, v[n])) {
          p[n] = xc;
          v[n] = fc;
        } else {
          for (int i = 1; i <= n; i++) {
            p[i] = along(p[0], p[i], 0.5);
            v[i] = f.applyAsDouble(p[i]);
            used++;
          }
        }
      }
    }
    int b = 0;
    for (int i = 1; i <= n; i++) {
      if (v[i] < v[b]) {
        b = i;
      }
    }
    double[] out = java.util.Arrays.copyOf(p[b], n + 1);
    out[n] = v[b];
    return out;
  }

  /** c + s (x - c). */
  private static double[] along(double[] c, double[] x, double s) {
    double[] out = new double[c.length];
    for (int i = 0; i < c.length; i++) {
      out[i] = c[i] + s * (x[i] - c[i]);
    }
    return out;
  }

  /** Only the time points of a fixed solver (a user who wants better steps for their solver). */
  public Result optimizeTimes(SolverSchedule start, Denoiser model, GaussianPath path, Ems ems,
      ProgressListener progress) {
    double[] ts = start.times();
    Pilot pilot = new Pilot(path, pilotObjective(model, path, ems, ts[0], ts[ts.length - 1]));
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

  /**
   * Every option for step i: forms x orders (&lt;= i+1) x estimators x corrector (i &gt; 0). The
   * estimators are the Taylor ones (one for order 1) and, for the noise and data forms, UniPC's
   * bh1 and bh2 (at order 1 they differ only in the corrector of the next step).
   */
  static List<Step> options(int i, boolean withEms) {
    List<Step> out = new ArrayList<>();
    Form[] forms = withEms ? Form.values() : new Form[] {Form.NOISE, Form.DATA};
    for (Form f : forms) {
      for (int o = 1; o <= Math.min(3, i + 1); o++) {
        List<Estimator> ests = new ArrayList<>();
        for (Estimator e : Estimator.values()) {
          boolean taylor = !e.uniPc() && (o > 1 || e == Estimator.TAYLOR);
          if (taylor || (e.uniPc() && f != Form.EMS)) {
            ests.add(e);
          }
        }
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

  /**
   * Classic starting points: every spacing (logSNR, time-uniform, time-quadratic, Karras) x
   * DPM-Solver++ 2M/3M, DPM-Solver multistep 3 (lower-order final below 15), UniPC bh1/bh2 of
   * orders 2 and 3 (lower-order final always, as uni_pc.py) and, with an EMS, DPM-Solver-v3.
   */
  static List<SolverSchedule> classicStarts(GaussianPath path, int nfe, double tStart, double tEnd, Ems ems) {
    List<SolverSchedule> out = new ArrayList<>();
    for (TimeGrid.Spacing sp : TimeGrid.Spacing.values()) {
      double[] ts = TimeGrid.create(sp, path, tStart, tEnd, nfe).times();
      out.add(SolverSchedule.multistep(ts, Form.DATA, 2, Estimator.HALF, true));
      out.add(SolverSchedule.multistep(ts, Form.DATA, 3, Estimator.HALF, true));
      out.add(SolverSchedule.multistep(ts, Form.NOISE, 3, Estimator.HALF, true));
      for (Estimator bh : new Estimator[] {Estimator.BH1, Estimator.BH2}) {
        out.add(SolverSchedule.uniPc(ts, bh, 2, org.diffusion4j.sampler.LowerOrderFinal.ALWAYS));
        out.add(SolverSchedule.uniPc(ts, bh, 3, org.diffusion4j.sampler.LowerOrderFinal.ALWAYS));
      }
      if (ems != null) {
        out.add(SolverSchedule.multistep(ts, Form.EMS, 2, Estimator.TAYLOR, true));
        out.add(SolverSchedule.multistep(ts, Form.EMS, 3, Estimator.PSEUDO, true));
      }
    }
    return out;
  }
}
