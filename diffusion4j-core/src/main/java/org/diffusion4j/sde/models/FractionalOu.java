package org.diffusion4j.sde.models;

import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.diffusion4j.sde.SdeTerm;
import org.diffusion4j.sde.fbm.MarkovFbm;

/**
 * Fractional Ornstein-Uhlenbeck dX = theta (mu - X) dt + sigma dB^H, with B^H the Markov
 * approximation of (type-II) fractional Brownian motion by K Ornstein-Uhlenbeck processes
 * (Daems et al. 2023; see {@link MarkovFbm}). The state is (X, Y_1, ..., Y_K): component 0 is X,
 * the others are the auxiliary OU processes (start them at 0). The weights are L2-optimal over
 * the horizon [0, 1].
 */
public final class FractionalOu implements SdeModel {
  private final double theta;
  private final double mu;
  private final double sigma;
  private final MarkovFbm noise;
  private final SdeTerm term;

  public FractionalOu(double theta, double mu, double sigma, double hurst, int k) {
    Models.finite("theta", theta);
    Models.finite("mu", mu);
    Models.finite("sigma", sigma);
    this.theta = theta;
    this.mu = mu;
    this.sigma = sigma;
    this.noise = MarkovFbm.optimal(hurst, k, 1.0);
    this.term = noise.drive(new OrnsteinUhlenbeck(theta, mu, 0.0, 1), sigma);
  }

  public MarkovFbm noise() {
    return noise;
  }

  @Override
  public String name() {
    return "fou";
  }

  @Override
  public int dim() {
    return term.dim();
  }

  @Override
  public int noiseDim() {
    return term.noiseDim();
  }

  @Override
  public NoiseType noiseType() {
    return term.noiseType();
  }

  @Override
  public Calculus calculus() {
    return term.calculus();
  }

  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    term.drift(t, y, out, n);
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    term.diffusion(t, y, out, n);
  }

  @Override
  public boolean diffusionDerivative(double t, double[] y, double[] g, double[] out, int n) {
    return term.diffusionDerivative(t, y, g, out, n);
  }

  @Override
  public double[] defaultY0() {
    double[] y = new double[dim()];
    y[0] = mu;
    return y;
  }

  @Override
  public String toString() {
    return "FractionalOu[theta=" + theta + ", mu=" + mu + ", sigma=" + sigma + ", H=" + noise.hurst()
        + ", K=" + noise.gammas().length + "]";
  }
}
