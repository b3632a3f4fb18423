package org.diffusion4j.sde;

/**
 * One solver bound to one term, with its scratch arrays for up to {@code capacity} paths, so that
 * stepping allocates nothing. Works in place on n rows of a row-major state array. Not
 * thread-safe: every worker block makes its own.
 */
public abstract class Stepper {
  protected final SdeTerm term;
  protected final NoiseType noise;
  protected final int d;
  protected final int m;
  protected final int gSize;
  protected final int capacity;
  private double[] fdPlus;
  private double[] fdMinus;
  private double[] fdG;

  protected Stepper(SdeTerm term, int capacity) {
    this.term = term;
    this.noise = term.noiseType();
    this.d = term.dim();
    this.m = term.noiseDim();
    this.gSize = noise.diffusionSize(d, m);
    this.capacity = capacity;
  }

  /** Called once at the initial time before the first step (stateful solvers initialise here). */
  public void start(double t, double[] y, int n) {}

  /**
   * Advances rows [0, n) of {@code y} from t to t + h in place, given the Brownian increments
   * {@code dw} (n x m) and, for solvers that need it, the time integrals {@code iw} (n x m).
   */
  public abstract void step(double t, double h, double[] y, double[] dw, double[] iw, int n);

  protected final double[] rows(int width) {
    return new double[capacity * width];
  }

  /** out += scale * g dW for rows [0, n), in the layout of the noise type. */
  protected final void addNoise(double[] g, double[] dw, double scale, double[] out, int n) {
    switch (noise) {
      case DIAGONAL:
      case ADDITIVE:
        for (int k = 0, e = n * d; k < e; k++) {
          out[k] += scale * g[k] * dw[k];
        }
        break;
      case SCALAR:
        for (int r = 0; r < n; r++) {
          double s = scale * dw[r];
          for (int i = r * d, e = i + d; i < e; i++) {
            out[i] += s * g[i];
          }
        }
        break;
      default:
        for (int r = 0; r < n; r++) {
          int go = r * d * m;
          int wo = r * m;
          for (int i = 0; i < d; i++) {
            double acc = 0;
            for (int j = 0; j < m; j++) {
              acc += g[go + i * m + j] * dw[wo + j];
            }
            out[r * d + i] += scale * acc;
          }
        }
    }
  }

  /** Index into the n x m noise array that drives state element k = r*d + i (diagonal-type noise). */
  protected final int noiseIndex(int k) {
    return noise == NoiseType.SCALAR ? k / d : k;
  }

  /**
   * Writes (g . grad) g at (t, y) into {@code out}: the term's analytic derivative when supplied,
   * else a central difference along g, [g(y + eps g) - g(y - eps g)] / (2 eps) with
   * eps = cbrt(machine eps) / max(1, |g|) per row (exact for diagonal noise whose g_i depends
   * on y_i, and for scalar noise).
   */
  protected final void diffusionDerivative(double t, double[] y, double[] g, double[] out, int n) {
    if (term.diffusionDerivative(t, y, g, out, n)) {
      return;
    }
    if (fdPlus == null) {
      fdPlus = rows(d);
      fdMinus = rows(d);
      fdG = rows(d);
    }
    for (int r = 0; r < n; r++) {
      double norm = 0;
      for (int i = r * d, e = i + d; i < e; i++) {
        norm = Math.max(norm, Math.abs(g[i]) + Math.abs(y[i]));
      }
      double s = 6.0554544523933395e-6 / Math.max(1.0, norm);
      for (int i = r * d, e = i + d; i < e; i++) {
        fdPlus[i] = y[i] + s * g[i];
        fdMinus[i] = y[i] - s * g[i];
      }
      out[r * d] = s; // stash the step per row in out until both evaluations are done
      for (int i = r * d + 1, e = r * d + d; i < e; i++) {
        out[i] = s;
      }
    }
    term.diffusion(t, fdPlus, fdG, n);
    term.diffusion(t, fdMinus, fdPlus, n);
    for (int k = 0, e = n * d; k < e; k++) {
      out[k] = (fdG[k] - fdPlus[k]) / (2.0 * out[k]);
    }
  }
}
