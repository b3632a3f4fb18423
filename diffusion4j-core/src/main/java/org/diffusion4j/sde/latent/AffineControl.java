package org.diffusion4j.sde.latent;

import org.diffusion4j.sde.grad.DifferentiableField;

/**
 * The control u(t, z) = a + b z_i per component (m = d), parameters (a, b): with a prior drift h
 * and shared diffusion g, the posterior drift h + g u is again affine in z. Between two OU
 * processes with the same sigma, f_post - f_prior = sigma u gives a = (theta1 mu1 - theta2 mu2) / sigma,
 * b = (theta2 - theta1) / sigma.
 */
public final class AffineControl implements DifferentiableField {
  private final int dim;
  private double a;
  private double b;

  public AffineControl(double a, double b, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("control dimension must be >= 1, got " + dim);
    }
    this.dim = dim;
    this.a = a;
    this.b = b;
  }

  @Override
  public int width() {
    return dim;
  }

  @Override
  public int paramCount() {
    return 2;
  }

  @Override
  public double[] params() {
    return new double[] {a, b};
  }

  @Override
  public void setParams(double[] p) {
    if (p == null || p.length != 2) {
      throw new IllegalArgumentException("affine control takes 2 parameters (a, b), got " + (p == null ? "none" : p.length));
    }
    a = p[0];
    b = p[1];
  }

  @Override
  public void value(double t, double[] y, double[] out, int n) {
    for (int k = 0, e = n * dim; k < e; k++) {
      out[k] = a + b * y[k];
    }
  }

  @Override
  public void vjp(double t, double[] y, double[] cot, double[] yBar, double[] paramBar, int n) {
    double ga = 0;
    double gb = 0;
    for (int k = 0, e = n * dim; k < e; k++) {
      yBar[k] = cot[k] * b;
      ga += cot[k];
      gb += cot[k] * y[k];
    }
    if (paramBar != null) {
      paramBar[0] += ga;
      paramBar[1] += gb;
    }
  }
}
