package org.diffusion4j.pfgm;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.random.Rng;

/**
 * The PFGM++ perturbation kernel (Xu et al., "PFGM++: Unlocking the Potential of Physics-Inspired
 * Generative Models", ICML 2023, eq. (4)): N-dimensional data y, D augmented dimensions, and
 *
 * <pre>
 *   p_r(x | y) proportional to (|x - y|^2 + r^2)^(-(N + D)/2),   r = sigma sqrt(D)   (the EDM alignment, Sec. 4)
 * </pre>
 *
 * This is the multivariate Student t with D degrees of freedom and scale sigma, so each coordinate
 * of x - y is t_D(0, sigma^2) and, as D -&gt; infinity, x - y -&gt; N(0, sigma^2 I): the diffusion (EDM)
 * kernel. D = 1 is the original PFGM. {@code D = Double.POSITIVE_INFINITY} gives that Gaussian.
 *
 * <p>Exact sampling as in the official code (Newbeeer/pfgmpp, training/loss.py, EDMLoss with
 * pfgmpp=True, and generate.py rand_beta_prime): the radius R = |x - y| satisfies
 * R^2 / (R^2 + r^2) ~ Beta(N/2, D/2), so R = r sqrt(B / (1 - B)); the direction is uniform. Here
 * B / (1 - B) is drawn as G_{N/2} / G_{D/2} (two Gamma variates), which is exact and avoids the
 * cancellation of 1 - B near 1; the official code clips B to [1e-3, 1 - 1e-3] for training
 * stability, which this exact sampler does not do.
 */
public record PfgmppKernel(int dataDim, double augmentedDim) {
  public PfgmppKernel {
    if (dataDim < 1) {
      throw new IllegalArgumentException("data dimension N must be >= 1, got " + dataDim);
    }
    if (!(augmentedDim >= 1)) {
      throw new IllegalArgumentException("augmented dimension D must be >= 1 (or infinity), got " + augmentedDim);
    }
  }

  /** Whether D is infinite (the Gaussian, diffusion-model limit). */
  public boolean gaussian() {
    return augmentedDim == Double.POSITIVE_INFINITY;
  }

  /** r = sigma sqrt(D) (infinite when D is). */
  public double r(double sigma) {
    return sigma * Math.sqrt(augmentedDim);
  }

  /** A draw of R = |x - y| at noise level sigma. */
  public double sampleRadius(Rng rng, double sigma) {
    requireSigma(sigma);
    if (gaussian()) {
      return sigma * Math.sqrt(2 * SpecialFunctions.gamma(rng, 0.5 * dataDim));
    }
    double ratio = SpecialFunctions.gamma(rng, 0.5 * dataDim) / SpecialFunctions.gamma(rng, 0.5 * augmentedDim);
    return r(sigma) * Math.sqrt(ratio);
  }

  /** P(R &lt;= radius) = I_{R^2/(R^2 + r^2)}(N/2, D/2); for D = infinity P(N/2, R^2/(2 sigma^2)) (chi law). */
  public double radiusCdf(double radius, double sigma) {
    requireSigma(sigma);
    if (radius <= 0) {
      return 0;
    }
    if (gaussian()) {
      return SpecialFunctions.regularizedGammaP(0.5 * dataDim, radius * radius / (2 * sigma * sigma));
    }
    double r2 = r(sigma) * r(sigma);
    return SpecialFunctions.regularizedBeta(radius * radius / (radius * radius + r2), 0.5 * dataDim, 0.5 * augmentedDim);
  }

  /**
   * P(x_1 - y_1 &lt;= z) for one coordinate: the Student t_D CDF with scale sigma,
   * 1 - I_{D/(D + t^2)}(D/2, 1/2)/2 for t = z/sigma &gt; 0 (Abramowitz &amp; Stegun 26.7.1); the normal
   * CDF for D = infinity.
   */
  public double coordinateCdf(double z, double sigma) {
    requireSigma(sigma);
    double t = z / sigma;
    if (gaussian()) {
      double p = 0.5 * SpecialFunctions.regularizedGammaP(0.5, t * t / 2);
      return t >= 0 ? 0.5 + p : 0.5 - p;
    }
    double tail = 0.5 * SpecialFunctions.regularizedBeta(augmentedDim / (augmentedDim + t * t), 0.5 * augmentedDim, 0.5);
    return t >= 0 ? 1 - tail : tail;
  }

  /** log p_r(x | y) up to a constant in x and y: -(N + D)/2 log(|x - y|^2 + r^2), or -|x - y|^2/(2 sigma^2). */
  public double logKernel(double squaredDistance, double sigma) {
    if (gaussian()) {
      return -squaredDistance / (2 * sigma * sigma);
    }
    double r = r(sigma);
    return -0.5 * (dataDim + augmentedDim) * Math.log(squaredDistance + r * r);
  }

  /** x - y for one draw: R times a uniform unit vector, written to out[offset .. offset + N). */
  public void samplePerturbation(Rng rng, double sigma, double[] out, int offset) {
    double radius = sampleRadius(rng, sigma);
    double norm2;
    do {
      rng.fillGaussian(out, offset, dataDim);
      norm2 = 0;
      for (int k = 0; k < dataDim; k++) {
        norm2 += out[offset + k] * out[offset + k];
      }
    } while (norm2 == 0);
    double scale = radius / Math.sqrt(norm2);
    for (int k = 0; k < dataDim; k++) {
      out[offset + k] *= scale;
    }
  }

  /**
   * Unit-scale PFGM++ noise: the perturbation at sigma = 1. Because R = sigma sqrt(D) sqrt(G_{N/2}/G_{D/2})
   * is linear in sigma, sigma times this is an exact draw at sigma, so it replaces the Gaussian eps
   * in an EDM training step x = y + sigma eps unchanged (the loss, preconditioning and weighting of
   * training/loss.py stay those of EDM); for D = infinity it is N(0, I).
   */
  public void fillUnitNoise(Rng rng, double[] out, int offset) {
    samplePerturbation(rng, 1.0, out, offset);
  }

  /**
   * An (n, N) batch of independent draws of x - y at sigma (row i from
   * {@code Rng.of(seed).stream(i)}); at sigma = sigma_max this is the PFGM++ prior (generate.py:
   * rand_beta_prime scaled by sigma_max sqrt(D)).
   */
  public Batch perturbations(long seed, int n, double sigma) {
    requireSigma(sigma);
    Batch out = new Batch(n, dataDim);
    Rng rng = Rng.of(seed);
    double[] a = out.data();
    Parallel.forRows(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        samplePerturbation(rng.stream(i), sigma, a, i * dataDim);
      }
    });
    return out;
  }

  private static void requireSigma(double sigma) {
    if (!(sigma > 0) || !Double.isFinite(sigma)) {
      throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
    }
  }
}
