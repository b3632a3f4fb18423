package org.diffusion4j.sde.models;

import org.diffusion4j.sde.NoiseType;

/**
 * Ornstein-Uhlenbeck dY = theta (mu - Y) dt + sigma dW per component (additive noise). Exact
 * marginal: Y_t ~ N(mu + (y0 - mu) e^{-theta t}, sigma^2 (1 - e^{-2 theta t}) / (2 theta)).
 */
public record OrnsteinUhlenbeck(double theta, double mu, double sigma, int dim) implements SdeModel {
  public OrnsteinUhlenbeck {
    Models.finite("theta", theta);
    Models.finite("mu", mu);
    Models.finite("sigma", sigma);
    Models.positiveDim(dim);
  }

  @Override
  public String name() {
    return "ou";
  }

  @Override
  public NoiseType noiseType() {
    return NoiseType.ADDITIVE;
  }


  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    for (int k = 0, e = n * dim; k < e; k++) {
      out[k] = theta * (mu - y[k]);
    }
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    java.util.Arrays.fill(out, 0, n * dim, sigma);
  }

  @Override
  public boolean diffusionDerivative(double t, double[] y, double[] g, double[] out, int n) {
    java.util.Arrays.fill(out, 0, n * dim, 0.0);
    return true;
  }

  @Override
  public double[] defaultY0() {
    return new double[dim];
  }

  @Override
  public Marginal marginal(double t, double[] y0) {
    double mean = mu + (y0[0] - mu) * Math.exp(-theta * t);
    double var = theta == 0 ? sigma * sigma * t : sigma * sigma * -Math.expm1(-2 * theta * t) / (2 * theta);
    return Models.normal(mean, var);
  }
}
