package org.diffusion4j.sde.grad;

import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;

/**
 * Ornstein-Uhlenbeck dy = theta (mu - y) dt + sigma dW in d independent components, with the
 * learnable parameters (theta, mu, sigma) shared by the components and analytic VJPs:
 * df/dy = -theta, df/dtheta = mu - y, df/dmu = theta, dg/dsigma = 1. Additive noise.
 */
public final class DifferentiableOu implements DifferentiableSdeTerm {
  private final int dim;
  private double theta;
  private double mu;
  private double sigma;

  public DifferentiableOu(double theta, double mu, double sigma, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("OU dimension must be >= 1, got " + dim);
    }
    this.dim = dim;
    setParams(new double[] {theta, mu, sigma});
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public NoiseType noiseType() {
    return NoiseType.ADDITIVE;
  }

  @Override
  public Calculus calculus() {
    return Calculus.ITO;
  }

  @Override
  public int paramCount() {
    return 3;
  }

  /** (theta, mu, sigma). */
  @Override
  public double[] params() {
    return new double[] {theta, mu, sigma};
  }

  @Override
  public void setParams(double[] p) {
    if (p == null || p.length != 3) {
      throw new IllegalArgumentException("OU takes 3 parameters (theta, mu, sigma), got " + (p == null ? "none" : p.length));
    }
    for (double v : p) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("OU parameters must be finite, got " + java.util.Arrays.toString(p));
      }
    }
    theta = p[0];
    mu = p[1];
    sigma = p[2];
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
  public void vjp(double t, double[] y, double[] driftCot, double[] diffusionCot, double[] yBar, double[] paramBar, int n) {
    double gTheta = 0;
    double gMu = 0;
    double gSigma = 0;
    for (int k = 0, e = n * dim; k < e; k++) {
      double c = driftCot[k];
      yBar[k] = -theta * c;
      gTheta += c * (mu - y[k]);
      gMu += c * theta;
      if (diffusionCot != null) {
        gSigma += diffusionCot[k];
      }
    }
    if (paramBar != null) {
      paramBar[0] += gTheta;
      paramBar[1] += gMu;
      paramBar[2] += gSigma;
    }
  }
}
