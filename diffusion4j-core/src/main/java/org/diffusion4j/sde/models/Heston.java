package org.diffusion4j.sde.models;

import org.diffusion4j.sde.NoiseType;

/**
 * Heston (1993) stochastic volatility, state (S, v), Ito, general 2 x 2 noise:
 * dS = mu S dt + sqrt(v+) S dW1, dv = kappa (theta - v) dt + xi sqrt(v+) (rho dW1 + sqrt(1 - rho^2) dW2),
 * with v+ = max(v, 0) (full truncation). E[S_t] = S_0 e^{mu t}.
 */
public record Heston(double mu, double kappa, double theta, double xi, double rho) implements SdeModel {
  public Heston {
    Models.finite("mu", mu);
    Models.positive("kappa", kappa);
    Models.finite("theta", theta);
    Models.finite("xi", xi);
    if (!(rho >= -1 && rho <= 1)) {
      throw new IllegalArgumentException("model parameter rho must be in [-1, 1], got " + rho);
    }
  }

  @Override
  public String name() {
    return "heston";
  }

  @Override
  public int dim() {
    return 2;
  }

  @Override
  public int noiseDim() {
    return 2;
  }

  @Override
  public NoiseType noiseType() {
    return NoiseType.GENERAL;
  }


  /**
   * The price S keeps the sign of S_0. The variance v is not checked: the full-truncation scheme
   * lets it dip below 0 by design (Lord, Koekkoek &amp; van Dijk 2010).
   */
  @Override
  public boolean inDomain(int i, double value, double[] y0) {
    return i != 0 || (y0[0] == 0 ? value == 0 : value * Math.signum(y0[0]) > 0);
  }

  @Override
  public String domain() {
    return "S keeps the sign of S_0";
  }

  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    for (int r = 0; r < n; r++) {
      out[2 * r] = mu * y[2 * r];
      out[2 * r + 1] = kappa * (theta - y[2 * r + 1]);
    }
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    double rc = Math.sqrt(1 - rho * rho);
    for (int r = 0; r < n; r++) {
      double sv = Math.sqrt(Math.max(y[2 * r + 1], 0.0));
      int o = 4 * r;
      out[o] = sv * y[2 * r];
      out[o + 1] = 0.0;
      out[o + 2] = xi * sv * rho;
      out[o + 3] = xi * sv * rc;
    }
  }

  @Override
  public double[] defaultY0() {
    return new double[] {1.0, theta > 0 ? theta : 0.04};
  }

  /** Only the mean of S is closed-form here: E[S_t] = S_0 e^{mu t}. */
  @Override
  public Marginal marginal(double t, double[] y0) {
    return null;
  }
}
