package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;

/**
 * The loop shared by the single-step samplers, as in k-diffusion's {@code sampling.py}: for each
 * step i from t_i to t_{i+1} the model is evaluated once at (x_i, t_i) in one prediction kind and
 * the subclass applies its paper's update to x in place. One evaluation per step unless a
 * subclass (the predictor-corrector) evaluates more inside its update and overrides the plan.
 */
abstract class OneEvaluationLoop extends BaseSampler {
  private final Prediction prediction;

  /** @param prediction the kind of model output each step's update is written in */
  OneEvaluationLoop(String name, Prediction prediction) {
    super(name);
    this.prediction = prediction;
  }

  /** Every update here is first order in the step (Euler, DDIM, Euler-ancestral, Euler-Maruyama). */
  @Override
  public int order() {
    return 1;
  }

  /**
   * Weak order 1 when stochastic: Euler-Maruyama's (Kloeden &amp; Platen 1992, Sec. 14.1), of which
   * the ancestral step is the exponential-integrator form.
   */
  @Override
  public double weakOrder() {
    return stochastic() ? 1 : Double.NaN;
  }

  @Override
  public Plan plan(int nfe) {
    return Plan.firstOrder(EulerSampler.requirePositive(nfe), 1);
  }

  @Override
  public Plan planForSteps(int steps) {
    return Plan.firstOrder(steps, 1);
  }

  @Override
  public final Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x0, long seed) {
    check(model, grid, plan, x0);
    Batch x = x0.copy();
    Batch out = x.zerosLike();
    StepNoise noise = new StepNoise(seed, x);
    for (int i = 0; i < grid.steps(); i++) {
      model.step(i);
      double t = grid.t(i);
      model.evaluate(x, t, prediction, out);
      step(model, x, out, t, grid.t(i + 1), noise.at(i));
    }
    return x;
  }

  /**
   * Moves {@code x} in place from {@code t} to {@code tNext} (&lt; t), given the model output
   * {@code out} at (x, t) in this sampler's prediction kind; {@code noise} draws this step's N(0, I).
   */
  abstract void step(ModelEvaluator model, Batch x, Batch out, double t, double tNext, StepNoise noise);

  /**
   * The standard normal draws of one step: draw k fills a scratch batch with N(0, I), row r from
   * stream (seed, {@link #stream}(step, k), r), so the noise depends only on the seed, the step,
   * the draw and the row, never on the thread count or on draws skipped elsewhere.
   */
  static final class StepNoise {
    private final long seed;
    private final Batch shape;
    private Batch z;
    private int step;

    StepNoise(long seed, Batch shape) {
      this.seed = seed;
      this.shape = shape;
    }

    StepNoise at(int step) {
      this.step = step;
      return this;
    }

    /** Draw k (0..15) of this step, in a scratch batch reused by later draws. */
    Batch draw(int k) {
      if (z == null) {
        z = shape.zerosLike();
      }
      gaussian(seed, stream(step, k), z);
      return z;
    }
  }
}
