package org.diffusion4j.nn.control;

/**
 * The discrete DDPM chain of Diffuser (jannerm/diffuser, diffuser/models/diffusion.py,
 * GaussianDiffusion) with its cosine schedule (diffuser/models/helpers.py,
 * {@code cosine_beta_schedule}, Nichol &amp; Dhariwal 2021 Eq. 17 with s = 0.008 and betas
 * clipped to [0, 0.999]). Index i = 0 .. T-1; alpha-bar_i = prod_{j &lt;= i} (1 - beta_j).
 * Posterior q(x_{i-1} | x_i, x_0) has mean c1_i x_0 + c2_i x_i with
 * c1 = beta_i sqrt(abar_{i-1}) / (1 - abar_i), c2 = (1 - abar_{i-1}) sqrt(alpha_i) / (1 - abar_i),
 * and variance beta_i (1 - abar_{i-1}) / (1 - abar_i) (log clipped at 1e-20, as Diffuser).
 */
public final class DdpmSchedule {
  private final double[] betas;
  private final double[] alphaBar;

  private DdpmSchedule(double[] betas) {
    this.betas = betas;
    this.alphaBar = new double[betas.length];
    double a = 1;
    for (int i = 0; i < betas.length; i++) {
      a *= 1 - betas[i];
      alphaBar[i] = a;
    }
  }

  /** Diffuser's cosine schedule with {@code steps} steps. */
  public static DdpmSchedule cosine(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("diffusion steps must be >= 1, got " + steps);
    }
    double s = 0.008;
    double[] f = new double[steps + 1];
    for (int i = 0; i <= steps; i++) {
      double c = Math.cos(((double) i / steps + s) / (1 + s) * Math.PI / 2);
      f[i] = c * c;
    }
    double[] b = new double[steps];
    for (int i = 0; i < steps; i++) {
      b[i] = Math.min(0.999, Math.max(0, 1 - f[i + 1] / f[i]));
    }
    return new DdpmSchedule(b);
  }

  /**
   * The linear schedule of Ho et al. (2020) extended to any step count as guided-diffusion's
   * {@code get_named_beta_schedule("linear")} (openai/guided-diffusion, gaussian_diffusion.py;
   * GeoTDM's default): betas evenly spaced from 1e-4 s to 0.02 s with s = 1000 / steps; needs
   * more than 20 steps so that the last beta stays below 1.
   */
  public static DdpmSchedule linear(int steps) {
    if (steps <= 20) {
      throw new IllegalArgumentException("linear diffusion schedule needs > 20 steps (its last beta is 20 / steps),"
          + " got " + steps);
    }
    double scale = 1000.0 / steps;
    double[] b = new double[steps];
    for (int i = 0; i < steps; i++) {
      b[i] = scale * (0.0001 + (0.02 - 0.0001) * i / (steps - 1));
    }
    return new DdpmSchedule(b);
  }

  /** beta_i. */
  public double beta(int i) {
    return betas[i];
  }

  public int steps() {
    return betas.length;
  }

  public double alphaBar(int i) {
    return alphaBar[i];
  }

  double alphaBarPrev(int i) {
    return i == 0 ? 1 : alphaBar[i - 1];
  }

  /** Posterior mean coefficient of x_0. */
  public double c1(int i) {
    return betas[i] * Math.sqrt(alphaBarPrev(i)) / (1 - alphaBar[i]);
  }

  /** Posterior mean coefficient of x_i. */
  public double c2(int i) {
    return (1 - alphaBarPrev(i)) * Math.sqrt(1 - betas[i]) / (1 - alphaBar[i]);
  }

  /** Posterior standard deviation exp(0.5 log max(var, 1e-20)). */
  public double posteriorStd(int i) {
    double var = betas[i] * (1 - alphaBarPrev(i)) / (1 - alphaBar[i]);
    return Math.exp(0.5 * Math.log(Math.max(var, 1e-20)));
  }

  /** The network's noise-level input for index i: i / T. */
  public double noiseInput(int i) {
    return (double) i / steps();
  }
}
