package org.diffusion4j.sampler.mrs;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/**
 * Mean-reverting diffusion path (Luo et al. 2023, "Image Restoration with Mean-Reverting SDEs",
 * Eq. 4; Li et al. 2024, "MRS", Eq. 3-5): x_t = alpha(t) x0 + (1 - alpha(t)) mu + sigma(t) eps,
 * with a condition mean {@code mu} (for example a degraded image). Its forward SDE is
 * dx = f(t) (x - mu) dt + g(t) dW with f, g^2 those of the base path: it reverts to mu at rate
 * theta = -f. The centred state y = x - mu follows the plain Gaussian path of {@code base}
 * with data y0 = x0 - mu, which is what makes exact exponential integrators possible.
 *
 * <p>{@code mu} is a batch with one row (shared by all samples) or one row per sample.
 */
public record MeanRevertingPath(GaussianPath base, Batch mu) {
  public MeanRevertingPath {
    if (base == null || mu == null) {
      throw new IllegalArgumentException("mean-reverting path needs a base path and a mean mu");
    }
    if (mu.n() < 1 || mu.firstNonFinite() >= 0) {
      throw new IllegalArgumentException("mu must have at least one row and finite entries");
    }
    mu = mu.copy();
  }

  /** The condition mean (a copy). */
  @Override
  public Batch mu() {
    return mu.copy();
  }

  /** A path whose mean {@code mu} is shared by every sample. */
  public static MeanRevertingPath of(GaussianPath base, double[] mu) {
    return new MeanRevertingPath(base, new Batch(1, mu.length, mu.clone()));
  }

  /** Dimension of a state. */
  public int dim() {
    return mu.d();
  }

  /** Writes y = x - mu (broadcast when mu has one row). {@code out} may be {@code x}. */
  public void center(Batch x, Batch out) {
    shift(x, out, -1);
  }

  /** Writes x = y + mu. {@code out} may be {@code y}. */
  public void uncenter(Batch y, Batch out) {
    shift(y, out, 1);
  }

  private void shift(Batch x, Batch out, double sign) {
    x.requireSameShape(out);
    if (x.d() != mu.d() || (mu.n() != 1 && mu.n() != x.n())) {
      throw new IllegalArgumentException("state batch " + x + " does not match mu " + mu
          + " (need the same dimension and 1 or n rows)");
    }
    int d = x.d();
    double[] xs = x.data();
    double[] os = out.data();
    double[] ms = mu.data();
    boolean shared = mu.n() == 1;
    for (int i = 0; i < x.n(); i++) {
      int mo = shared ? 0 : i * d;
      for (int j = 0; j < d; j++) {
        os[i * d + j] = xs[i * d + j] + sign * ms[mo + j];
      }
    }
  }

  /**
   * n draws of the terminal distribution x_T ~ N(mu, sigma(T)^2) that sampling starts from
   * (the stationary law of the MR-SDE when alpha(T) ~ 0); row i from {@code Rng.of(seed).stream(i)}.
   */
  public Batch prior(long seed, int n) {
    if (mu.n() != 1 && mu.n() != n) {
      throw new IllegalArgumentException("mu has " + mu.n() + " rows, cannot draw " + n + " samples");
    }
    double s = base.priorStd(base.tMax());
    Batch x = new Batch(n, dim());
    Rng root = Rng.of(seed);
    for (int i = 0; i < n; i++) {
      root.stream(i).fillGaussian(x.data(), i * dim(), dim());
    }
    x.scale(s);
    uncenter(x, x);
    return x;
  }

  /**
   * The exact model of data {@code data} on this path, predicting noise (EPSILON) or data (X0):
   * the centred data y0 = x0 - mu is the mixture shifted by -mu, whose posterior is closed form.
   * Needs a shared mu (one row).
   */
  public Denoiser mixtureDenoiser(GaussianMixture data, Prediction kind) {
    if (kind != Prediction.EPSILON && kind != Prediction.X0) {
      throw new IllegalArgumentException("mean-reverting models predict eps or x0, got " + kind.cliName());
    }
    if (mu.n() != 1 || data.dim() != dim()) {
      throw new IllegalArgumentException("mixture model needs a shared mu of dimension " + data.dim());
    }
    int k = data.components();
    double[] w = new double[k];
    double[][] means = new double[k][];
    double[][] vars = new double[k][];
    for (int c = 0; c < k; c++) {
      w[c] = data.weight(c);
      means[c] = data.mean(c);
      for (int j = 0; j < dim(); j++) {
        means[c][j] -= mu.get(0, j);
      }
      vars[c] = data.var(c);
    }
    Denoiser centred = new GaussianMixture(w, means, vars).denoiser(base, kind);
    MeanRevertingPath self = this;
    return new Denoiser() {
      @Override
      public int dim() {
        return self.dim();
      }

      @Override
      public Prediction prediction() {
        return kind;
      }

      @Override
      public void predict(Batch x, double t, Batch out) {
        Batch y = x.zerosLike();
        center(x, y);
        centred.predict(y, t, out);
        if (kind == Prediction.X0) {
          uncenter(out, out);
        }
      }
    };
  }
}
