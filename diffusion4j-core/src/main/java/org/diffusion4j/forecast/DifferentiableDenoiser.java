package org.diffusion4j.forecast;

import java.util.function.BiConsumer;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;

/**
 * A {@link Denoiser} that can also pull a cotangent back through its prediction: the
 * vector-Jacobian product J^T v of the map x -&gt; prediction(x, t), as autograd gives it for a
 * network. Self-guidance ({@link SelfGuidance}) needs it to differentiate a loss on the denoised
 * estimate with respect to the noisy state.
 */
public interface DifferentiableDenoiser extends Denoiser {
  /**
   * Writes the prediction p(x, t) into {@code out}; then calls {@code cotangent.accept(out, v)},
   * which fills {@code v} (same shape, zero on entry) with dL/dp; then writes
   * dL/dx = (dp/dx)^T v into {@code grad}. One model evaluation.
   */
  void predictWithPullback(Batch x, double t, Batch out, BiConsumer<Batch, Batch> cotangent, Batch grad);
}
