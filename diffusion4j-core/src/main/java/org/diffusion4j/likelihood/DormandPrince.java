package org.diffusion4j.likelihood;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.VectorField;

/**
 * Adaptive Dormand-Prince 5(4) (Dormand &amp; Prince 1980; Hairer, Norsett &amp; Wanner, "Solving
 * ODEs I", Sec. II.4-II.5), local extrapolation and FSAL, the solver of scipy's RK45 used by
 * Song et al. 2021 for likelihoods.
 *
 * <p>Error norm: for each row (one state) the RMS of e_j / (atol + rtol max(|y_j|, |y_new_j|))
 * (Hairer Eq. II.4.11), and the step's error is the largest over rows, so a shared step is
 * accurate for every state of the batch (an RMS over the whole batch would let one hard row hide
 * among easy ones). Step-size update h_new = h min(5, max(0.2, 0.9 err^(-1/5))) (Eq. II.4.13);
 * initial step by Hairer's rule h0 = 0.01 ||y0|| / ||F(t0, y0)||.
 */
public final class DormandPrince implements OdeSolver {
  private final double rtol;
  private final double atol;
  private final int maxSteps;

  /**
   * @param rtol relative tolerance, in (0, 1)
   * @param atol absolute tolerance, &gt; 0 (the log-det column starts at exactly 0)
   * @param maxSteps maximum number of steps (accepted + rejected) before giving up
   */
  public DormandPrince(double rtol, double atol, int maxSteps) {
    if (!(rtol > 0 && rtol < 1)) {
      throw new IllegalArgumentException("rtol must be in (0, 1), got " + rtol);
    }
    if (!(atol > 0) || !Double.isFinite(atol)) {
      throw new IllegalArgumentException("atol must be finite and > 0, got " + atol);
    }
    if (rtol < 1e-13) {
      throw new IllegalArgumentException("rtol " + rtol + " is below what double precision can deliver (>= 1e-13)");
    }
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
    }
    this.rtol = rtol;
    this.atol = atol;
    this.maxSteps = maxSteps;
  }

  public DormandPrince(double rtol, double atol) {
    this(rtol, atol, 100_000);
  }

  public double rtol() {
    return rtol;
  }

  public double atol() {
    return atol;
  }

  @Override
  public Stats solve(VectorField rhs, Batch y, double t0, double t1, StepListener listener) {
    if (!(t1 > t0)) {
      throw new IllegalArgumentException("integration interval must have t1 > t0, got [" + t0 + ", " + t1 + "]");
    }
    ButcherTableau tab = ButcherTableau.DOPRI5;
    RungeKutta rk = new RungeKutta(tab, y);
    Batch next = y.zerosLike();
    Batch err = y.zerosLike();
    rhs.evaluate(y, t0, rk.k(0));
    OdeSolver.requireFinite(rk.k(0), 0, t0);
    int nfe = 1;
    double span = t1 - t0;
    double h = initialStep(y, rk.k(0), span);
    double t = t0;
    int accepted = 0;
    int rejected = 0;
    while (t < t1) {
      if (accepted + rejected >= maxSteps) {
        throw new IllegalStateException("Dormand-Prince gave up after " + maxSteps + " steps at t = " + t
            + " (rtol " + rtol + ", atol " + atol + "): the ODE is too stiff for these tolerances");
      }
      boolean last = t + h >= t1 || (t1 - (t + h)) < 1e-12 * span;
      if (last) {
        h = t1 - t;
      }
      nfe += rk.step(rhs, t, y, h, true, next, accepted + rejected);
      rk.error(h, err);
      double e = errorNorm(y, next, err);
      if (e <= 1) {
        t = last ? t1 : t + h;
        y.setFrom(next);
        rk.k(0).setFrom(rk.k(tab.stages() - 1));
        accepted++;
        listener.onStep(t, accepted, nfe);
      } else {
        rejected++;
      }
      double factor = e == 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * Math.pow(e, -0.2)));
      if (e > 1) {
        factor = Math.min(factor, 1);
      }
      h *= factor;
      if (t < t1 && h < 1e-14 * Math.max(1, Math.abs(t))) {
        throw new IllegalStateException("Dormand-Prince step size underflow (h = " + h + ") at t = " + t);
      }
    }
    return new Stats(accepted, rejected, nfe);
  }

  private double errorNorm(Batch y, Batch yNew, Batch err) {
    int n = y.n();
    int d = y.d();
    double[] a = y.data();
    double[] b = yNew.data();
    double[] e = err.data();
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = i * d, end = j + d; j < end; j++) {
        double sc = atol + rtol * Math.max(Math.abs(a[j]), Math.abs(b[j]));
        double r = e[j] / sc;
        s += r * r;
      }
      double rms = Math.sqrt(s / d);
      if (!(rms <= worst)) {
        worst = rms; // also propagates NaN, which rejects the step
      }
    }
    return Double.isNaN(worst) ? Double.POSITIVE_INFINITY : worst;
  }

  private double initialStep(Batch y, Batch f, double span) {
    int n = y.n();
    int d = y.d();
    double[] a = y.data();
    double[] b = f.data();
    double d0 = 0;
    double d1 = 0;
    for (int i = 0; i < n; i++) {
      double s0 = 0;
      double s1 = 0;
      for (int j = i * d, end = j + d; j < end; j++) {
        double sc = atol + rtol * Math.abs(a[j]);
        s0 += (a[j] / sc) * (a[j] / sc);
        s1 += (b[j] / sc) * (b[j] / sc);
      }
      d0 = Math.max(d0, Math.sqrt(s0 / d));
      d1 = Math.max(d1, Math.sqrt(s1 / d));
    }
    double h = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 * span : 0.01 * d0 / d1;
    return Math.min(h, span);
  }

  @Override
  public String describe() {
    return "dopri5 (rtol " + rtol + ", atol " + atol + ")";
  }
}
