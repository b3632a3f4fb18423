package org.diffusion4j.sde.fbm;

import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.diffusion4j.sde.SdeTerm;
import org.hipparchus.special.Gamma;

/**
 * Markov approximation of fractional Brownian motion (Daems, Opper, Crevecoeur &amp; Birdal 2023,
 * "Variational Inference for SDEs Driven by Fractional Noise", sec. 3; after Harms &amp; Stefanovits
 * 2019): the type-II (Riemann-Liouville) fBM B^H_t = (1/Gamma(H+1/2)) int_0^t (t-s)^{H-1/2} dW_s is
 * approximated by a weighted sum of K Ornstein-Uhlenbeck processes driven by the same W,
 * <pre>  B^H_t ~ sum_k omega_k Y_k(t),   dY_k = -gamma_k Y_k dt + dW,  Y_k(0) = 0,</pre>
 * on the geometric grid gamma_k = r^{k - (K+1)/2} / T. The weights omega are L2-optimal: they minimise
 * int_0^T E[(B^H_t - sum_k omega_k Y_k(t))^2] dt, i.e. solve A omega = b with
 * A_ij = int_0^T (1 - e^{-(g_i+g_j) t}) / (g_i+g_j) dt (closed form) and
 * b_k = int_0^T E[B^H_t Y_k(t)] dt = int_0^T g_k^{-(H+1/2)} P(H+1/2, g_k t) dt (P the regularised
 * lower incomplete gamma function). As a Markov process it can drive an SDE: see {@link #drive}.
 */
public final class MarkovFbm {
  private final double hurst;
  private final double horizon;
  private final double[] gamma;
  private final double[] omega;
  private final double l2Error;

  private MarkovFbm(double hurst, double horizon, double[] gamma) {
    FractionalBrownian.checkHurst(hurst);
    this.hurst = hurst;
    this.horizon = horizon;
    this.gamma = gamma;
    int k = gamma.length;
    double[] a = new double[k * k];
    double[] b = new double[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        double s = gamma[i] + gamma[j];
        a[i * k + j] = horizon / s + Math.expm1(-s * horizon) / (s * s);
      }
      b[i] = crossIntegral(hurst, gamma[i], horizon);
    }
    this.omega = solve(a, b, k);
    double dot = 0;
    for (int i = 0; i < k; i++) {
      dot += omega[i] * b[i];
    }
    double g = Gamma.gamma(hurst + 0.5);
    double total = Math.pow(horizon, 2 * hurst + 1) / (2 * hurst * (2 * hurst + 1) * g * g);
    this.l2Error = Math.max(total - dot, 0.0);
  }

  /** The L2-optimal approximation with K components on the grid gamma_k = r^{k-(K+1)/2} / T. */
  public static MarkovFbm optimal(double hurst, int k, double horizon, double r) {
    if (k < 1 || k > 40) {
      throw new IllegalArgumentException("number of OU components K must be in [1, 40], got " + k);
    }
    if (!(r > 1) || !Double.isFinite(r)) {
      throw new IllegalArgumentException("geometric grid ratio r must be > 1, got " + r);
    }
    if (!(horizon > 0) || !Double.isFinite(horizon)) {
      throw new IllegalArgumentException("horizon T must be > 0, got " + horizon);
    }
    double[] g = new double[k];
    for (int i = 0; i < k; i++) {
      g[i] = Math.pow(r, i + 1 - (k + 1) / 2.0) / horizon;
    }
    return new MarkovFbm(hurst, horizon, g);
  }

  /** As {@link #optimal(double, int, double, double)} with r = 4. */
  public static MarkovFbm optimal(double hurst, int k, double horizon) {
    return optimal(hurst, k, horizon, 4.0);
  }

  /** int_0^T g^{-(H+1/2)} P(H+1/2, g t) dt by composite Simpson in u = t^{(H+1/2)} (smooth at 0). */
  private static double crossIntegral(double h, double g, double horizon) {
    double a = h + 0.5;
    int n = 4000;
    double umax = Math.pow(horizon, a);
    double du = umax / n;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double u = i * du;
      double t = Math.pow(u, 1 / a);
      // dt = (1/a) u^{1/a - 1} du; P(a, g t) ~ (g t)^a / Gamma(a+1) near 0, so the product is smooth.
      double f = i == 0 ? 0.0 : Gamma.regularizedGammaP(a, g * t) * Math.pow(g, -a) * (1 / a) * Math.pow(u, 1 / a - 1);
      sum += f * (i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2));
    }
    return sum * du / 3;
  }

  /**
   * Solves the symmetric positive definite system by Cholesky. A is close to a Cauchy matrix
   * (A_ij ~ T / (g_i + g_j) for large rates), whose condition number grows exponentially in K,
   * so a ridge of 1e-13 of the largest diagonal entry keeps the factorisation defined.
   */
  private static double[] solve(double[] a, double[] b, int k) {
    double[] l = a.clone();
    double maxDiag = 0;
    for (int i = 0; i < k; i++) {
      maxDiag = Math.max(maxDiag, l[i * k + i]);
    }
    for (int i = 0; i < k; i++) {
      l[i * k + i] += 1e-13 * maxDiag;
    }
    for (int j = 0; j < k; j++) {
      double d = l[j * k + j];
      for (int q = 0; q < j; q++) {
        d -= l[j * k + q] * l[j * k + q];
      }
      if (!(d > 0)) {
        throw new IllegalArgumentException("Markov fBM system is numerically singular for K=" + k + "; use fewer components or a larger r");
      }
      d = Math.sqrt(d);
      l[j * k + j] = d;
      for (int i = j + 1; i < k; i++) {
        double s = l[i * k + j];
        for (int q = 0; q < j; q++) {
          s -= l[i * k + q] * l[j * k + q];
        }
        l[i * k + j] = s / d;
      }
    }
    double[] y = new double[k];
    for (int i = 0; i < k; i++) {
      double s = b[i];
      for (int q = 0; q < i; q++) {
        s -= l[i * k + q] * y[q];
      }
      y[i] = s / l[i * k + i];
    }
    double[] x = new double[k];
    for (int i = k - 1; i >= 0; i--) {
      double s = y[i];
      for (int q = i + 1; q < k; q++) {
        s -= l[q * k + i] * x[q];
      }
      x[i] = s / l[i * k + i];
    }
    return x;
  }

  public double hurst() {
    return hurst;
  }

  public double[] gammas() {
    return gamma.clone();
  }

  public double[] weights() {
    return omega.clone();
  }

  /** The minimised objective int_0^T E[(B^H_t - approximation_t)^2] dt. */
  public double l2Error() {
    return l2Error;
  }

  /**
   * Cov of the approximation at s, t: sum_ij w_i w_j e^{-g_i (t - s)} (1 - e^{-(g_i+g_j) s}) / (g_i+g_j), s &lt;= t.
   */
  public double covariance(double s, double t) {
    if (s > t) {
      double x = s;
      s = t;
      t = x;
    }
    double c = 0;
    for (int i = 0; i < gamma.length; i++) {
      for (int j = 0; j < gamma.length; j++) {
        double g = gamma[i] + gamma[j];
        c += omega[i] * omega[j] * Math.exp(-gamma[i] * (t - s)) * -Math.expm1(-g * s) / g;
      }
    }
    return c;
  }

  /**
   * Cov of type-II fBM, (1/Gamma(H+1/2)^2) int_0^s (t-u)^{H-1/2} (s-u)^{H-1/2} du for s &lt;= t,
   * by Simpson's rule after v = (s-u)^{H+1/2}, which removes the endpoint singularity.
   */
  public static double typeTwoCovariance(double hurst, double s, double t) {
    FractionalBrownian.checkHurst(hurst);
    if (s > t) {
      double x = s;
      s = t;
      t = x;
    }
    double g = Gamma.gamma(hurst + 0.5);
    if (s <= 0) {
      return 0;
    }
    double a = hurst + 0.5;
    if (t == s) {
      return Math.pow(s, 2 * hurst) / (2 * hurst * g * g);
    }
    int n = 4000;
    double vmax = Math.pow(s, a);
    double dv = vmax / n;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double w = Math.pow(i * dv, 1 / a); // = s - u
      double f = Math.pow(t - s + w, hurst - 0.5) / a;
      sum += f * (i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2));
    }
    return sum * dv / 3 / (g * g);
  }

  /**
   * The SDE dX = b(t, X) dt + sigma dB^H driven by this approximation, as an augmented Markov SDE
   * in (X, Y_1, ..., Y_K) of dimension d (1 + K):
   * dX = [b(t, X) - sigma sum_k w_k g_k Y_k] dt + sigma (sum_k w_k) dW,  dY_k = -g_k Y_k dt + dW.
   * {@code base} supplies b through its drift (its diffusion is ignored). Noise is one W per
   * component of X: SCALAR for d = 1, GENERAL otherwise. X is the first d components of the state;
   * start the Y_k at 0.
   */
  public SdeTerm drive(SdeTerm base, double sigma) {
    int d = base.dim();
    int k = gamma.length;
    int dim = d * (1 + k);
    double wsum = 0;
    for (double w : omega) {
      wsum += w;
    }
    final double noiseX = sigma * wsum;
    return new SdeTerm() {
      private final ThreadLocal<double[][]> scratch = ThreadLocal.withInitial(() -> new double[2][0]);

      @Override
      public int dim() {
        return dim;
      }

      @Override
      public int noiseDim() {
        return d;
      }

      @Override
      public NoiseType noiseType() {
        return d == 1 ? NoiseType.SCALAR : NoiseType.GENERAL;
      }

      @Override
      public Calculus calculus() {
        return Calculus.ITO;
      }

      @Override
      public void drift(double t, double[] y, double[] out, int n) {
        double[][] s = scratch.get();
        if (s[0].length < n * d) {
          s[0] = new double[n * d];
          s[1] = new double[n * d];
        }
        double[] x = s[0];
        double[] bx = s[1];
        for (int r = 0; r < n; r++) {
          System.arraycopy(y, r * dim, x, r * d, d);
        }
        base.drift(t, x, bx, n);
        for (int r = 0; r < n; r++) {
          int o = r * dim;
          for (int i = 0; i < d; i++) {
            double acc = bx[r * d + i];
            for (int q = 0; q < k; q++) {
              double yq = y[o + d * (q + 1) + i];
              acc -= sigma * omega[q] * gamma[q] * yq;
              out[o + d * (q + 1) + i] = -gamma[q] * yq;
            }
            out[o + i] = acc;
          }
        }
      }

      @Override
      public void diffusion(double t, double[] y, double[] out, int n) {
        if (d == 1) {
          for (int r = 0; r < n; r++) {
            out[r * dim] = noiseX;
            for (int q = 1; q <= k; q++) {
              out[r * dim + q] = 1.0;
            }
          }
          return;
        }
        int per = dim * d;
        java.util.Arrays.fill(out, 0, n * per, 0.0);
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < d; i++) {
            out[r * per + i * d + i] = noiseX;
            for (int q = 1; q <= k; q++) {
              out[r * per + (q * d + i) * d + i] = 1.0;
            }
          }
        }
      }

      @Override
      public boolean diffusionDerivative(double t, double[] y, double[] g, double[] out, int n) {
        java.util.Arrays.fill(out, 0, n * dim, 0.0);
        return true;
      }
    };
  }
}
