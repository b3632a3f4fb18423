package org.diffusion4j.sde.latent;

import java.util.function.DoubleSupplier;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.grad.DifferentiableField;

/**
 * The optimal posterior control of a latent SDE with a linear prior ({@link LinearPrior}: dz =
 * (A z + c) dt + G dW, e.g. the fractional OU of Daems et al. 2023 as an augmented Markov SDE) and
 * Gaussian observations y_k = z_0(t_k) + N(0, s^2): the Doob h-transform of the prior's Euler chain
 * towards the data, computed by a backward information filter on the solver's grid
 * ({@link SdeSolve#grid} with the same dt and the observation times as save times).
 *
 * <p>With h_i(z) = p(y after t_i | z_i = z) = exp(-z'P_i z/2 + b_i'z + const), F = I + A h and
 * M = I + h G'P_{i+1}G, the control on step i (from t_i, length h) is the conditional mean of the
 * step's Brownian increment divided by h:
 * <pre>  u_i(z) = M^{-1} G' (b_{i+1} - P_{i+1} (F z + c h))</pre>
 * and the recursion is P~ = P' - h P'G M^{-1} G'P', b~ = b' - h P'G M^{-1} G'b', P_i = F'P~F,
 * b_i = F'(b~ - P~ c h), plus e_0 e_0'/s^2 and e_0 y_k/s^2 at an observation time t_k (k &gt;= 1).
 * The posterior of the latent SDE ({@link LatentSde}: same diffusion as the prior, KL = sum |u|^2 h/2)
 * then has the exact posterior's means; its ELBO is the Euler chain's log-likelihood minus the
 * deterministic {@link #discretisationGap()} (the step variance is h, the exact posterior's h M^{-1}),
 * which vanishes as h -&gt; 0. This is the closed form that the paper's posterior network
 * u(t, x, y, context) (VideoNeuralSDE/MAFBM, {@code sde/jax/models.py FractionalSDE.u}) approximates
 * for this prior: affine in (x, y) with coefficients that depend on time and the data.
 *
 * <p>The control has no parameters of its own: it follows the prior's current parameters and the
 * current observation std, recomputing its tables when they change. Its gradient in the prior's
 * parameters is not propagated (the control is held fixed), which at the optimum is the
 * gradient of the ELBO's maximum over controls (the envelope theorem): gradient steps then climb
 * log p(y | theta) - discretisationGap(theta). Row r uses series r mod N.
 */
public final class ExactPosteriorControl implements DifferentiableField {
  private final LinearPrior prior;
  private final ObservedSeries data;
  private final DoubleSupplier obsStd;
  private final double[] grid;
  private final int[] observationAt;
  private final int d;
  private final int m;
  private double[] key;
  private double[] gain;
  private double[] offset;
  private double gap;
  private double[] varianceFactor;
  private double[] klRate;

  /**
   * {@code dt}: the step of the solves that use the control (the grid must match theirs for the
   * control to be exact; another grid uses the entry of the grid point at or before t).
   * {@code obsStd}: the current observation std s (e.g. {@code latent::observationStd}).
   */
  public ExactPosteriorControl(LinearPrior prior, ObservedSeries data, DoubleSupplier obsStd, double dt) {
    if (!(dt > 0) || !Double.isFinite(dt)) {
      throw new IllegalArgumentException("dt must be > 0, got " + dt);
    }
    this.prior = prior;
    this.data = data;
    this.obsStd = obsStd;
    this.d = prior.dim();
    this.m = prior.noiseDim();
    double[] times = data.times();
    this.grid = SdeSolve.grid(times[0], times[times.length - 1], dt, java.util.Arrays.copyOfRange(times, 1, times.length));
    this.observationAt = observationIndex(grid, times);
  }

  /** k such that grid[i] = t_k (k &gt;= 1), else -1. */
  private static int[] observationIndex(double[] grid, double[] times) {
    int[] at = new int[grid.length];
    java.util.Arrays.fill(at, -1);
    for (int k = 1, i = 0; k < times.length; k++) {
      while (i < grid.length && grid[i] < times[k]) {
        i++;
      }
      at[Math.min(i, grid.length - 1)] = k;
    }
    return at;
  }

  @Override
  public int width() {
    return m;
  }

  @Override
  public int paramCount() {
    return 0;
  }

  @Override
  public double[] params() {
    return new double[0];
  }

  @Override
  public void setParams(double[] theta) {
    if (theta != null && theta.length != 0) {
      throw new IllegalArgumentException("the exact posterior control has no parameters, got " + theta.length);
    }
  }

  /** The ELBO's deficit from the log-likelihood summed over the steps, per series: sum_i (tr M_i - m - log det M_i) / 2. */
  public double discretisationGap() {
    refresh();
    return gap;
  }

  /**
   * rho_i = 1 / M_i (one noise component): the exact posterior's variance of the step's Brownian
   * increment relative to h, on the step that contains t; 1 after the last observation.
   */
  double varianceFactor(double t) {
    refresh();
    int i = step(t);
    return i < 0 ? 1.0 : varianceFactor[i];
  }

  /** (rho_i - 1 - log rho_i) / (2 h_i): the KL of a step with variance rho h against h, per unit time. */
  double klRate(double t) {
    refresh();
    int i = step(t);
    return i < 0 ? 0.0 : klRate[i];
  }

  /** One noise component: the only case in which the step variance can be matched. */
  boolean scalarNoise() {
    return m == 1;
  }

  @Override
  public void value(double t, double[] y, double[] out, int n) {
    refresh();
    int i = step(t);
    if (i < 0) {
      java.util.Arrays.fill(out, 0, n * m, 0.0);
      return;
    }
    int series = data.count();
    for (int r = 0; r < n; r++) {
      int s = r % series;
      for (int j = 0; j < m; j++) {
        double acc = offset[(i * series + s) * m + j];
        int g = (i * m + j) * d;
        for (int q = 0; q < d; q++) {
          acc -= gain[g + q] * y[r * d + q];
        }
        out[r * m + j] = acc;
      }
    }
  }

  @Override
  public void vjp(double t, double[] y, double[] cot, double[] yBar, double[] paramBar, int n) {
    refresh();
    java.util.Arrays.fill(yBar, 0, n * d, 0.0);
    int i = step(t);
    if (i < 0) {
      return;
    }
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < m; j++) {
        double c = cot[r * m + j];
        int g = (i * m + j) * d;
        for (int q = 0; q < d; q++) {
          yBar[r * d + q] -= c * gain[g + q];
        }
      }
    }
  }

  /** The grid step that starts at or before t; -1 at or after the last observation. */
  private int step(double t) {
    int steps = grid.length - 1;
    double eps = 1e-9 * (grid[steps] - grid[0]) / steps;
    if (t >= grid[steps] - eps) {
      return -1;
    }
    int lo = 0;
    int hi = steps - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (grid[mid] <= t + eps) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private synchronized void refresh() {
    double[] p = prior.params();
    double[] now = java.util.Arrays.copyOf(p, p.length + 1);
    now[p.length] = obsStd.getAsDouble();
    if (key != null && java.util.Arrays.equals(key, now)) {
      return;
    }
    double s = now[p.length];
    if (!(s > 0)) {
      throw new IllegalArgumentException("observation std must be > 0, got " + s);
    }
    build(1 / (s * s));
    key = now;
  }

  private void build(double precision) {
    double[] a = prior.driftMatrix();
    double[] c = prior.driftOffset();
    double[] g = prior.noiseMatrix();
    int series = data.count();
    int steps = grid.length - 1;
    gain = new double[steps * m * d];
    varianceFactor = new double[steps];
    klRate = new double[steps];
    offset = new double[steps * series * m];
    double[] pm = new double[d * d];
    double[] b = new double[series * d];
    observe(steps, pm, b, precision);
    double total = 0;
    double[] f = new double[d * d];
    double[] gp = new double[m * d];
    double[] mm = new double[m * m];
    double[] minv = new double[m * m];
    double[] k = new double[m * d];
    double[] pTilde = new double[d * d];
    double[] tmp = new double[d * d];
    double[] bt = new double[d];
    double[] gb = new double[m];
    for (int i = steps - 1; i >= 0; i--) {
      double h = grid[i + 1] - grid[i];
      eulerMatrix(a, h, d, f);
      // gp = G' P' (m x d); M = I + h G' P' G
      for (int j = 0; j < m; j++) {
        for (int q = 0; q < d; q++) {
          double acc = 0;
          for (int r = 0; r < d; r++) {
            acc += g[r * m + j] * pm[r * d + q];
          }
          gp[j * d + q] = acc;
        }
      }
      for (int j = 0; j < m; j++) {
        for (int l = 0; l < m; l++) {
          double acc = 0;
          for (int q = 0; q < d; q++) {
            acc += gp[j * d + q] * g[q * m + l];
          }
          mm[j * m + l] = (j == l ? 1 : 0) + h * acc;
        }
      }
      double logDet = invert(mm, minv, m);
      double trace = 0;
      for (int j = 0; j < m; j++) {
        trace += mm[j * m + j];
      }
      total += 0.5 * (trace - m - logDet);
      if (m == 1) {
        double rho = 1 / mm[0];
        varianceFactor[i] = rho;
        klRate[i] = 0.5 * (rho - 1 - Math.log(rho)) / h;
      }
      // k = M^{-1} G'P' (m x d); gain = k F
      multiply(minv, gp, k, m, m, d);
      multiply(k, f, tmp, m, d, d);
      System.arraycopy(tmp, 0, gain, i * m * d, m * d);
      // offset_s = M^{-1} G'(b'_s - P' c h) = M^{-1} G' b'_s - k c h
      for (int s = 0; s < series; s++) {
        for (int j = 0; j < m; j++) {
          double acc = 0;
          for (int r = 0; r < d; r++) {
            acc += g[r * m + j] * b[s * d + r];
          }
          gb[j] = acc;
        }
        for (int j = 0; j < m; j++) {
          double acc = 0;
          for (int l = 0; l < m; l++) {
            acc += minv[j * m + l] * gb[l];
          }
          for (int q = 0; q < d; q++) {
            acc -= k[j * d + q] * c[q] * h;
          }
          offset[(i * series + s) * m + j] = acc;
        }
        // b~_s = b'_s - h P'G M^{-1} G'b'_s = b'_s - h gp' (M^{-1} G' b'_s)
        for (int j = 0; j < m; j++) {
          double acc = 0;
          for (int l = 0; l < m; l++) {
            acc += minv[j * m + l] * gb[l];
          }
          gb[j] = acc;
        }
        for (int q = 0; q < d; q++) {
          double acc = b[s * d + q];
          for (int j = 0; j < m; j++) {
            acc -= h * gp[j * d + q] * gb[j];
          }
          bt[q] = acc;
        }
        // keep b~ in place for the P~ c h correction below
        System.arraycopy(bt, 0, b, s * d, d);
      }
      // P~ = P' - h gp' k
      for (int r = 0; r < d; r++) {
        for (int q = 0; q < d; q++) {
          double acc = pm[r * d + q];
          for (int j = 0; j < m; j++) {
            acc -= h * gp[j * d + r] * k[j * d + q];
          }
          pTilde[r * d + q] = acc;
        }
      }
      symmetrise(pTilde, d);
      // b_i = F'(b~ - P~ c h)
      for (int q = 0; q < d; q++) {
        double acc = 0;
        for (int r = 0; r < d; r++) {
          acc += pTilde[q * d + r] * c[r] * h;
        }
        bt[q] = acc;
      }
      double[] col = new double[d];
      for (int s = 0; s < series; s++) {
        for (int q = 0; q < d; q++) {
          col[q] = b[s * d + q] - bt[q];
        }
        for (int q = 0; q < d; q++) {
          double acc = 0;
          for (int r = 0; r < d; r++) {
            acc += f[r * d + q] * col[r];
          }
          b[s * d + q] = acc;
        }
      }
      // P_i = F' P~ F
      multiply(pTilde, f, tmp, d, d, d);
      for (int r = 0; r < d; r++) {
        for (int q = 0; q < d; q++) {
          double acc = 0;
          for (int l = 0; l < d; l++) {
            acc += f[l * d + r] * tmp[l * d + q];
          }
          pm[r * d + q] = acc;
        }
      }
      symmetrise(pm, d);
      observe(i, pm, b, precision);
    }
    gap = total;
  }

  private void observe(int gridIndex, double[] pm, double[] b, double precision) {
    int k = observationAt[gridIndex];
    if (k < 1) {
      return;
    }
    pm[0] += precision;
    for (int s = 0; s < data.count(); s++) {
      b[s * d] += precision * data.value(s, k);
    }
  }

  /** f = I + A h: the Euler step's state matrix. */
  private static void eulerMatrix(double[] a, double h, int d, double[] f) {
    for (int r = 0; r < d; r++) {
      for (int q = 0; q < d; q++) {
        f[r * d + q] = (r == q ? 1 : 0) + a[r * d + q] * h;
      }
    }
  }

  private static void multiply(double[] x, double[] y, double[] out, int rows, int inner, int cols) {
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < cols; q++) {
        double acc = 0;
        for (int l = 0; l < inner; l++) {
          acc += x[r * inner + l] * y[l * cols + q];
        }
        out[r * cols + q] = acc;
      }
    }
  }

  private static void symmetrise(double[] x, int d) {
    for (int r = 0; r < d; r++) {
      for (int q = r + 1; q < d; q++) {
        double v = 0.5 * (x[r * d + q] + x[q * d + r]);
        x[r * d + q] = v;
        x[q * d + r] = v;
      }
    }
  }

  /** Inverts the symmetric positive definite m x m matrix by Gauss-Jordan; returns log det. */
  private static double invert(double[] a, double[] inv, int m) {
    double[] w = a.clone();
    java.util.Arrays.fill(inv, 0, m * m, 0.0);
    for (int j = 0; j < m; j++) {
      inv[j * m + j] = 1;
    }
    double logDet = 0;
    for (int col = 0; col < m; col++) {
      double piv = w[col * m + col];
      logDet += Math.log(piv);
      for (int q = 0; q < m; q++) {
        w[col * m + q] /= piv;
        inv[col * m + q] /= piv;
      }
      for (int r = 0; r < m; r++) {
        if (r != col) {
          double fct = w[r * m + col];
          for (int q = 0; q < m; q++) {
            w[r * m + q] -= fct * w[col * m + q];
            inv[r * m + q] -= fct * inv[col * m + q];
          }
        }
      }
    }
    return logDet;
  }

  /**
   * log p(y_1..y_K | z(t_0) = (y_0, 0, ..., 0)) summed over the series, of the prior's Euler chain
   * on {@link SdeSolve#grid}(t_0, t_K, dt, observation times): a Kalman filter (mean per series,
   * one shared covariance). The reference the ELBO is measured against.
   */
  public static double logLikelihood(LinearPrior prior, ObservedSeries data, double obsStd, double dt) {
    if (!(obsStd > 0)) {
      throw new IllegalArgumentException("observation std must be > 0, got " + obsStd);
    }
    double[] times = data.times();
    double[] grid = SdeSolve.grid(times[0], times[times.length - 1], dt, java.util.Arrays.copyOfRange(times, 1, times.length));
    int[] at = observationIndex(grid, times);
    int d = prior.dim();
    int m = prior.noiseDim();
    double[] a = prior.driftMatrix();
    double[] c = prior.driftOffset();
    double[] g = prior.noiseMatrix();
    double[] ggt = new double[d * d];
    multiplyTransposed(g, ggt, d, m);
    int series = data.count();
    double[] mean = new double[series * d];
    for (int s = 0; s < series; s++) {
      mean[s * d] = data.value(s, 0);
    }
    double[] cov = new double[d * d];
    double[] f = new double[d * d];
    double[] tmp = new double[d * d];
    double[] next = new double[d];
    double logL = 0;
    double var0 = obsStd * obsStd;
    for (int i = 0; i < grid.length - 1; i++) {
      double h = grid[i + 1] - grid[i];
      eulerMatrix(a, h, d, f);
      for (int s = 0; s < series; s++) {
        for (int r = 0; r < d; r++) {
          double acc = c[r] * h;
          for (int q = 0; q < d; q++) {
            acc += f[r * d + q] * mean[s * d + q];
          }
          next[r] = acc;
        }
        System.arraycopy(next, 0, mean, s * d, d);
      }
      multiply(f, cov, tmp, d, d, d);
      for (int r = 0; r < d; r++) {
        for (int q = 0; q < d; q++) {
          double acc = h * ggt[r * d + q];
          for (int l = 0; l < d; l++) {
            acc += tmp[r * d + l] * f[q * d + l];
          }
          cov[r * d + q] = acc;
        }
      }
      symmetrise(cov, d);
      int k = at[i + 1];
      if (k >= 1) {
        double v = cov[0] + var0;
        for (int s = 0; s < series; s++) {
          double e = data.value(s, k) - mean[s * d];
          logL -= 0.5 * (Math.log(2 * Math.PI * v) + e * e / v);
          for (int r = 0; r < d; r++) {
            mean[s * d + r] += cov[r * d] * e / v;
          }
        }
        for (int r = 0; r < d; r++) {
          for (int q = 0; q < d; q++) {
            tmp[r * d + q] = cov[r * d + q] - cov[r * d] * cov[q * d] / v;
          }
        }
        System.arraycopy(tmp, 0, cov, 0, d * d);
      }
    }
    return logL;
  }

  /** out = G G' (d x d) for G d x m. */
  private static void multiplyTransposed(double[] g, double[] out, int d, int m) {
    for (int r = 0; r < d; r++) {
      for (int q = 0; q < d; q++) {
        double acc = 0;
        for (int j = 0; j < m; j++) {
          acc += g[r * m + j] * g[q * m + j];
        }
        out[r * d + q] = acc;
      }
    }
  }
}
