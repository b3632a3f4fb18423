package org.diffusion4j.sde.latent;

import java.util.SplittableRandom;
import org.diffusion4j.sde.grad.DifferentiableField;

/**
 * A posterior control with a GRU encoder, as torchsde's {@code examples/latent_sde_lorenz.py}
 * (google-research/torchsde at eb3a00e: {@code Encoder}, {@code LatentSDE.f}): a GRU (gates as
 * torch.nn.GRU, h_0 = 0) runs over each series' observations in reverse time order, and a linear
 * read-out gives a context per observation,
 * <pre>  h_k = GRU(y_k, h_{k+1}),  h_K = 0,   c_k = W_c h_k + b_c,</pre>
 * so c_k summarises the observations at and after t_k. The control is an MLP of (z, context),
 * <pre>  u(t, z) = W_3 sp(W_2 sp(W_1 [z, c_i] + b_1) + b_2) + b_3,   sp = softplus,</pre>
 * with i = min(searchsorted(times, t, right), K - 1), torchsde's index: on [t_k, t_{k+1}) the
 * control reads c_{k+1}, the context of the next observation onwards. (torchsde's network gives the
 * posterior drift; here it gives u, and the posterior drift is h + g u, the same family.) The
 * output layer starts at zero (the posterior starts as the prior); the other weights start
 * U(+-1/sqrt(fan in)) from the seed, as PyTorch's defaults. The GRU and the MLP read observations
 * and states as (y - mean) / std over all observations (torchsde's example normalises its data).
 * Row r uses series r mod N.
 *
 * <p>Parameters, in order: GRU weight_ih (3H x 1), bias_ih (3H), weight_hh (3H x H), bias_hh
 * (3H), read-out (C x H, C), MLP (W x (d + C [+ 1]), W), (W x W, W), (m x W, m). The encoder's gradient
 * is accumulated as a context cotangent over a backward pass and propagated through the GRU
 * once, in {@link #endBackward}; the latent SDE calls {@link #beginBackward} and
 * {@link #endBackward} around its pass.
 *
 * <p>Not built: torchsde's q(z0) from c_0 (the latent SDE here starts the observed component at
 * the first observation and the others at 0, with no initial-state KL).
 */
public final class GruPosteriorControl implements DifferentiableField {
  private final ObservedSeries data;
  private final int d;
  private final int m;
  private final int hidden;
  private final int ctx;
  private final int width;
  /** MLP input width: d + C, plus 1 with the time to the next observation. */
  private final int in;
  private final boolean timeToNext;
  private final double[] p;
  /** The observations' mean and std: the GRU and the MLP read (y - mean) / std, as torchsde's example normalises its data. */
  private final double dataMean;
  private final double dataStd;
  // Offsets of the parameter blocks in p.
  private final int oWih;
  private final int oBih;
  private final int oWhh;
  private final int oBhh;
  private final int oWc;
  private final int oBc;
  private final int oW1;
  private final int oB1;
  private final int oW2;
  private final int oB2;
  private final int oW3;
  private final int oB3;
  // Encoder forward values per (series, k): h, gates r, z, candidate m, and W_hh h_{k+1} + b_hh (candidate part).
  private final double[] hs;
  private final double[] gr;
  private final double[] gz;
  private final double[] gm;
  private final double[] ghm;
  private final double[] contexts;
  private final double[] contextBar;

  /**
   * @param data the observed series (the encoder's input)
   * @param stateDim d, the latent state's dimension
   * @param width m, the control's width (the prior's noise dimension)
   * @param hidden H, the GRU's and the MLP's hidden width
   * @param contextSize C, the context's width
   * @param seed the initialisation seed
   */
  public GruPosteriorControl(ObservedSeries data, int stateDim, int width, int hidden, int contextSize, long seed) {
    this(data, stateDim, width, hidden, contextSize, false, seed);
  }

  /**
   * As {@link #GruPosteriorControl(ObservedSeries, int, int, int, int, long)}; with
   * {@code timeToNext} the MLP also reads tau = t_{k+1} - t, the time to the next observation
   * (torchsde's example takes one solver step per observation interval, where tau is constant;
   * with several steps per interval the control needs it to steer towards the next observation).
   */
  public GruPosteriorControl(ObservedSeries data, int stateDim, int width, int hidden, int contextSize, boolean timeToNext, long seed) {
    if (stateDim < 1 || width < 1) {
      throw new IllegalArgumentException("state dimension and control width must be >= 1, got " + stateDim + " and " + width);
    }
    if (hidden < 1 || contextSize < 1) {
      throw new IllegalArgumentException("GRU hidden width and context size must be >= 1, got " + hidden + " and " + contextSize);
    }
    this.data = data;
    this.d = stateDim;
    this.m = width;
    this.hidden = hidden;
    this.ctx = contextSize;
    this.width = hidden;
    this.timeToNext = timeToNext;
    this.in = stateDim + contextSize + (timeToNext ? 1 : 0);
    int h3 = 3 * hidden;
    int o = 0;
    oWih = o;
    o += h3;
    oBih = o;
    o += h3;
    oWhh = o;
    o += h3 * hidden;
    oBhh = o;
    o += h3;
    oWc = o;
    o += ctx * hidden;
    oBc = o;
    o += ctx;
    oW1 = o;
    o += this.width * in;
    oB1 = o;
    o += this.width;
    oW2 = o;
    o += this.width * this.width;
    oB2 = o;
    o += this.width;
    oW3 = o;
    o += m * this.width;
    oB3 = o;
    o += m;
    p = new double[o];
    SplittableRandom rng = new SplittableRandom(seed);
    uniform(rng, oWih, oWc, 1 / Math.sqrt(hidden)); // torch.nn.GRU: all U(+-1/sqrt(H))
    uniform(rng, oWc, oW1, 1 / Math.sqrt(hidden));
    uniform(rng, oW1, oW2, 1 / Math.sqrt(in));
    uniform(rng, oW2, oW3, 1 / Math.sqrt(this.width));
    int cells = data.count() * data.length();
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < data.count(); i++) {
      for (int k = 0; k < data.length(); k++) {
        sum += data.value(i, k);
        sq += data.value(i, k) * data.value(i, k);
      }
    }
    dataMean = sum / cells;
    double var = sq / cells - dataMean * dataMean;
    dataStd = var > 0 ? Math.sqrt(var) : 1.0;
    hs = new double[cells * hidden];
    gr = new double[cells * hidden];
    gz = new double[cells * hidden];
    gm = new double[cells * hidden];
    ghm = new double[cells * hidden];
    contexts = new double[cells * ctx];
    contextBar = new double[cells * ctx];
    encode();
  }

  private void uniform(SplittableRandom rng, int from, int to, double bound) {
    for (int j = from; j < to; j++) {
      p[j] = bound * (2 * rng.nextDouble() - 1);
    }
  }

  @Override
  public int width() {
    return m;
  }

  @Override
  public int paramCount() {
    return p.length;
  }

  @Override
  public double[] params() {
    return p.clone();
  }

  @Override
  public void setParams(double[] theta) {
    if (theta == null || theta.length != p.length) {
      throw new IllegalArgumentException("GRU posterior control takes " + p.length + " parameters, got " + (theta == null ? "none" : theta.length));
    }
    System.arraycopy(theta, 0, p, 0, p.length);
    encode();
  }

  /** The context c_k (C values) of series {@code series} at observation {@code k}. */
  public double[] context(int series, int k) {
    int c = (series * data.length() + k) * ctx;
    return java.util.Arrays.copyOfRange(contexts, c, c + ctx);
  }

  private static double sigmoid(double a) {
    return 1 / (1 + Math.exp(-a));
  }

  private static double softplus(double a) {
    return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
  }

  /** Runs the GRU over every series in reverse time and stores the gates and contexts. */
  private void encode() {
    int len = data.length();
    double[] gh = new double[3 * hidden];
    for (int s = 0; s < data.count(); s++) {
      for (int k = len - 1; k >= 0; k--) {
        int cell = s * len + k;
        int prev = k + 1 < len ? (cell + 1) * hidden : -1;
        double x = (data.value(s, k) - dataMean) / dataStd;
        for (int j = 0; j < 3 * hidden; j++) {
          double a = p[oBhh + j];
          if (prev >= 0) {
            for (int q = 0; q < hidden; q++) {
              a += p[oWhh + j * hidden + q] * hs[prev + q];
            }
          }
          gh[j] = a;
        }
        int o = cell * hidden;
        for (int j = 0; j < hidden; j++) {
          double r = sigmoid(p[oWih + j] * x + p[oBih + j] + gh[j]);
          double z = sigmoid(p[oWih + hidden + j] * x + p[oBih + hidden + j] + gh[hidden + j]);
          double c = Math.tanh(p[oWih + 2 * hidden + j] * x + p[oBih + 2 * hidden + j] + r * gh[2 * hidden + j]);
          double hp = prev >= 0 ? hs[prev + j] : 0.0;
          gr[o + j] = r;
          gz[o + j] = z;
          gm[o + j] = c;
          ghm[o + j] = gh[2 * hidden + j];
          hs[o + j] = c + z * (hp - c);
        }
        for (int i = 0; i < ctx; i++) {
          double a = p[oBc + i];
          for (int q = 0; q < hidden; q++) {
            a += p[oWc + i * hidden + q] * hs[o + q];
          }
          contexts[cell * ctx + i] = a;
        }
      }
    }
  }

  private int contextIndex(double t) {
    return Math.min(data.nextIndex(t), data.length() - 1);
  }

  /**
   * The MLP forward for one row at context index k: x = [z, c_k], s1 = sp(a1), a2, s2 = sp(a2)
   * (softplus values precomputed once: they dominate the cost); u written at out[outOff..] if out is non-null.
   */
  private void mlp(double[] y, int row, int k, double tau, double[] x, double[] a1, double[] s1, double[] a2, double[] s2, double[] out, int outOff) {
    for (int i = 0; i < d; i++) {
      x[i] = (y[row * d + i] - dataMean) / dataStd;
    }
    System.arraycopy(contexts, ((row % data.count()) * data.length() + k) * ctx, x, d, ctx);
    if (timeToNext) {
      x[d + ctx] = tau;
    }
    for (int j = 0; j < width; j++) {
      double a = p[oB1 + j];
      for (int q = 0; q < in; q++) {
        a += p[oW1 + j * in + q] * x[q];
      }
      a1[j] = a;
      s1[j] = softplus(a);
    }
    for (int j = 0; j < width; j++) {
      double a = p[oB2 + j];
      for (int q = 0; q < width; q++) {
        a += p[oW2 + j * width + q] * s1[q];
      }
      a2[j] = a;
      s2[j] = softplus(a);
    }
    if (out != null) {
      for (int j = 0; j < m; j++) {
        double a = p[oB3 + j];
        for (int q = 0; q < width; q++) {
          a += p[oW3 + j * width + q] * s2[q];
        }
        out[outOff + j] = a;
      }
    }
  }

  @Override
  public void value(double t, double[] y, double[] out, int n) {
    int k = contextIndex(t);
    double tau = Math.max(0.0, data.time(k) - t);
    double[] x = new double[in];
    double[] a1 = new double[width];
    double[] a2 = new double[width];
    double[] s1 = new double[width];
    double[] s2 = new double[width];
    for (int r = 0; r < n; r++) {
      mlp(y, r, k, tau, x, a1, s1, a2, s2, out, r * m);
    }
  }

  @Override
  public void vjp(double t, double[] y, double[] cot, double[] yBar, double[] paramBar, int n) {
    int k = contextIndex(t);
    double tau = Math.max(0.0, data.time(k) - t);
    double[] x = new double[in];
    double[] a1 = new double[width];
    double[] a2 = new double[width];
    double[] da2 = new double[width];
    double[] da1 = new double[width];
    double[] s1 = new double[width];
    double[] s2 = new double[width];
    for (int r = 0; r < n; r++) {
      mlp(y, r, k, tau, x, a1, s1, a2, s2, null, 0);
      for (int q = 0; q < width; q++) {
        double ds2 = 0;
        for (int j = 0; j < m; j++) {
          ds2 += p[oW3 + j * width + q] * cot[r * m + j];
        }
        da2[q] = ds2 * sigmoid(a2[q]);
      }
      for (int q = 0; q < width; q++) {
        double ds1 = 0;
        for (int j = 0; j < width; j++) {
          ds1 += p[oW2 + j * width + q] * da2[j];
        }
        da1[q] = ds1 * sigmoid(a1[q]);
      }
      int cb = ((r % data.count()) * data.length() + k) * ctx;
      for (int q = 0; q < in; q++) {
        double dx = 0;
        for (int j = 0; j < width; j++) {
          dx += p[oW1 + j * in + q] * da1[j];
        }
        if (q < d) {
          yBar[r * d + q] = dx / dataStd;
        } else if (paramBar != null && q < d + ctx) {
          contextBar[cb + q - d] += dx;
        }
      }
      if (paramBar != null) {
        for (int j = 0; j < m; j++) {
          double c = cot[r * m + j];
          paramBar[oB3 + j] += c;
          for (int q = 0; q < width; q++) {
            paramBar[oW3 + j * width + q] += c * s2[q];
          }
        }
        for (int j = 0; j < width; j++) {
          paramBar[oB2 + j] += da2[j];
          paramBar[oB1 + j] += da1[j];
          for (int q = 0; q < width; q++) {
            paramBar[oW2 + j * width + q] += da2[j] * s1[q];
          }
          for (int q = 0; q < in; q++) {
            paramBar[oW1 + j * in + q] += da1[j] * x[q];
          }
        }
      }
    }
  }

  @Override
  public void beginBackward() {
    java.util.Arrays.fill(contextBar, 0.0);
  }

  /** Back-propagates the accumulated context cotangents through the read-out and the GRU (BPTT). */
  @Override
  public void endBackward(double[] paramBar) {
    int len = data.length();
    double[] hBar = new double[hidden];
    double[] dgi = new double[3 * hidden];
    double[] dgh = new double[3 * hidden];
    for (int s = 0; s < data.count(); s++) {
      java.util.Arrays.fill(hBar, 0.0);
      // h_k depends on h_{k+1}: walk k upwards, carrying dL/dh_k into dL/dh_{k+1}.
      for (int k = 0; k < len; k++) {
        int cell = s * len + k;
        int o = cell * hidden;
        for (int i = 0; i < ctx; i++) {
          double c = contextBar[cell * ctx + i];
          if (c == 0) {
            continue;
          }
          paramBar[oBc + i] += c;
          for (int q = 0; q < hidden; q++) {
            paramBar[oWc + i * hidden + q] += c * hs[o + q];
            hBar[q] += c * p[oWc + i * hidden + q];
          }
        }
        int prev = k + 1 < len ? (cell + 1) * hidden : -1;
        double x = (data.value(s, k) - dataMean) / dataStd;
        for (int j = 0; j < hidden; j++) {
          double r = gr[o + j];
          double z = gz[o + j];
          double c = gm[o + j];
          double hp = prev >= 0 ? hs[prev + j] : 0.0;
          double dam = hBar[j] * (1 - z) * (1 - c * c);
          double daz = hBar[j] * (hp - c) * z * (1 - z);
          double dar = dam * ghm[o + j] * r * (1 - r);
          dgi[j] = dar;
          dgi[hidden + j] = daz;
          dgi[2 * hidden + j] = dam;
          dgh[j] = dar;
          dgh[hidden + j] = daz;
          dgh[2 * hidden + j] = dam * r;
        }
        double[] hpBar = new double[hidden];
        for (int j = 0; j < hidden; j++) {
          hpBar[j] = hBar[j] * gz[o + j];
        }
        for (int j = 0; j < 3 * hidden; j++) {
          paramBar[oWih + j] += dgi[j] * x;
          paramBar[oBih + j] += dgi[j];
          paramBar[oBhh + j] += dgh[j];
          if (prev >= 0) {
            for (int q = 0; q < hidden; q++) {
              paramBar[oWhh + j * hidden + q] += dgh[j] * hs[prev + q];
              hpBar[q] += dgh[j] * p[oWhh + j * hidden + q];
            }
          }
        }
        hBar = hpBar;
      }
    }
  }
}
