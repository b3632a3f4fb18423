package org.diffusion4j.sde.models;

import org.diffusion4j.sde.NoiseType;

/**
 * Stochastic Lorenz system (as in torchsde's examples): the Lorenz (1963) drift
 * (s (y - x), x (rho - z) - y, x y - beta z) with diagonal multiplicative noise alpha_i y_i dW_i (Ito).
 */
public record StochasticLorenz(double s, double rho, double beta, double a1, double a2, double a3) implements SdeModel {
  public StochasticLorenz {
    Models.finite("s", s);
    Models.finite("rho", rho);
    Models.finite("beta", beta);
    Models.finite("a1", a1);
    Models.finite("a2", a2);
    Models.finite("a3", a3);
  }

  @Override
  public String name() {
    return "lorenz";
  }

  @Override
  public int dim() {
    return 3;
  }

  @Override
  public NoiseType noiseType() {
    return NoiseType.DIAGONAL;
  }


  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    for (int r = 0; r < n; r++) {
      int o = 3 * r;
      double x = y[o];
      double v = y[o + 1];
      double z = y[o + 2];
      out[o] = s * (v - x);
      out[o + 1] = x * (rho - z) - v;
      out[o + 2] = x * v - beta * z;
    }
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    for (int r = 0; r < n; r++) {
      int o = 3 * r;
      out[o] = a1 * y[o];
      out[o + 1] = a2 * y[o + 1];
      out[o + 2] = a3 * y[o + 2];
    }
  }

  @Override
  public double[] defaultY0() {
    return new double[] {1.0, 1.0, 1.0};
  }
}
