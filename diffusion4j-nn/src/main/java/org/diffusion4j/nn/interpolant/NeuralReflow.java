package org.diffusion4j.nn.interpolant;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.Reflow;
import org.diffusion4j.interpolant.coupling.Coupling;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.random.Noise;

/**
 * Neural reflow (Liu, Gong &amp; Liu 2023, "Flow Straight and Fast", Sec. 2.3, the
 * Reflow procedure Z^{k+1} = RectFlow((Z_0^k, Z_1^k))): draw x0 from the source, push it through
 * the current learned ODE to x1 = Z_1 (core {@link Reflow#pairs}), then train a new velocity on
 * the paired coupling (x0, x1) with the deterministic linear interpolant, whose trajectories are
 * straighter (the straightness S decreases, Thm. 3.7).
 */
public final class NeuralReflow {
  private NeuralReflow() {}

  /**
   * The coupling (Z_0, Z_1) of {@code model}: {@code n} source draws (N(0, I) from {@code seed}
   * for a Gaussian source, else the given source rows) transported by {@code odeSteps} Heun steps.
   */
  public static Coupling.Pair pairs(LearnedInterpolant model, Batch sourceRows, int odeSteps) {
    return Reflow.pairs(model.velocityField(), sourceRows, odeSteps);
  }

  /** n draws of N(0, I) in the model's dimension (row i from stream i of {@code seed}). */
  public static Batch gaussianSource(LearnedInterpolant model, long seed, int n) {
    return Noise.standardNormal(seed, n, model.dim());
  }

  /**
   * The configuration of the reflow run: linear interpolant with gamma = 0, paired coupling on the
   * generated pairs (named {@code sourceName} / {@code targetName}), the base run's network and
   * optimiser with {@code steps} steps; no score (the base run's {@code scoreObjective} is carried
   * along unused, so that a later run derived from this one keeps it).
   */
  public static InterpolantTrainConfig config(InterpolantTrainConfig base, String sourceName, String targetName,
      long steps) {
    return new InterpolantTrainConfig("linear", Map.of("gamma", "zero"), sourceName, targetName, "paired", false,
        base.scoreObjective(), base.timeMargin(), base.train().toBuilder().steps(steps).build());
  }

  /** Trains the reflowed model on {@code pairs}; returns its EMA model. */
  public static LearnedInterpolant train(InterpolantTrainConfig reflowConfig, Coupling.Pair pairs) {
    try (InterpolantTrainer tr = InterpolantTrainer.create(reflowConfig, Dataset.of("reflow-x0", pairs.x0()),
        Dataset.of("reflow-x1", pairs.x1()))) {
      return tr.modelAfter();
    }
  }
}
