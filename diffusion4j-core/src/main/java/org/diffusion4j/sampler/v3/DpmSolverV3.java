package org.diffusion4j.sampler.v3;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;

/**
 * DPM-Solver-v3 (Zheng et al. 2023, "DPM-Solver-v3: Improved Diffusion ODE Solver with
 * Empirical Model Statistics"): a multistep predictor-corrector exponential integrator of the
 * probability-flow ODE in lambda whose linear part and whose Taylor-expanded residual are
 * chosen from the model's empirical statistics {@link Ems}.
 *
 * <p>With N = sigma eps - l x (Eq. 6), f = N / alpha and g the residual of f after the fitted
 * first-order model f' ~ s f + b (Eq. 8-10), the step from lambda_s to lambda_t is (Eq. 11-13)
 * <pre>
 *   x_t = (alpha_t/alpha_s) e^{-(L_t - L_s)} x_s
 *         - alpha_t e^{-(L_t - L_s)} [ i0 g_s + bias + sum_{k&gt;=1} taylor_k g^(k)(lambda_s) ]
 *   g(r) = e^{S_s - S(r)} f(r) - Bh(r)                       (g(lambda_s) = f_s)
 * </pre>
 * with the integrals of {@link StepIntegrals}. The derivatives g^(k) come from the previous
 * points: exactly, by solving the Taylor (Vandermonde) system of the interpolating polynomial,
 * or with the paper's pseudo-order (Sec. 3.4), by Newton divided differences times k!, which
 * is more stable at very few steps. The corrector (Sec. 3.4, as UniC of Zhao et al. 2023)
 * redoes the previous step once the model has been evaluated at its end point, with one order
 * more, keeping that evaluation's N fixed so no extra NFE is spent. {@link Corrector#HALF}
 * applies it only in the noisier half of the time range (t above the midpoint of the grid's
 * time range) where large steps make it most useful and least harmful.
 *
 * @param order predictor order 1-3 (multistep; lower at the start)
 * @param pseudoOrder use divided differences (pseudo-order) instead of exact Taylor derivatives
 * @param corrector when to apply the corrector
 * @param lowerOrderFinal lower the order in the last steps (order &lt;= steps remaining)
 */
public record DpmSolverV3(int order, boolean pseudoOrder, Corrector corrector, boolean lowerOrderFinal) {
  /** Where the corrector runs. */
  public enum Corrector { NONE, FULL, HALF }

  public DpmSolverV3 {
    if (order < 1 || order > 3) {
      throw new IllegalArgumentException("DPM-Solver-v3 order must be 1, 2 or 3, got " + order);
    }
    if (corrector == null) {
      throw new IllegalArgumentException("corrector must be NONE, FULL or HALF");
    }
  }

  /** A point of the history: lambda, state, N = sigma eps - l x (per coordinate, fixed once computed), f = N/alpha. */
  private record Point(double lambda, Batch x, Batch f) {}

  /**
   * Integrates from {@code xT} at {@code times[0]} through the decreasing {@code times}; one model
   * evaluation per step. The model may predict any kind; it is viewed as a noise predictor.
   */
  public Batch sample(Denoiser model, GaussianPath path, Ems ems, Batch xT, double[] times) {
    if (ems.dim() != xT.d() || model.dim() != xT.d()) {
      throw new IllegalArgumentException("EMS dimension " + ems.dim() + ", model " + model.dim() + " and state "
          + xT.d() + " must agree");
    }
    checkTimes(path, times);
    Denoiser eps = Predictions.as(model, path, Prediction.EPSILON);
    int steps = times.length - 1;
    double tMid = 0.5 * (times[0] + times[steps]);
    List<Point> hist = new ArrayList<>();
    Batch x = xT.copy();
    Batch e = xT.zerosLike();
    int prevOrder = 0;
    double[] lvec = new double[xT.d()];
    for (int i = 0; i < steps; i++) {
      double t = times[i];
      eps.predict(x, t, e);
      int bad = e.firstNonFinite();
      if (bad >= 0) {
        throw new IllegalStateException("model returned " + e.data()[bad] + " at step " + i + ", t=" + t
            + " (row " + bad / e.d() + ")");
      }
      double lam = path.lambda(t);
      ems.l(lam, lvec);
      Batch f = fOf(path, t, lvec, x, e);
      Point now = new Point(lam, x.copy(), f);
      boolean correct = i > 0 && (corrector == Corrector.FULL || (corrector == Corrector.HALF && t >= tMid));
      if (correct) {
        // Redo step i-1 -> i using the new point as well: base = hist[last], then now, then older.
        int c = Math.min(prevOrder + 1, hist.size() + 1);
        List<Point> pts = new ArrayList<>();
        pts.add(hist.get(hist.size() - 1));
        pts.add(now);
        for (int k = hist.size() - 2; pts.size() < c && k >= 0; k--) {
          pts.add(hist.get(k));
        }
        Batch corrected = step(path, ems, pts, lam, times[i - 1], t);
        // Keep N = sigma eps - l x of this evaluation; f = N / alpha is unchanged, only x moves.
        now = new Point(lam, corrected, f);
        x.setFrom(corrected);
      }
      hist.add(now);
      if (hist.size() > 4) {
        hist.remove(0);
      }
      int p = Math.min(order, i + 1);
      if (lowerOrderFinal) {
        p = Math.min(p, steps - i);
      }
      List<Point> pts = new ArrayList<>();
      for (int k = hist.size() - 1; pts.size() < p; k--) {
        pts.add(hist.get(k));
      }
      x = step(path, ems, pts, path.lambda(times[i + 1]), t, times[i + 1]);
      prevOrder = p;
    }
    return x;
  }

  /** f = (sigma eps - l x) / alpha. */
  private static Batch fOf(GaussianPath path, double t, double[] l, Batch x, Batch e) {
    double a = path.alpha(t);
    double s = path.sigma(t);
    int d = x.d();
    Batch f = x.zerosLike();
    double[] xs = x.data();
    double[] es = e.data();
    double[] fs = f.data();
    for (int i = 0; i < xs.length; i++) {
      fs[i] = (s * es[i] - l[i % d] * xs[i]) / a;
    }
    return f;
  }

  /** One update from pts[0] (the base, at time ts) to lambda lt (time tt) using all pts. */
  private Batch step(GaussianPath path, Ems ems, List<Point> pts, double lt, double ts, double tt) {
    Point base = pts.get(0);
    int n = pts.size() - 1;
    StepIntegrals in = new StepIntegrals(ems, base.lambda(), lt, n);
    int d = base.x().d();
    int size = base.x().size();
    // g_j = e^{S_s - S_j} f_j - Bh(lambda_j)
    double[][] g = new double[n + 1][];
    g[0] = base.f().data();
    double[] dl = new double[n + 1];
    for (int j = 1; j <= n; j++) {
      Point p = pts.get(j);
      dl[j] = p.lambda() - base.lambda();
      double[] sh = in.shiftS(p.lambda());
      double[] bh = in.bh(p.lambda());
      double[] fj = p.f().data();
      double[] gj = new double[size];
      for (int i = 0; i < size; i++) {
        gj[i] = sh[i % d] * fj[i] - bh[i % d];
      }
      g[j] = gj;
    }
    double[][] deriv = derivatives(dl, g, size);
    double at = path.alpha(tt);
    double as = path.alpha(ts);
    Batch out = base.x().zerosLike();
    double[] o = out.data();
    double[] xs = base.x().data();
    for (int i = 0; i < size; i++) {
      int j = i % d;
      double acc = in.i0[j] * g[0][i] + in.bias[j];
      for (int k = 1; k <= n; k++) {
        acc += in.taylor[k][j] * deriv[k][i];
      }
      o[i] = at / as * in.shrink[j] * xs[i] - at * in.shrink[j] * acc;
    }
    int bad = out.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalStateException("DPM-Solver-v3 produced a non-finite state stepping to t=" + tt);
    }
    return out;
  }

  /**
   * Taylor derivatives g^(k)(lambda_0), k = 1..n, from values g_j at offsets dl_j = lambda_j - lambda_0.
   */
  private double[][] derivatives(double[] dl, double[][] g, int size) {
    int n = dl.length - 1;
    double[][] out = new double[n + 1][];
    if (n == 0) {
      return out;
    }
    if (pseudoOrder || n == 1) {
      // Newton divided differences on (lambda_0, lambda_1, ...): D_k[0] * k!.
      double[][] dd = new double[n + 1][];
      for (int j = 0; j <= n; j++) {
        dd[j] = g[j].clone();
      }
      double fact = 1;
      for (int k = 1; k <= n; k++) {
        for (int j = 0; j + k <= n; j++) {
          double den = dl[j + k] - dl[j];
          double[] a = dd[j];
          double[] b = dd[j + 1];
          double[] r = new double[size];
          for (int i = 0; i < size; i++) {
            r[i] = (b[i] - a[i]) / den;
          }
          dd[j] = r;
        }
        fact *= k;
        double[] dk = dd[0].clone();
        for (int i = 0; i < size; i++) {
          dk[i] *= fact;
        }
        out[k] = dk;
      }
      return out;
    }
    // Solve sum_k dl_j^k / k! D_k = g_j - g_0 (j = 1..n) with the same small matrix for every element.
    double[][] a = new double[n][n];
    for (int j = 1; j <= n; j++) {
      double pow = 1;
      for (int k = 1; k <= n; k++) {
        pow *= dl[j] / k;
        a[j - 1][k - 1] = pow;
      }
    }
    double[][] inv = invert(a);
    for (int k = 1; k <= n; k++) {
      out[k] = new double[size];
    }
    for (int i = 0; i < size; i++) {
      for (int k = 1; k <= n; k++) {
        double s = 0;
        for (int j = 1; j <= n; j++) {
          s += inv[k - 1][j - 1] * (g[j][i] - g[0][i]);
        }
        out[k][i] = s;
      }
    }
    return out;
  }

  private static double[][] invert(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
          piv = r;
        }
      }
      double[] tmp = m[c];
      m[c] = m[piv];
      m[piv] = tmp;
      double p = m[c][c];
      for (int k = 0; k < 2 * n; k++) {
        m[c][k] /= p;
      }
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = m[r][c];
          for (int k = 0; k < 2 * n; k++) {
            m[r][k] -= f * m[c][k];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], n, inv[i], 0, n);
    }
    return inv;
  }

  static void checkTimes(GaussianPath path, double[] times) {
    if (times.length < 2) {
      throw new IllegalArgumentException("need at least two time points, got " + times.length);
    }
    for (int i = 0; i < times.length; i++) {
      path.checkTime(times[i]);
      if (!Double.isFinite(path.lambda(times[i]))) {
        throw new IllegalArgumentException("time " + times[i] + " has infinite log-SNR on " + path.name());
      }
      if (i > 0 && !(times[i] < times[i - 1])) {
        throw new IllegalArgumentException("times must decrease, but times[" + i + "] = " + times[i]
            + " >= times[" + (i - 1) + "] = " + times[i - 1]);
      }
    }
  }
}
