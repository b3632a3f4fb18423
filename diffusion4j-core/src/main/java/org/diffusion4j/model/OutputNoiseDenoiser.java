package org.diffusion4j.model;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/**
 * A denoiser with a controlled modelling error: D~(x, t) = D(x, t) + alpha sigma~(t) eps, eps ~
 * N(0, I) fresh at every call, where sigma~(t) = sigma(t)/alpha(t) = exp(-lambda(t)) is the path's
 * noise level (sigma itself on the EDM / PFGM++ path). It probes how sensitive a sampler's
 * trajectories are to errors in the network output (PFGM++, Xu et al. 2023, robustness to
 * modelling errors).
 *
 * <p>Scale: the error is relative to the noise level, so a Heun/Euler step from sigma_i to
 * sigma_{i+1} moves the state by (1 - sigma_{i+1}/sigma_i) alpha sigma_i eps = alpha (sigma_i -
 * sigma_{i+1}) eps, which vanishes at the end of the trajectory as it does in the official
 * experiment. That experiment (Newbeeer/pfgmpp, {@code generate_alpha.py}, {@code edm_sampler})
 * instead adds alpha sigma_i eps to the state x_i before each Heun step; both perturb every step by
 * O(alpha sigma_i). A noise of fixed scale alpha on D would instead reach the final sample
 * undiminished through the last step and measure the noise, not the sampler.
 *
 * <p>Only for {@link Prediction#X0} models (the denoiser D of EDM / PFGM++). Draws are seeded:
 * call k of this instance, row i, uses {@code Rng.of(seed).stream(k, i)}, so a sampler run is
 * bitwise reproducible and independent of the thread count; alpha = 0 returns the wrapped model's
 * output bit for bit (no noise is drawn). One thread at a time, as every {@link Denoiser}.
 */
public final class OutputNoiseDenoiser implements Denoiser {
  private final Denoiser base;
  private final GaussianPath path;
  private final double alpha;
  private final Rng rng;
  private long calls;

  /**
   * @param base an X0-predicting model
   * @param path the path the sampler integrates on (gives sigma~(t))
   * @param alpha the relative error scale, finite and &gt;= 0
   * @param seed seed of the error draws
   */
  public OutputNoiseDenoiser(Denoiser base, GaussianPath path, double alpha, long seed) {
    if (base.prediction() != Prediction.X0) {
      throw new IllegalArgumentException("output noise needs an x0 (denoiser) model, got a "
          + base.prediction().cliName() + " model");
    }
    if (!(alpha >= 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("output noise scale alpha must be finite and >= 0, got " + alpha);
    }
    this.base = base;
    this.path = path;
    this.alpha = alpha;
    this.rng = Rng.of(seed);
  }

  public double alpha() {
    return alpha;
  }

  /** Calls made so far (the next call draws from stream {@code calls()}). */
  public long calls() {
    return calls;
  }

  @Override
  public int dim() {
    return base.dim();
  }

  @Override
  public Prediction prediction() {
    return Prediction.X0;
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    base.predict(x, t, out);
    long call = calls++;
    if (alpha == 0) {
      return;
    }
    double scale = alpha * Math.exp(-path.lambda(t));
    int d = out.d();
    double[] a = out.data();
    Parallel.forRows(out.n(), (from, to) -> {
      double[] eps = new double[d];
      for (int i = from; i < to; i++) {
        rng.stream(call, i).fillGaussian(eps, 0, d);
        int off = i * d;
        for (int j = 0; j < d; j++) {
          a[off + j] += scale * eps[j];
        }
      }
    });
  }
}
