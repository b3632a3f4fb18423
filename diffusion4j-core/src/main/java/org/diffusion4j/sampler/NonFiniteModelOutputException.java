package org.diffusion4j.sampler;

/**
 * Thrown when a model returns NaN or Inf during sampling. The message names the sampler step,
 * the time and the model evaluation, so a diverging model or a bad schedule is easy to locate.
 */
public final class NonFiniteModelOutputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int step;
  private final double time;

  public NonFiniteModelOutputException(String message, int step, double time) {
    super(message);
    this.step = step;
    this.time = time;
  }

  /** The sampler step (0-based) whose model evaluation failed. */
  public int step() {
    return step;
  }

  /** The time t at which the model was evaluated. */
  public double time() {
    return time;
  }
}
