package org.diffusion4j.sde;

/**
 * Reversible Heun (Kidger, Foster, Li &amp; Lyons 2021, "Efficient and Accurate Gradients for
 * Neural SDEs", Algorithm 1 forward and Algorithm 2 backward). Carries (y, z, mu = f(t, z),
 * sigma = g(t, z)); one step is
 * <pre>
 *   z' = 2y - z + mu h + sigma dW,   mu' = f(t+h, z'),   sigma' = g(t+h, z'),
 *   y' = y + (mu + mu') h/2 + (sigma + sigma') dW/2,
 * </pre>
 * with one drift and one diffusion evaluation per step. The map is algebraically invertible:
 * {@link #backward} reconstructs the previous state from the same dW up to rounding only.
 * Stratonovich; strong order 0.5 in general, 1.0 for additive noise.
 */
public final class ReversibleHeun extends Stepper {
  private final double[] z;
  private final double[] mu;
  private final double[] sigma;
  private final double[] muNext;
  private final double[] sigmaNext;

  ReversibleHeun(SdeTerm term, int capacity) {
    super(term, capacity);
    z = rows(d);
    mu = rows(d);
    muNext = rows(d);
    sigma = rows(gSize);
    sigmaNext = rows(gSize);
  }

  /** A reversible Heun stepper for up to {@code capacity} paths. */
  public static ReversibleHeun of(SdeTerm term, int capacity) {
    return (ReversibleHeun) Solver.REVERSIBLE_HEUN.stepper(term, capacity);
  }

  @Override
  public void start(double t, double[] y, int n) {
    System.arraycopy(y, 0, z, 0, n * d);
    term.drift(t, z, mu, n);
    term.diffusion(t, z, sigma, n);
  }

  @Override
  public void step(double t, double h, double[] y, double[] dw, double[] iw, int n) {
    int e = n * d;
    for (int k = 0; k < e; k++) {
      z[k] = 2.0 * y[k] - z[k] + mu[k] * h;
    }
    addNoise(sigma, dw, 1.0, z, n);
    term.drift(t + h, z, muNext, n);
    term.diffusion(t + h, z, sigmaNext, n);
    for (int k = 0; k < e; k++) {
      y[k] += 0.5 * h * (mu[k] + muNext[k]);
    }
    addNoise(sigma, dw, 0.5, y, n);
    addNoise(sigmaNext, dw, 0.5, y, n);
    System.arraycopy(muNext, 0, mu, 0, e);
    System.arraycopy(sigmaNext, 0, sigma, 0, n * gSize);
  }

  /**
   * Undoes the step that ended at time {@code t} with size h and increment dW (Kidger et al.
   * 2021, Algorithm 2): z = 2y' - z' - mu' h - sigma' dW, mu = f(t-h, z), sigma = g(t-h, z),
   * y = y' - (mu + mu') h/2 - (sigma + sigma') dW/2. Restores y in place and the internal state.
   */
  public void backward(double t, double h, double[] y, double[] dw, int n) {
    int e = n * d;
    for (int k = 0; k < e; k++) {
      z[k] = 2.0 * y[k] - z[k] - mu[k] * h;
    }
    addNoise(sigma, dw, -1.0, z, n);
    term.drift(t - h, z, muNext, n);
    term.diffusion(t - h, z, sigmaNext, n);
    for (int k = 0; k < e; k++) {
      y[k] -= 0.5 * h * (mu[k] + muNext[k]);
    }
    addNoise(sigma, dw, -0.5, y, n);
    addNoise(sigmaNext, dw, -0.5, y, n);
    System.arraycopy(muNext, 0, mu, 0, e);
    System.arraycopy(sigmaNext, 0, sigma, 0, n * gSize);
  }
}
