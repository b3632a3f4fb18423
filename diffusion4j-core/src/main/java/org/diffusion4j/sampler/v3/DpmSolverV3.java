package org.diffusion4j.sampler.v3;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.ModelEvaluator;
import org.diffusion4j.sampler.Plan;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Point;

/**
 * DPM-Solver-v3 (Zheng et al. 2023, "DPM-Solver-v3: Improved Diffusion ODE Solver with
 * Empirical Model Statistics"): a multistep predictor-corrector exponential integrator of the
 * probability-flow ODE in lambda whose linear part and whose Taylor-expanded residual are
 * chosen from the model's empirical statistics {@link Ems}.
 *
 * <p>With N = sigma eps - l x (Eq. 6), f = N / alpha and g the residual of f after the fitted
 * first-order model f' ~ s f + b (Eq. 8-10), the step from lambda_s to lambda_t is (Eq. 11-13)
 * <pre>
 *   x_t = (alpha_t/alpha_s) e^{-(L_t - L_s)} x_s
 *         - alpha_t e^{-(L_t - L_s)} [ i0 g_s + bias + sum_{k&gt;=1} taylor_k g^(k)(lambda_s) ]
 *   g(r) = e^{S_s - S(r)} f(r) - Bh(r)                       (g(lambda_s) = f_s)
 * </pre>
 * ({@link ExponentialIntegrator}, integrals in {@link StepIntegrals}). The derivatives g^(k)
 * come from the previous points: exactly (the interpolating polynomial) or, with the paper's
 * pseudo-order (Sec. 3.4), by Newton divided differences, more stable at very few steps. The
 * corrector (Sec. 3.4, in the manner of UniC, Zhao et al. 2023) redoes the previous step once
 * the model has been evaluated at its end point, with one order more, keeping that evaluation's
 * N fixed so no extra NFE is spent. {@link Corrector#HALF} applies it only in the noisier half
 * of the time range (t at or above the midpoint of the grid), where steps are large in lambda.
 *
 * <p>Step orders follow {@link Plan#multistep} (warm-up, and lower-order final steps by the
 * {@code lowerOrderFinal} rule).
 *
 * @param ems the model's statistics
 * @param predictorOrder predictor order 1-3 (the declared convergence order is {@link #order()})
 * @param pseudoOrder divided differences (pseudo-order) instead of exact Taylor derivatives
 * @param corrector when to apply the corrector
 * @param lowerOrderFinal when to lower the order of the last steps (resolved, not AUTO)
 */
public record DpmSolverV3(Ems ems, int predictorOrder, boolean pseudoOrder, Corrector corrector,
    org.diffusion4j.sampler.LowerOrderFinal lowerOrderFinal) implements Sampler {
  /** Where the corrector runs. */
  public enum Corrector { NONE, FULL, HALF }

  public DpmSolverV3 {
    if (ems == null) {
      throw new IllegalArgumentException("DPM-Solver-v3 needs empirical model statistics (--ems FILE)");
    }
    if (predictorOrder < 1 || predictorOrder > 3) {
      throw new IllegalArgumentException("DPM-Solver-v3 order must be 1, 2 or 3, got " + predictorOrder);
    }
    if (corrector == null) {
      throw new IllegalArgumentException("corrector must be NONE, FULL or HALF");
    }
    lowerOrderFinal.lowers(1); // rejects an unresolved AUTO
  }

  /** @param lowerOrderFinal true: below 15 steps ({@link org.diffusion4j.sampler.LowerOrderFinal#DIFFUSERS}); false: never */
  public DpmSolverV3(Ems ems, int predictorOrder, boolean pseudoOrder, Corrector corrector, boolean lowerOrderFinal) {
    this(ems, predictorOrder, pseudoOrder, corrector, lowerOrderFinal ? org.diffusion4j.sampler.LowerOrderFinal.DIFFUSERS
        : org.diffusion4j.sampler.LowerOrderFinal.NEVER);
  }

  @Override
  public String name() {
    return "dpm-solver-v3";
  }

  /**
   * The predictor order (Zheng et al. 2023, Thm. 3.2), 2 for pseudo-order 3 (divided differences
   * are only second-order accurate, DpmSolverV3Test). The corrector's possible gain is not claimed.
   */
  @Override
  public int order() {
    return pseudoOrder && predictorOrder == 3 ? 2 : predictorOrder;
  }

  @Override
  public Plan plan(int nfe) {
    return Plan.multistep(nfe, predictorOrder, lowerOrderFinal);
  }

  @Override
  public Plan planForSteps(int steps) {
    return Plan.multistep(steps, predictorOrder, lowerOrderFinal);
  }

  /** Convenience: runs on {@code model} through the decreasing {@code times}. */
  public Batch sample(Denoiser model, GaussianPath path, Batch xT, double[] times) {
    TimeGrid grid = TimeGrid.of(path, times);
    return sample(new ModelEvaluator(model, path), grid, planForSteps(grid.steps()), xT, 0);
  }

  @Override
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch xT, long seed) {
    if (ems.dim() != xT.d() || model.dim() != xT.d()) {
      throw new IllegalArgumentException("EMS dimension " + ems.dim() + ", model " + model.dim() + " and state "
          + xT.d() + " must agree");
    }
    if (plan.steps() != grid.steps()) {
      throw new IllegalArgumentException("plan has " + plan.steps() + " steps but the grid " + grid.steps());
    }
    GaussianPath path = model.path();
    int steps = grid.steps();
    model.steps(steps);
    double tMid = 0.5 * (grid.start() + grid.end());
    Estimator est = pseudoOrder ? Estimator.PSEUDO : Estimator.TAYLOR;
    List<Point> hist = new ArrayList<>();
    Batch x = xT.copy();
    int prevOrder = 0;
    for (int i = 0; i < steps; i++) {
      double t = grid.t(i);
      model.step(i);
      Batch e = model.evaluate(x, t, Prediction.EPSILON);
      Point now = new Point(t, path.lambda(t), x, e);
      boolean correct = i > 0 && (corrector == Corrector.FULL || (corrector == Corrector.HALF && t >= tMid));
      if (correct) {
        // Redo step i-1 -> i with the new point: base = previous point, then this one, then older.
        int c = Math.min(prevOrder + 1, hist.size() + 1);
        List<Point> pts = new ArrayList<>();
        pts.add(hist.get(hist.size() - 1));
        pts.add(now);
        for (int k = hist.size() - 2; pts.size() < c && k >= 0; k--) {
          pts.add(hist.get(k));
        }
        now = ExponentialIntegrator.corrected(path, ems, now, ExponentialIntegrator.step(path, ems, pts, t, est));
      }
      hist.add(now);
      if (hist.size() > 4) {
        hist.remove(0);
      }
      int p = Math.min(plan.order(i), hist.size());
      List<Point> pts = new ArrayList<>();
      for (int k = hist.size() - 1; pts.size() < p; k--) {
        pts.add(hist.get(k));
      }
      x = ExponentialIntegrator.step(path, ems, pts, grid.t(i + 1), est);
      prevOrder = p;
    }
    return x;
  }
}
