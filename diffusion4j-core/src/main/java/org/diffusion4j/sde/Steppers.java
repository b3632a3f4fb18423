package org.diffusion4j.sde;

/** The one-step schemes behind {@link Solver}; each step() mirrors the formula in its Javadoc. */
final class Steppers {
  private Steppers() {}

  /** y' = y + f(t, y) h + g(t, y) dW (Kloeden &amp; Platen 1992, eq. 10.2.2). */
  static final class Euler extends Stepper {
    private final double[] f;
    private final double[] g;

    Euler(SdeTerm term, int capacity) {
      super(term, capacity);
      f = rows(d);
      g = rows(gSize);
    }

    @Override
    public void step(double t, double h, double[] y, double[] dw, double[] iw, int n) {
      term.drift(t, y, f, n);
      term.diffusion(t, y, g, n);
      if (noise == NoiseType.DIAGONAL || noise == NoiseType.ADDITIVE) {
        for (int k = 0, e = n * d; k < e; k++) {
          y[k] += f[k] * h + g[k] * dw[k];
        }
        return;
      }
      for (int k = 0, e = n * d; k < e; k++) {
        y[k] += f[k] * h;
      }
      addNoise(g, dw, 1.0, y, n);
    }
  }

  /**
   * y' = y + f h + g dW + (1/2) (g . grad g) (dW^2 - c h), with c = 1 for Ito and c = 0 for
   * Stratonovich (Kloeden &amp; Platen 1992, eqs. 10.3.3 and 10.3.7, commutative noise).
   */
  static final class Milstein extends Stepper {
    private final double[] f;
    private final double[] g;
    private final double[] gg;
    private final double c;

    Milstein(SdeTerm term, int capacity) {
      super(term, capacity);
      f = rows(d);
      g = rows(d);
      gg = rows(d);
      c = term.calculus() == Calculus.ITO ? 1.0 : 0.0;
    }

    @Override
    public void step(double t, double h, double[] y, double[] dw, double[] iw, int n) {
      term.drift(t, y, f, n);
      term.diffusion(t, y, g, n);
      int e = n * d;
      if (noise == NoiseType.ADDITIVE) {
        for (int k = 0; k < e; k++) {
          y[k] += f[k] * h + g[k] * dw[k];
        }
        return;
      }
      diffusionDerivative(t, y, g, gg, n);
      double ch = c * h;
      if (noise == NoiseType.DIAGONAL) {
        for (int k = 0; k < e; k++) {
          double w = dw[k];
          y[k] += f[k] * h + g[k] * w + 0.5 * gg[k] * (w * w - ch);
        }
      } else {
        for (int k = 0; k < e; k++) {
          double w = dw[k / d];
          y[k] += f[k] * h + g[k] * w + 0.5 * gg[k] * (w * w - ch);
        }
      }
    }
  }

  /**
   * Milstein for GENERAL commutative noise (Kloeden &amp; Platen 1992, eq. 10.3.16):
   * y' = y + f h + sum_j g_j dW_j + (1/2) sum_{j,k} (L^j g_k) (dW_j dW_k - c delta_jk h), with
   * L^j g_k = sum_l g_lj d g_k / d y_l taken by central differences along column j of g (2m extra
   * diffusion calls per step); c = 1 for Ito, 0 for Stratonovich.
   */
  static final class CommutativeMilstein extends Stepper {
    private final double[] f;
    private final double[] g;
    private final double[] plus;
    private final double[] minus;
    private final double[] gp;
    private final double[] gm;
    private final double[] step;
    private final double c;

    CommutativeMilstein(SdeTerm term, int capacity) {
      super(term, capacity);
      f = rows(d);
      g = rows(gSize);
      plus = rows(d);
      minus = rows(d);
      gp = rows(gSize);
      gm = rows(gSize);
      step = new double[capacity];
      c = term.calculus() == Calculus.ITO ? 1.0 : 0.0;
    }

    @Override
    public void step(double t, double h, double[] y, double[] dw, double[] iw, int n) {
      term.drift(t, y, f, n);
      term.diffusion(t, y, g, n);
      int dm = d * m;
      // The increment is accumulated in f so that every derivative is taken at the old y.
      for (int k = 0, e = n * d; k < e; k++) {
        f[k] = f[k] * h;
      }
      addNoise(g, dw, 1.0, f, n);
      for (int j = 0; j < m; j++) {
        for (int r = 0; r < n; r++) {
          double norm = 0;
          for (int i = 0; i < d; i++) {
            norm = Math.max(norm, Math.abs(g[r * dm + i * m + j]) + Math.abs(y[r * d + i]));
          }
          double s = 6.0554544523933395e-6 / Math.max(1.0, norm);
          step[r] = s;
          for (int i = 0; i < d; i++) {
            double v = s * g[r * dm + i * m + j];
            plus[r * d + i] = y[r * d + i] + v;
            minus[r * d + i] = y[r * d + i] - v;
          }
        }
        term.diffusion(t, plus, gp, n);
        term.diffusion(t, minus, gm, n);
        for (int r = 0; r < n; r++) {
          double inv = 1.0 / (2.0 * step[r]);
          double wj = dw[r * m + j];
          for (int i = 0; i < d; i++) {
            double acc = 0;
            for (int k = 0; k < m; k++) {
              double ljgk = (gp[r * dm + i * m + k] - gm[r * dm + i * m + k]) * inv;
              double prod = wj * dw[r * m + k] - (j == k ? c * h : 0.0);
              acc += ljgk * prod;
            }
            f[r * d + i] += 0.5 * acc;
          }
        }
      }
      for (int k = 0, e = n * d; k < e; k++) {
        y[k] += f[k];
      }
    }
  }

  /**
   * Stochastic Heun for Stratonovich SDEs: predictor z = y + f(t,y) h + g(t,y) dW, then
   * y' = y + (f(t,y) + f(t+h,z)) h/2 + (g(t,y) + g(t+h,z)) dW/2.
   */
  static final class Heun extends Stepper {
    private final double[] f0;
    private final double[] g0;
    private final double[] f1;
    private final double[] g1;
    private final double[] z;

    Heun(SdeTerm term, int capacity) {
      super(term, capacity);
      f0 = rows(d);
      f1 = rows(d);
      z = rows(d);
      g0 = rows(gSize);
      g1 = rows(gSize);
    }

    @Override
    public void step(double t, double h, double[] y, double[] dw, double[] iw, int n) {
      int e = n * d;
      term.drift(t, y, f0, n);
      term.diffusion(t, y, g0, n);
      for (int k = 0; k < e; k++) {
        z[k] = y[k] + f0[k] * h;
      }
      addNoise(g0, dw, 1.0, z, n);
      term.drift(t + h, z, f1, n);
      term.diffusion(t + h, z, g1, n);
      for (int k = 0; k < e; k++) {
        y[k] += 0.5 * h * (f0[k] + f1[k]);
      }
      addNoise(g0, dw, 0.5, y, n);
      addNoise(g1, dw, 0.5, y, n);
    }
  }

  /**
   * Roessler's SRIW1 (2010, Table 5.2; the stage form as in StochasticDiffEq.jl), strong order
   * 1.5 for diagonal/scalar Ito SDEs. With chi1 = I_(1,1)/sqrt(h) = (dW^2 - h)/(2 sqrt h),
   * chi2 = I_(1,0)/h and chi3 = I_(1,1,1)/h = (dW^3 - 3 h dW)/(6h):
   * <pre>
   *  H0 = y + 3/4 h f1 + 3/2 chi2 g1,  H11 = y + h/4 f1 + sqrt(h)/2 g1,  H12 = y + h f1 - sqrt(h) g1,
   *  H13 = y + h/4 f1 + sqrt(h) (-5 g1 + 3 g2 + g3/2),   f1 = f(t,y), g1 = g(t,y),
   *  g2 = g(t+h/4, H11), g3 = g(t+h, H12), g4 = g(t+h/4, H13), f2 = f(t+3h/4, H0),
   *  y' = y + h (f1 + 2 f2)/3 + dW (-g1 + 4/3 g2 + 2/3 g3) + chi1 (-g1 + 4/3 g2 - 1/3 g3)
   *         + chi2 (2 g1 - 4/3 g2 - 2/3 g3) + chi3 (-2 g1 + 5/3 g2 - 2/3 g3 + g4).
   * </pre>
   */
  static final class Sriw1 extends Stepper {
    private final double[] f1;
    private final double[] f2;
    private final double[] g1;
    private final double[] g2;
    private final double[] g3;
    private final double[] g4;
    private final double[] s0;
    private final double[] s1;

    Sriw1(SdeTerm term, int capacity) {
      super(term, capacity);
      f1 = rows(d);
      f2 = rows(d);
      g1 = rows(d);
      g2 = rows(d);
      g3 = rows(d);
      g4 = rows(d);
      s0 = rows(d);
      s1 = rows(d);
    }

    @Override
    public void step(double t, double h, double[] y, double[] dw, double[] iw, int n) {
      int e = n * d;
      double sq = Math.sqrt(h);
      term.drift(t, y, f1, n);
      term.diffusion(t, y, g1, n);
      for (int k = 0; k < e; k++) {
        s0[k] = y[k] + 0.25 * h * f1[k] + 0.5 * sq * g1[k];
        s1[k] = y[k] + h * f1[k] - sq * g1[k];
      }
      term.diffusion(t + 0.25 * h, s0, g2, n);
      term.diffusion(t + h, s1, g3, n);
      for (int k = 0; k < e; k++) {
        double chi2 = iw[noiseIndex(k)] / h;
        s0[k] = y[k] + 0.25 * h * f1[k] + sq * (-5.0 * g1[k] + 3.0 * g2[k] + 0.5 * g3[k]);
        s1[k] = y[k] + 0.75 * h * f1[k] + 1.5 * chi2 * g1[k];
      }
      term.diffusion(t + 0.25 * h, s0, g4, n);
      term.drift(t + 0.75 * h, s1, f2, n);
      for (int k = 0; k < e; k++) {
        int j = noiseIndex(k);
        double w = dw[j];
        double chi1 = (w * w - h) / (2.0 * sq);
        double chi2 = iw[j] / h;
        double chi3 = (w * w * w - 3.0 * h * w) / (6.0 * h);
        double a = g1[k];
        double b = g2[k];
        double c = g3[k];
        y[k] += h * (f1[k] + 2.0 * f2[k]) / 3.0
            + w * (-a + 4.0 / 3.0 * b + 2.0 / 3.0 * c)
            + chi1 * (-a + 4.0 / 3.0 * b - 1.0 / 3.0 * c)
            + chi2 * (2.0 * a - 4.0 / 3.0 * b - 2.0 / 3.0 * c)
            + chi3 * (-2.0 * a + 5.0 / 3.0 * b - 2.0 / 3.0 * c + g4[k]);
      }
    }
  }

  /**
   * Roessler's SRA1 (2010, Table 6.1) for additive noise g(t), strong order 1.5. With
   * chi2 = I_(1,0)/h: k1 = h f(t, y), k2 = h f(t + 3h/4, y + 3/4 k1 + 3/2 chi2 g(t+h)),
   * y' = y + k1/3 + 2 k2/3 + chi2 (g(t) - g(t+h)) + dW g(t+h).
   */
  static final class Sra1 extends Stepper {
    private final double[] k1;
    private final double[] k2;
    private final double[] g0;
    private final double[] g1;
    private final double[] s;

    Sra1(SdeTerm term, int capacity) {
      super(term, capacity);
      k1 = rows(d);
      k2 = rows(d);
      g0 = rows(d);
      g1 = rows(d);
      s = rows(d);
    }

    @Override
    public void step(double t, double h, double[] y, double[] dw, double[] iw, int n) {
      int e = n * d;
      term.drift(t, y, k1, n);
      term.diffusion(t, y, g0, n);
      term.diffusion(t + h, y, g1, n);
      for (int k = 0; k < e; k++) {
        s[k] = y[k] + 0.75 * h * k1[k] + 1.5 * (iw[k] / h) * g1[k];
      }
      term.drift(t + 0.75 * h, s, k2, n);
      for (int k = 0; k < e; k++) {
        double chi2 = iw[k] / h;
        y[k] += h * (k1[k] + 2.0 * k2[k]) / 3.0 + chi2 * (g0[k] - g1[k]) + dw[k] * g1[k];
      }
    }
  }

  /**
   * Drift-implicit Euler (theta = 1): y' = y + h f(t+h, y') + g(t, y) dW, solved by a Newton
   * iteration with the diagonal of the drift Jacobian from a forward difference (exact Newton
   * for drifts whose i-th component depends on y_i only; a convergent quasi-Newton otherwise).
   */
  static final class ImplicitEuler extends Stepper {
    private static final int MAX_ITER = 50;
    private final double[] base;
    private final double[] x;
    private final double[] xp;
    private final double[] f;
    private final double[] fp;
    private final double[] g;

    ImplicitEuler(SdeTerm term, int capacity) {
      super(term, capacity);
      base = rows(d);
      x = rows(d);
      xp = rows(d);
      f = rows(d);
      fp = rows(d);
      g = rows(gSize);
    }

    @Override
    public void step(double t, double h, double[] y, double[] dw, double[] iw, int n) {
      int e = n * d;
      term.diffusion(t, y, g, n);
      System.arraycopy(y, 0, base, 0, e);
      addNoise(g, dw, 1.0, base, n);
      System.arraycopy(base, 0, x, 0, e);
      double tn = t + h;
      for (int it = 0; it < MAX_ITER; it++) {
        term.drift(tn, x, f, n);
        for (int k = 0; k < e; k++) {
          xp[k] = x[k] + 1e-7 * Math.max(1.0, Math.abs(x[k]));
        }
        term.drift(tn, xp, fp, n);
        double worst = 0;
        for (int k = 0; k < e; k++) {
          double jac = (fp[k] - f[k]) / (xp[k] - x[k]);
          double residual = x[k] - base[k] - h * f[k];
          double delta = residual / (1.0 - h * jac);
          x[k] -= delta;
          worst = Math.max(worst, Math.abs(delta) / (1.0 + Math.abs(x[k])));
        }
        if (!(worst > 1e-13)) {
          break;
        }
      }
      System.arraycopy(x, 0, y, 0, e);
    }
  }
}
