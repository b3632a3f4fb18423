package org.diffusion4j.sampler.v3;

import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.SmallMatrices;
import org.diffusion4j.path.GaussianPath;

/**
 * The step shared by DPM-Solver-v3 and the searched solver schedules: one exponential-integrator
 * update of the probability-flow ODE in lambda with linear part l and Taylor-expanded residual g
 * (Zheng et al. 2023, Eq. 11-13; see {@link DpmSolverV3}). The classic solvers are constant
 * statistics: {@link #noise} (l = 0, s = -1, b = 0: g = e^{-lambda_s} eps, DPM-Solver, Lu et al.
 * 2022) and {@link #data} (l = 1, s = b = 0: g = -x0, DPM-Solver++, Lu et al. 2022b), so one
 * engine runs all three prediction forms, which is what lets a schedule choose per step
 * (USF, Liu et al. 2023, Sec. 3).
 */
public final class ExponentialIntegrator {
  private ExponentialIntegrator() {}

  /** How the derivatives g^(k) at the base point are estimated from the history. */
  public enum Estimator {
    /** Derivatives of the interpolating polynomial (exact Taylor coefficients of the interpolant). */
    TAYLOR,
    /** Newton divided differences times k! (DPM-Solver-v3's pseudo-order, Sec. 3.4). */
    PSEUDO,
    /**
     * As TAYLOR, but the first-derivative weight int E (r - lambda_s) is replaced by (h/2) int E,
     * the form of DPM-Solver(++)'s multistep 2M (Lu et al. 2022b, Algorithm 2).
     */
    HALF,
    /**
     * UniPC with B(h) = h (Zhao et al. 2023, Sec. 3.3): UniP predictor / UniC corrector weights
     * instead of Taylor derivatives; noise and data forms only ({@link org.diffusion4j.sampler.plan.ScheduleSampler}).
     */
    BH1,
    /** UniPC with B(h) = e^h - 1 (in the form's sign), as {@link #BH1}. */
    BH2;

    /** Whether this is a UniPC B(h) variant. */
    public boolean uniPc() {
      return this == BH1 || this == BH2;
    }
  }

  /** A visited point: time, lambda, state and noise prediction there. */
  public record Point(double t, double lambda, Batch x, Batch eps) {}

  /** Constant statistics l, s (b = 0) in dimension d. */
  public static Ems constant(int d, double l, double s) {
    double[] grid = {-1, 1};
    double[][] lv = new double[2][d];
    double[][] sv = new double[2][d];
    for (int k = 0; k < 2; k++) {
      java.util.Arrays.fill(lv[k], l);
      java.util.Arrays.fill(sv[k], s);
    }
    return new Ems(grid, lv, sv, new double[2][d]);
  }

  /** Noise prediction (DPM-Solver): l = 0, s = -1. */
  public static Ems noise(int d) {
    return constant(d, 0, -1);
  }

  /** Data prediction (DPM-Solver++): l = 1, s = 0. */
  public static Ems data(int d) {
    return constant(d, 1, 0);
  }

  /**
   * One update from {@code pts.get(0)} (the base) to time {@code tt}, using every point of
   * {@code pts} (order = pts.size()). Returns a new batch.
   */
  public static Batch step(GaussianPath path, Ems ems, List<Point> pts, double tt, Estimator est) {
    return step(path, ems, pts, tt, est, 1);
  }

  /**
   * As {@link #step(GaussianPath, Ems, List, double, Estimator)} with the derivative terms (the
   * correction beyond the first-order step) multiplied by {@code correctionScale}.
   */
  public static Batch step(GaussianPath path, Ems ems, List<Point> pts, double tt, Estimator est,
      double correctionScale) {
    if (est.uniPc()) {
      throw new IllegalArgumentException("the UniPC estimators " + est + " apply to noise and data steps only");
    }
    Point base = pts.get(0);
    int n = pts.size() - 1;
    double lt = path.lambda(tt);
    StepIntegrals in = new StepIntegrals(ems, base.lambda(), lt, n);
    int d = base.x().d();
    int size = base.x().size();
    double[][] g = new double[n + 1][];
    g[0] = f(path, ems, base);
    double[] dl = new double[n + 1];
    for (int j = 1; j <= n; j++) {
      Point p = pts.get(j);
      dl[j] = p.lambda() - base.lambda();
      double[] sh = in.shiftS(p.lambda());
      double[] bh = in.bh(p.lambda());
      double[] fj = f(path, ems, p);
      for (int i = 0; i < size; i++) {
        fj[i] = sh[i % d] * fj[i] - bh[i % d];
      }
      g[j] = fj;
    }
    double[][] deriv = derivatives(dl, g, size, est == Estimator.PSEUDO);
    double at = path.alpha(tt);
    double as = path.alpha(base.t());
    double h = lt - base.lambda();
    Batch out = base.x().zerosLike();
    double[] o = out.data();
    double[] xs = base.x().data();
    for (int i = 0; i < size; i++) {
      int j = i % d;
      double acc = in.i0[j] * g[0][i] + in.bias[j];
      for (int k = 1; k <= n; k++) {
        double w = k == 1 && est == Estimator.HALF ? 0.5 * h * in.i0[j] : in.taylor[k][j];
        acc += correctionScale * w * deriv[k][i];
      }
      o[i] = at / as * in.shrink[j] * xs[i] - at * in.shrink[j] * acc;
    }
    int bad = out.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalStateException("exponential integrator produced a non-finite state stepping to t=" + tt);
    }
    return out;
  }

  /**
   * The point {@code p} moved to the corrected state {@code x}, keeping N = sigma eps - l x of its
   * model evaluation fixed (so no new evaluation is needed): eps' = eps + l (x - x_p) / sigma.
   */
  public static Point corrected(GaussianPath path, Ems ems, Point p, Batch x) {
    int d = x.d();
    double[] l = new double[d];
    ems.l(p.lambda(), l);
    double sg = path.sigma(p.t());
    Batch eps = p.eps().copy();
    double[] e = eps.data();
    double[] xn = x.data();
    double[] xo = p.x().data();
    for (int i = 0; i < e.length; i++) {
      e[i] += l[i % d] * (xn[i] - xo[i]) / sg;
    }
    return new Point(p.t(), p.lambda(), x, eps);
  }

  /** f = (sigma eps - l x) / alpha at point p. */
  static double[] f(GaussianPath path, Ems ems, Point p) {
    int d = p.x().d();
    double[] l = new double[d];
    ems.l(p.lambda(), l);
    double a = path.alpha(p.t());
    double sg = path.sigma(p.t());
    double[] xs = p.x().data();
    double[] es = p.eps().data();
    double[] out = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = (sg * es[i] - l[i % d] * xs[i]) / a;
    }
    return out;
  }

  /** Taylor derivatives g^(k)(lambda_0), k = 1..n, from values g_j at offsets dl_j = lambda_j - lambda_0. */
  static double[][] derivatives(double[] dl, double[][] g, int size, boolean pseudo) {
    int n = dl.length - 1;
    double[][] out = new double[n + 1][];
    if (n == 0) {
      return out;
    }
    if (pseudo || n == 1) {
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
    // Solve sum_k dl_j^k / k! D_k = g_j - g_0 (j = 1..n): one small matrix for every element.
    double[][] a = new double[n][n];
    for (int j = 1; j <= n; j++) {
      double pow = 1;
      for (int k = 1; k <= n; k++) {
        pow *= dl[j] / k;
        a[j - 1][k - 1] = pow;
      }
    }
    double[][] inv = SmallMatrices.invert(a);
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
}
