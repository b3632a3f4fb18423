package org.diffusion4j.blend;

import java.util.Arrays;
import org.diffusion4j.array.Batch;

/**
 * Step-wise prompt switching (a baseline of Kothandaraman et al. 2024): concept a while
 * t &gt; {@code tSwitch} (the early steps, which lay out the coarse shape), concept b from
 * {@code tSwitch} down. With a sampling grid t_0 &gt; ... &gt; t_N, {@code tSwitch = t_k} switches
 * after k steps.
 *
 * @param tSwitch time at and below which concept b is used
 */
public record PromptSwitch(double tSwitch) implements BlendRule {
  public PromptSwitch {
    if (!Double.isFinite(tSwitch)) {
      throw new IllegalArgumentException("switch time must be finite, got " + tSwitch);
    }
  }

  /** Switches after {@code k} of the steps of the decreasing grid {@code times} (0 &lt;= k &lt;= steps). */
  public static PromptSwitch afterSteps(double[] times, int k) {
    if (k < 0 || k >= times.length) {
      throw new IllegalArgumentException("switch step must be in [0, " + (times.length - 1) + "], got " + k);
    }
    return new PromptSwitch(times[k]);
  }

  @Override
  public void weights(Batch x, double t, double[] out) {
    Arrays.fill(out, 0, x.n(), t <= tSwitch ? 1 : 0);
  }

  @Override
  public String name() {
    return "switch-" + tSwitch;
  }
}
