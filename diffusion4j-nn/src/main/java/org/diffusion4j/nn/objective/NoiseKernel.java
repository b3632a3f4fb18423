package org.diffusion4j.nn.objective;

import org.diffusion4j.array.Batch;
import org.diffusion4j.pfgm.PfgmppKernel;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;

/**
 * The noise u of x = alpha (y + sigma_e u) for training and the prior for sampling: N(0, I) for
 * every objective, or for {@link Objective#PFGMPP} the unit PFGM++ kernel with D augmented
 * dimensions ({@link PfgmppKernel#fillUnitNoise}). Because the PFGM++ radius is linear in sigma,
 * sigma u is an exact kernel draw at sigma, and the Heun sampler's ODE dx/dsigma = (x - D(x, sigma))/sigma
 * holds unchanged (Xu et al. 2023, Sec. 4; official generate.py runs the unchanged edm_sampler).
 *
 * <p>{@code augmentedDim} 0 stands for D = infinity (JSON has no infinity), the Gaussian: it draws
 * exactly what the Gaussian objectives draw ({@link Rng#fillGaussian}, {@link Noise#standardNormal}),
 * so PFGM++ at D = infinity trains and samples bit for bit as EDM.
 */
public record NoiseKernel(int dim, double augmentedDim) {
  public NoiseKernel {
    if (dim < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dim);
    }
    if (!(augmentedDim == 0 || augmentedDim >= 1 && Double.isFinite(augmentedDim))) {
      throw new IllegalArgumentException("augmented dimension D must be >= 1 (or 0 for infinity), got " + augmentedDim);
    }
  }

  /** The Gaussian noise of the diffusion objectives. */
  public static NoiseKernel gaussian(int dim) {
    return new NoiseKernel(dim, 0);
  }

  /** True for N(0, I) (D = infinity). */
  public boolean gaussian() {
    return augmentedDim == 0;
  }

  /** The core PFGM++ kernel (D = {@code Double.POSITIVE_INFINITY} when Gaussian). */
  public PfgmppKernel kernel() {
    return new PfgmppKernel(dim, gaussian() ? Double.POSITIVE_INFINITY : augmentedDim);
  }

  /** One unit-scale draw into out[offset .. offset + dim). */
  public void fill(Rng rng, double[] out, int offset) {
    if (gaussian()) {
      rng.fillGaussian(out, offset, dim);
    } else {
      kernel().fillUnitNoise(rng, out, offset);
    }
  }

  /**
   * The (n, dim) prior at noise scale {@code std} (the path's prior standard deviation at the
   * start time, sigma_max on the EDM path): N(0, std^2 I), or for PFGM++ the kernel at sigma = std,
   * i.e. radius r_max sqrt(B/(1 - B)) with r_max = sigma_max sqrt(D) and B ~ Beta(N/2, D/2), as
   * official generate.py's rand_beta_prime draws it.
   */
  public Batch prior(long seed, int n, double std) {
    if (gaussian()) {
      return Noise.standardNormal(seed, n, dim).scale(std);
    }
    return kernel().perturbations(seed, n, std);
  }
}
