package org.diffusion4j.sde.models;

import org.diffusion4j.sde.NoiseType;

/**
 * Overdamped Langevin dynamics in the double-well potential V(y) = y^4/4 - y^2/2:
 * dY = -V'(Y) dt + sigma dW = (Y - Y^3) dt + sigma dW per component (additive noise). Its
 * stationary density is proportional to exp(-2 V(y) / sigma^2).
 */
public record DoubleWell(double sigma, int dim) implements SdeModel {
  public DoubleWell {
    Models.finite("sigma", sigma);
    Models.positiveDim(dim);
  }

  @Override
  public String name() {
    return "double-well";
  }

  @Override
  public NoiseType noiseType() {
    return NoiseType.ADDITIVE;
  }


  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    for (int k = 0, e = n * dim; k < e; k++) {
      double v = y[k];
      out[k] = v - v * v * v;
    }
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    java.util.Arrays.fill(out, 0, n * dim, sigma);
  }

  @Override
  public double[] defaultY0() {
    double[] y = new double[dim];
    java.util.Arrays.fill(y, -1.0);
    return y;
  }
}
