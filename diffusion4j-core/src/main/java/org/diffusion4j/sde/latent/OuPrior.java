package org.diffusion4j.sde.latent;

import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.diffusion4j.sde.grad.DifferentiableSdeTerm;

/**
 * The one-dimensional OU prior dz = theta (mu - z) dt + sigma dW of a parametric latent SDE, with
 * unconstrained parameters (log theta, mu, log sigma) so that gradient steps keep theta, sigma &gt; 0.
 */
public final class OuPrior implements DifferentiableSdeTerm {
  private double logTheta;
  private double mu;
  private double logSigma;

  public OuPrior(double theta, double mu, double sigma) {
    if (!(theta > 0) || !(sigma > 0) || !Double.isFinite(mu)) {
      throw new IllegalArgumentException("OU prior needs theta > 0, sigma > 0 and finite mu, got theta=" + theta + ", mu=" + mu + ", sigma=" + sigma);
    }
    logTheta = Math.log(theta);
    this.mu = mu;
    logSigma = Math.log(sigma);
  }

  public double theta() {
    return Math.exp(logTheta);
  }

  public double mu() {
    return mu;
  }

  public double sigma() {
    return Math.exp(logSigma);
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
    return new double[] {logTheta, mu, logSigma};
  }

  @Override
  public void setParams(double[] p) {
    if (p == null || p.length != 3) {
      throw new IllegalArgumentException("OU prior takes 3 parameters (log theta, mu, log sigma), got " + (p == null ? "none" : p.length));
    }
    logTheta = p[0];
    mu = p[1];
    logSigma = p[2];
  }

  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    double th = theta();
    for (int k = 0; k < n; k++) {
      out[k] = th * (mu - y[k]);
    }
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    java.util.Arrays.fill(out, 0, n, sigma());
  }

  @Override
  public void vjp(double t, double[] y, double[] fc, double[] gc, double[] yBar, double[] pBar, int n) {
    double th = theta();
    double sg = sigma();
    double a = 0;
    double b = 0;
    double c = 0;
    for (int k = 0; k < n; k++) {
      yBar[k] = -th * fc[k];
      a += fc[k] * th * (mu - y[k]);
      b += fc[k] * th;
      if (gc != null) {
        c += gc[k] * sg;
      }
    }
    if (pBar != null) {
      pBar[0] += a;
      pBar[1] += b;
      pBar[2] += c;
    }
  }
}
