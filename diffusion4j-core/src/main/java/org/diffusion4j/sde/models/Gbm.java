package org.diffusion4j.sde.models;

import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;

/**
 * Geometric Brownian motion dY = mu Y dt + sigma Y dW per component (diagonal noise), in Ito or
 * Stratonovich form. Exact solution (Kloeden &amp; Platen 1992, eq. 4.4.6):
 * Y_t = Y_0 exp((mu - sigma^2/2) t + sigma W_t) (Ito), Y_0 exp(mu t + sigma W_t) (Stratonovich).
 */
public record Gbm(double mu, double sigma, int dim, Calculus calculus) implements SdeModel {
  public Gbm {
    Models.finite("mu", mu);
    Models.nonNegative("sigma", sigma);
    Models.positiveDim(dim);
  }

  /** One-dimensional Ito GBM. */
  public static Gbm ito(double mu, double sigma) {
    return new Gbm(mu, sigma, 1, Calculus.ITO);
  }

  @Override
  public String name() {
    return "gbm";
  }

  @Override
  public NoiseType noiseType() {
    return NoiseType.DIAGONAL;
  }

  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    for (int k = 0, e = n * dim; k < e; k++) {
      out[k] = mu * y[k];
    }
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    for (int k = 0, e = n * dim; k < e; k++) {
      out[k] = sigma * y[k];
    }
  }

  @Override
  public boolean diffusionDerivative(double t, double[] y, double[] g, double[] out, int n) {
    for (int k = 0, e = n * dim; k < e; k++) {
      out[k] = sigma * g[k];
    }
    return true;
  }

  /** The exact solution y0 exp(...) never changes sign (and stays 0 from 0). */
  @Override
  public boolean inDomain(int i, double value, double[] y0) {
    double start = y0[y0.length == dim ? i : i % dim];
    return start == 0 ? value == 0 : value * Math.signum(start) > 0;
  }

  @Override
  public String domain() {
    return "each component keeps the sign of y0";
  }

  /** The exact solution on a Brownian path with W(t) - W(0) = w. */
  public double exact(double y0, double t, double w) {
    double drift = calculus == Calculus.ITO ? mu - 0.5 * sigma * sigma : mu;
    return y0 * Math.exp(drift * t + sigma * w);
  }

  @Override
  public double[] defaultY0() {
    double[] y = new double[dim];
    java.util.Arrays.fill(y, 1.0);
    return y;
  }

  /** Log-normal: log Y_t ~ N(log y0 + m t, sigma^2 t) with m = mu - sigma^2/2 (Ito) or mu (Stratonovich). */
  @Override
  public Marginal marginal(double t, double[] y0) {
    double y = y0[0];
    double m = Math.log(Math.abs(y)) + (calculus == Calculus.ITO ? mu - 0.5 * sigma * sigma : mu) * t;
    double s2 = sigma * sigma * t;
    double mean = Math.exp(m + 0.5 * s2) * Math.signum(y);
    double var = Math.exp(2 * m + s2) * Math.expm1(s2);
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
        if (y <= 0 || x <= 0 || s2 == 0) {
          return y > 0 && x > 0 ? Double.NaN : 0.0;
        }
        double z = Math.log(x) - m;
        return Math.exp(-z * z / (2 * s2)) / (x * Math.sqrt(2 * Math.PI * s2));
      }
    };
  }
}
