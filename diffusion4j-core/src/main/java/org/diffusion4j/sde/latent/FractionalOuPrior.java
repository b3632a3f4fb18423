package org.diffusion4j.sde.latent;

import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.diffusion4j.sde.fbm.MarkovFbm;

/**
 * The prior of fractional-noise variational inference (Daems, Opper, Crevecoeur &amp; Birdal 2023,
 * "Variational Inference for SDEs Driven by Fractional Noise", sec. 3-4): a fractional OU
 * dX = theta (mu - X) dt + sigma dB^H with B^H the Markov approximation of type-II fBM by K OU
 * processes (see {@link MarkovFbm}), written as the augmented Markov SDE in (X, Y_1..Y_K):
 * <pre>
 *   dX   = [theta (mu - X) - sigma sum_k w_k g_k Y_k] dt + sigma (sum_k w_k) dW,
 *   dY_k = -g_k Y_k dt + dW,      Y_k(0) = 0,
 * </pre>
 * one Brownian motion (SCALAR noise). The weights w(H) are the closed-form L2-optimal ones of
 * {@link MarkovFbm#optimal} (the linear system A w = b(H)), recomputed when H changes, so the
 * Hurst index is a learnable parameter: dw/dH = A^{-1} db/dH, taken here by a central difference
 * of the optimal weights (step 1e-5). Parameters (log theta, mu, log sigma, eta) with
 * H = 0.02 + 0.96 sigmoid(eta).
 */
public final class FractionalOuPrior implements LinearPrior {
  private static final double H_STEP = 1e-5;
  private final int k;
  private final double horizon;
  private final double ratio;
  private double logTheta;
  private double mu;
  private double logSigma;
  private double eta = Double.NaN;
  private double hurst;
  private double[] gamma;
  private double[] w;
  private double[] dw;

  /** K OU components on the grid g_k = r^{k - (K+1)/2} / T over the horizon T. */
  public FractionalOuPrior(double theta, double mu, double sigma, double hurst, int k, double horizon, double ratio) {
    if (!(theta > 0) || !(sigma > 0) || !Double.isFinite(mu)) {
      throw new IllegalArgumentException("fractional OU prior needs theta > 0, sigma > 0 and finite mu, got theta=" + theta + ", mu=" + mu + ", sigma=" + sigma);
    }
    if (!(hurst > 0.02 && hurst < 0.98)) {
      throw new IllegalArgumentException("Hurst index must be in (0.02, 0.98), got " + hurst);
    }
    this.k = k;
    this.horizon = horizon;
    this.ratio = ratio;
    this.logTheta = Math.log(theta);
    this.mu = mu;
    this.logSigma = Math.log(sigma);
    double x = (hurst - 0.02) / 0.96;
    setEta(Math.log(x / (1 - x)));
  }

  private void setEta(double e) {
    if (e == eta) {
      return;
    }
    eta = e;
    hurst = 0.02 + 0.96 / (1 + Math.exp(-e));
    MarkovFbm mid = MarkovFbm.optimal(hurst, k, horizon, ratio);
    gamma = mid.gammas();
    w = mid.weights();
    double[] up = MarkovFbm.optimal(Math.min(hurst + H_STEP, 0.999), k, horizon, ratio).weights();
    double[] down = MarkovFbm.optimal(Math.max(hurst - H_STEP, 0.001), k, horizon, ratio).weights();
    double span = Math.min(hurst + H_STEP, 0.999) - Math.max(hurst - H_STEP, 0.001);
    dw = new double[k];
    for (int i = 0; i < k; i++) {
      dw[i] = (up[i] - down[i]) / span;
    }
  }

  public double hurst() {
    return hurst;
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
    return k + 1;
  }

  @Override
  public NoiseType noiseType() {
    return NoiseType.SCALAR;
  }

  @Override
  public Calculus calculus() {
    return Calculus.ITO; // the diffusion does not depend on the state: Ito = Stratonovich
  }

  @Override
  public int paramCount() {
    return 4;
  }

  @Override
  public double[] params() {
    return new double[] {logTheta, mu, logSigma, eta};
  }

  @Override
  public void setParams(double[] p) {
    if (p == null || p.length != 4) {
      throw new IllegalArgumentException("fractional OU prior takes 4 parameters (log theta, mu, log sigma, eta), got " + (p == null ? "none" : p.length));
    }
    logTheta = p[0];
    mu = p[1];
    logSigma = p[2];
    setEta(p[3]);
  }

  @Override
  public void drift(double t, double[] y, double[] out, int n) {
    double th = theta();
    double sg = sigma();
    int dim = k + 1;
    for (int r = 0; r < n; r++) {
      int o = r * dim;
      double acc = th * (mu - y[o]);
      for (int q = 0; q < k; q++) {
        double yq = y[o + 1 + q];
        acc -= sg * w[q] * gamma[q] * yq;
        out[o + 1 + q] = -gamma[q] * yq;
      }
      out[o] = acc;
    }
  }

  @Override
  public void diffusion(double t, double[] y, double[] out, int n) {
    double noiseX = sigma() * sum(w);
    int dim = k + 1;
    for (int r = 0; r < n; r++) {
      out[r * dim] = noiseX;
      for (int q = 1; q <= k; q++) {
        out[r * dim + q] = 1.0;
      }
    }
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  @Override
  public void vjp(double t, double[] y, double[] fc, double[] gc, double[] yBar, double[] pBar, int n) {
    double th = theta();
    double sg = sigma();
    int dim = k + 1;
    double s = (hurst - 0.02) / 0.96;
    double dH = 0.96 * s * (1 - s); // dH/deta
    double gTheta = 0;
    double gMu = 0;
    double gSigma = 0;
    double gH = 0;
    double sumW = sum(w);
    double sumDw = sum(dw);
    for (int r = 0; r < n; r++) {
      int o = r * dim;
      double cx = fc[o];
      yBar[o] = -th * cx;
      double memory = 0;
      double memoryDh = 0;
      for (int q = 0; q < k; q++) {
        double yq = y[o + 1 + q];
        yBar[o + 1 + q] = -sg * w[q] * gamma[q] * cx - gamma[q] * fc[o + 1 + q];
        memory += w[q] * gamma[q] * yq;
        memoryDh += dw[q] * gamma[q] * yq;
      }
      gTheta += cx * th * (mu - y[o]);
      gMu += cx * th;
      gSigma -= cx * sg * memory;
      gH -= cx * sg * memoryDh;
      if (gc != null) {
        gSigma += gc[o] * sg * sumW;
        gH += gc[o] * sg * sumDw;
      }
    }
    if (pBar != null) {
      pBar[0] += gTheta;
      pBar[1] += gMu;
      pBar[2] += gSigma;
      pBar[3] += gH * dH;
    }
  }

  /** A: row 0 = (-theta, -sigma w_1 g_1, ..., -sigma w_K g_K), row k = -g_k e_k. */
  @Override
  public double[] driftMatrix() {
    int dim = k + 1;
    double[] a = new double[dim * dim];
    a[0] = -theta();
    for (int q = 0; q < k; q++) {
      a[1 + q] = -sigma() * w[q] * gamma[q];
      a[(1 + q) * dim + 1 + q] = -gamma[q];
    }
    return a;
  }

  @Override
  public double[] driftOffset() {
    double[] c = new double[k + 1];
    c[0] = theta() * mu;
    return c;
  }

  /** G = (sigma sum_k w_k, 1, ..., 1): one Brownian motion drives X and every Y_k. */
  @Override
  public double[] noiseMatrix() {
    double[] g = new double[k + 1];
    java.util.Arrays.fill(g, 1.0);
    g[0] = sigma() * sum(w);
    return g;
  }
}
