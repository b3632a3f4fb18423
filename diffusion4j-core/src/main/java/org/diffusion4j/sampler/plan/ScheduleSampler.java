package org.diffusion4j.sampler.plan;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.ModelEvaluator;
import org.diffusion4j.sampler.MultistepSampler;
import org.diffusion4j.sampler.Plan;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.plan.SolverSchedule.Form;
import org.diffusion4j.sampler.plan.SolverSchedule.Step;
import org.diffusion4j.sampler.v3.Ems;
import org.diffusion4j.sampler.v3.ExponentialIntegrator;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Point;

/**
 * Runs a {@link SolverSchedule} (USF, Liu et al. 2023, Sec. 3): step i evaluates the model once
 * at its start point, optionally corrects that point by redoing step i-1 with the new evaluation
 * (one order higher, in step i-1's form; no extra NFE), then predicts with its own form, order
 * and estimator through {@link ExponentialIntegrator} (its correction multiplied by the step's
 * scale), or the UniP/UniC update for the UniPC estimators. The grid passed to {@link #sample} must
 * have the schedule's number of steps; {@link SolverSchedule#grid} gives the schedule's own times.
 */
public final class ScheduleSampler implements Sampler {
  private final SolverSchedule schedule;
  private final Ems ems;

  /**
   * @param ems the model's statistics, required when a step uses {@link Form#EMS} (else may be null)
   */
  public ScheduleSampler(SolverSchedule schedule, Ems ems) {
    if (schedule.needsEms() && ems == null) {
      throw new IllegalArgumentException("the schedule has EMS steps: give the model's statistics (--ems FILE)");
    }
    this.schedule = schedule;
    this.ems = ems;
  }

  public SolverSchedule schedule() {
    return schedule;
  }

  @Override
  public String name() {
    return "schedule";
  }

  /**
   * The lowest order among the schedule's steps. A schedule fixes its times, so this is the order
   * of its steps' local formulas, not a rate under refinement.
   */
  @Override
  public int order() {
    int lowest = Integer.MAX_VALUE;
    for (SolverSchedule.Step s : schedule.steps()) {
      lowest = Math.min(lowest, s.order());
    }
    return lowest;
  }

  @Override
  public Plan plan(int nfe) {
    if (nfe != schedule.nfe()) {
      throw new IllegalArgumentException("the schedule uses exactly " + schedule.nfe() + " evaluations, not " + nfe);
    }
    return planForSteps(nfe);
  }

  @Override
  public Plan planForSteps(int steps) {
    if (steps != schedule.nfe()) {
      throw new IllegalArgumentException("the schedule has " + schedule.nfe() + " steps, not " + steps);
    }
    int[] orders = new int[steps];
    for (int i = 0; i < steps; i++) {
      orders[i] = schedule.steps().get(i).order();
    }
    return new Plan(orders, steps);
  }

  /** Convenience: runs the schedule on its own times. */
  public Batch sample(Denoiser model, GaussianPath path, Batch xT) {
    TimeGrid grid = schedule.grid(path);
    return sample(new ModelEvaluator(model, path), grid, planForSteps(grid.steps()), xT, 0);
  }

  @Override
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch xT, long seed) {
    int n = schedule.nfe();
    if (grid.steps() != n) {
      throw new IllegalArgumentException("grid has " + grid.steps() + " steps but the schedule " + n);
    }
    if (ems != null && ems.dim() != xT.d()) {
      throw new IllegalArgumentException("EMS dimension " + ems.dim() + " != state dimension " + xT.d());
    }
    GaussianPath path = model.path();
    int d = xT.d();
    Ems noise = ExponentialIntegrator.noise(d);
    Ems data = ExponentialIntegrator.data(d);
    model.steps(n);
    List<Point> hist = new ArrayList<>();
    Batch x = xT.copy();
    int prevOrder = 0;
    for (int i = 0; i < n; i++) {
      Step step = schedule.steps().get(i);
      double t = grid.t(i);
      model.step(i);
      Batch e = model.evaluate(x, t, Prediction.EPSILON);
      Point now = new Point(t, path.lambda(t), x, e);
      if (step.corrector() && i > 0) {
        Step prev = schedule.steps().get(i - 1);
        Ems form = form(prev.form(), noise, data);
        // UniC-k uses the k outputs of the step plus the new one (uni_pc.py); the Taylor forms stop at 3 points.
        int c = Math.min(prevOrder + 1, Math.min(prev.estimator().uniPc() ? 4 : 3, hist.size() + 1));
        List<Point> pts = new ArrayList<>();
        pts.add(hist.get(hist.size() - 1));
        pts.add(now);
        for (int k = hist.size() - 2; pts.size() < c && k >= 0; k--) {
          pts.add(hist.get(k));
        }
        Batch xc = advance(path, prev.form(), form, pts, t, prev.estimator(), 1);
        now = ExponentialIntegrator.corrected(path, form, now, xc);
      }
      hist.add(now);
      if (hist.size() > 4) {
        hist.remove(0);
      }
      int p = Math.min(step.order(), hist.size());
      List<Point> pts = new ArrayList<>();
      for (int k = hist.size() - 1; pts.size() < p; k--) {
        pts.add(hist.get(k));
      }
      x = advance(path, step.form(), form(step.form(), noise, data), pts, grid.t(i + 1), step.estimator(),
          step.scale());
      prevOrder = p;
    }
    return x;
  }

  /**
   * One update from pts[0] to tt with every point of pts: the exponential integrator's Taylor
   * step, or for the UniPC estimators the UniP/UniC update of {@link MultistepSampler#uniPcUpdate}
   * on the points' data (x0) or noise predictions.
   */
  private static Batch advance(GaussianPath path, Form f, Ems formEms, List<Point> pts, double tt, Estimator est,
      double scale) {
    if (!est.uniPc()) {
      return ExponentialIntegrator.step(path, formEms, pts, tt, est, scale);
    }
    boolean data = f == Form.DATA;
    Point base = pts.get(0);
    Batch[] ms = new Batch[pts.size() - 1];
    double[] ls = new double[ms.length];
    for (int j = 1; j < pts.size(); j++) {
      ms[j - 1] = output(path, pts.get(j), data);
      ls[j - 1] = pts.get(j).lambda();
    }
    return MultistepSampler.uniPcUpdate(path, est == Estimator.BH1 ? MultistepSampler.Bh.BH1 : MultistepSampler.Bh.BH2,
        data, base.t(), tt, base.x(), output(path, base, data), ms, ls, scale);
  }

  /** The point's data prediction x0 = (x - sigma eps) / alpha, or its noise prediction. */
  private static Batch output(GaussianPath path, Point p, boolean data) {
    if (!data) {
      return p.eps();
    }
    Batch x0 = p.x().zerosLike();
    double a = path.alpha(p.t());
    x0.setLinear(1 / a, p.x(), -path.sigma(p.t()) / a, p.eps());
    return x0;
  }

  private Ems form(Form f, Ems noise, Ems data) {
    return switch (f) {
      case NOISE -> noise;
      case DATA -> data;
      case EMS -> ems;
    };
  }
}
