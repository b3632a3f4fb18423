package org.diffusion4j.sde;

/**
 * The state of a path became NaN or infinite: the drift or diffusion produced a non-finite value,
 * or the solver diverged (step too large for a stiff drift). The message names the time, step and
 * path index.
 */
public final class NonFiniteStateException extends ArithmeticException {
  private static final long serialVersionUID = 1L;
  private final double time;
  private final long path;

  public NonFiniteStateException(double time, long step, long path, int component) {
    super("SDE state became non-finite (NaN/Inf) at t=" + time + " (step " + step + ") on path "
        + path + ", component " + component + ": check the drift/diffusion or use a smaller step");
    this.time = time;
    this.path = path;
  }

  public double time() {
    return time;
  }

  public long path() {
    return path;
  }
}
