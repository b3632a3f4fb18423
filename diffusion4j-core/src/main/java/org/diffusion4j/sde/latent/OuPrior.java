package org.diffusion4j.sde.latent;

import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.diffusion4j.sde.grad.DifferentiableOu;

/**
 * The one-dimensional OU prior dz = theta (mu - z) dt + sigma dW of a parametric latent SDE: a
 * {@link DifferentiableOu} with unconstrained parameters (log theta, mu, log sigma), so that
 * gradient steps keep theta, sigma &gt; 0.
 */
public final class OuPrior implements LinearPrior {
  private final DifferentiableOu ou;
  private final double[] naturalBar = new double[3];

  public OuPrior(double theta, double mu, double sigma) {
    if (!(theta > 0) || !(sigma > 0) || !Double.isFinite(mu)) {
      throw new IllegalArgumentException("OU prior needs theta > 0, sigma > 0 and finite mu, got theta=" + theta + ", mu=" + mu + ", sigma=" + sigma);
    }
    ou = new DifferentiableOu(theta, mu, sigma, 1);
  }

  public double theta() {
    return ou.params()[0];
  }

  public double mu() {
    return ou.params()[1];
  }

  public double sigma() {
    return ou.params()[2];
  }

  @Override
  public int dim() {
    return 1;
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

  @Override
  public double[] params() {
    double[] p = ou.params();
    return new double[] {Math.log(p[0]), p[1], Math.log(p[2])};
  }

  @Override
  public void setParams(double[] p) {
    if (p == null || p.length != 3) {
      throw new IllegalArgumentException("OU prior takes 3 parameters (log theta, mu, log sigma), got " + (p == null ? "none" : p.length));
    }
    ou.setParams(new double[] {Math.exp(p[0]), p[1], Math.exp(p[2])});
  }

  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    ou.drift(t, y, out, n);
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    ou.diffusion(t, y, out, n);
  }

  /** The natural-parameter VJP of {@link DifferentiableOu}, chained through theta = e^{log theta}, sigma = e^{log sigma}. */
  @Override
  public void vjp(double t, double[] y, double[] fc, double[] gc, double[] yBar, double[] pBar, int n) {
    java.util.Arrays.fill(naturalBar, 0.0);
    ou.vjp(t, y, fc, gc, yBar, naturalBar, n);
    if (pBar != null) {
      pBar[0] += naturalBar[0] * theta();
      pBar[1] += naturalBar[1];
      pBar[2] += naturalBar[2] * sigma();
    }
  }

  @Override
  public double[] driftMatrix() {
    return new double[] {-theta()};
  }

  @Override
  public double[] driftOffset() {
    return new double[] {theta() * mu()};
  }

  @Override
  public double[] noiseMatrix() {
    return new double[] {sigma()};
  }
}
