package org.diffusion4j.sde.models;

import org.diffusion4j.sde.NoiseType;

/**
 * Cox-Ingersoll-Ross dY = kappa (theta - Y) dt + sigma sqrt(Y+) dW (Cox, Ingersoll &amp; Ross 1985;
 * Y+ = max(Y, 0) keeps discretisations defined). Exact mean theta + (y0 - theta) e^{-kappa t} and
 * variance y0 sigma^2/kappa (e^{-kappa t} - e^{-2 kappa t}) + theta sigma^2/(2 kappa) (1 - e^{-kappa t})^2.
 */
public record CoxIngersollRoss(double kappa, double theta, double sigma) implements SdeModel {
  public CoxIngersollRoss {
    Models.positive("kappa", kappa);
    Models.finite("theta", theta);
    Models.finite("sigma", sigma);
  }

  @Override
  public String name() {
    return "cir";
  }

  @Override
  public int dim() {
    return 1;
  }

  @Override
  public NoiseType noiseType() {
    return NoiseType.DIAGONAL;
  }


  /** The exact process stays non-negative (for theta &gt;= 0); a discretisation can cross zero. */
  @Override
  public boolean inDomain(int i, double value, double[] y0) {
    return theta < 0 || value >= 0;
  }

  @Override
  public String domain() {
    return "y >= 0";
  }

  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    for (int k = 0; k < n; k++) {
      out[k] = kappa * (theta - y[k]);
    }
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    for (int k = 0; k < n; k++) {
      out[k] = sigma * Math.sqrt(Math.max(y[k], 0.0));
    }
  }

  /** g g' = sigma^2 / 2 where Y &gt; 0 (0 at the boundary). */
  @Override
  public boolean diffusionDerivative(double t, double[] y, double[] g, double[] out, int n) {
    for (int k = 0; k < n; k++) {
      out[k] = y[k] > 0 ? 0.5 * sigma * sigma : 0.0;
    }
    return true;
  }

  @Override
  public double[] defaultY0() {
    return new double[] {theta > 0 ? theta : 0.04};
  }

  @Override
  public Marginal marginal(double t, double[] y0) {
    double e = Math.exp(-kappa * t);
    double mean = theta + (y0[0] - theta) * e;
    double var = y0[0] * sigma * sigma / kappa * (e - e * e) + theta * sigma * sigma / (2 * kappa) * (1 - e) * (1 - e);
    return new Marginal() {
      @Override
      public double mean() {
        return mean;
      }

      @Override
      public double variance() {
        return var;
      }

      @Override
      public double density(double x) {
        return Double.NaN;
      }
    };
  }
}
