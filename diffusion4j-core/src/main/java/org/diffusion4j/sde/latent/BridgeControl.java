package org.diffusion4j.sde.latent;

import org.diffusion4j.sde.grad.DifferentiableField;

/**
 * A posterior control conditioned on the data (the "context" of a latent SDE, here the next
 * observation instead of an encoder's summary), with tau = t_next - t:
 * <pre>  u_0(t, z) = [alpha (y_next - z_0) + (a + sum_i b_i z_i) tau] / (tau + beta),</pre>
 * other components 0, with y_next the next observation of the row's series after t, and u = 0
 * after the last one. It is the small-tau form of the Doob h-transform of an OU prior
 * h = theta (mu - z), g = sigma towards a noisy next observation,
 * sigma u = [y - z - h tau] / (tau + s^2/sigma^2) + O(tau), i.e. alpha ~ 1/sigma, beta ~ s^2/sigma^2,
 * a + b z ~ -h(z)/sigma (near the observation the prior drift is cancelled and the path is a
 * bridge). The linear part reads the whole state, so it can also cancel drift terms of auxiliary
 * components (the memory term of a fractional prior). Parameters (log alpha, log beta, a, b_1..b_d).
 * Row r uses series r mod N.
 */
public final class BridgeControl implements DifferentiableField {
  private final ObservedSeries data;
  private final int width;
  private final int stateDim;
  private double logAlpha;
  private double logBeta;
  private double a;
  private final double[] b;

  /** {@code width}: the prior's noise dimension m; {@code stateDim}: its state dimension d (component 0 is observed). */
  public BridgeControl(ObservedSeries data, int width, int stateDim, double alpha, double beta) {
    if (width < 1 || stateDim < 1) {
      throw new IllegalArgumentException("bridge control needs width and state dimension >= 1, got " + width + ", " + stateDim);
    }
    if (!(alpha > 0) || !(beta > 0)) {
      throw new IllegalArgumentException("bridge control needs alpha > 0 and beta > 0, got " + alpha + ", " + beta);
    }
    this.data = data;
    this.width = width;
    this.stateDim = stateDim;
    this.logAlpha = Math.log(alpha);
    this.logBeta = Math.log(beta);
    this.b = new double[stateDim];
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int paramCount() {
    return 3 + stateDim;
  }

  @Override
  public double[] params() {
    double[] p = new double[3 + stateDim];
    p[0] = logAlpha;
    p[1] = logBeta;
    p[2] = a;
    System.arraycopy(b, 0, p, 3, stateDim);
    return p;
  }

  @Override
  public void setParams(double[] p) {
    if (p == null || p.length != 3 + stateDim) {
      throw new IllegalArgumentException("bridge control takes " + (3 + stateDim) + " parameters (log alpha, log beta, a, b_1..b_d), got "
          + (p == null ? "none" : p.length));
    }
    logAlpha = p[0];
    logBeta = p[1];
    a = p[2];
    System.arraycopy(p, 3, b, 0, stateDim);
  }

  @Override
  public void value(double t, double[] y, double[] out, int n) {
    java.util.Arrays.fill(out, 0, n * width, 0.0);
    int next = data.nextIndex(t);
    if (next >= data.length()) {
      return;
    }
    double alpha = Math.exp(logAlpha);
    double tau = data.time(next) - t;
    double inv = 1.0 / (tau + Math.exp(logBeta));
    int series = data.count();
    for (int r = 0; r < n; r++) {
      int o = r * stateDim;
      out[r * width] = inv * (alpha * (data.value(r % series, next) - y[o]) + linear(y, o) * tau);
    }
  }

  private double linear(double[] y, int o) {
    double s = a;
    for (int i = 0; i < stateDim; i++) {
      s += b[i] * y[o + i];
    }
    return s;
  }

  @Override
  public void vjp(double t, double[] y, double[] cot, double[] yBar, double[] paramBar, int n) {
    java.util.Arrays.fill(yBar, 0, n * stateDim, 0.0);
    int next = data.nextIndex(t);
    if (next >= data.length()) {
      return;
    }
    double alpha = Math.exp(logAlpha);
    double beta = Math.exp(logBeta);
    double tau = data.time(next) - t;
    double inv = 1.0 / (tau + beta);
    int series = data.count();
    double gAlpha = 0;
    double gBeta = 0;
    double gA = 0;
    for (int r = 0; r < n; r++) {
      double c = cot[r * width];
      int o = r * stateDim;
      double pull = alpha * (data.value(r % series, next) - y[o]);
      double u = inv * (pull + linear(y, o) * tau);
      for (int i = 0; i < stateDim; i++) {
        yBar[o + i] = c * inv * tau * b[i];
      }
      yBar[o] -= c * inv * alpha;
      gAlpha += c * inv * pull;
      gBeta -= c * u * beta * inv;
      gA += c * inv * tau;
      if (paramBar != null) {
        for (int i = 0; i < stateDim; i++) {
          paramBar[3 + i] += c * inv * tau * y[o + i];
        }
      }
    }
    if (paramBar != null) {
      paramBar[0] += gAlpha;
      paramBar[1] += gBeta;
      paramBar[2] += gA;
    }
  }
}
