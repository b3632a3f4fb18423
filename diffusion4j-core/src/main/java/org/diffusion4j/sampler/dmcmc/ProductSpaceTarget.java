package org.diffusion4j.sampler.dmcmc;

import org.diffusion4j.path.GaussianPath;

/**
 * A density on the product space of data x and diffusion time t (Kim &amp; Ye 2023, "Denoising
 * MCMC", Sec. 3): p(x, t) proportional to p_t(x) pi(t), with p_t the marginal of the path at
 * time t and pi uniform on the MCMC's time range. A Langevin chain on it needs both partial
 * scores, grad_x log p_t(x) and d/dt log p_t(x) (the "time score").
 */
public interface ProductSpaceTarget {
  /** Dimension of x. */
  int dim();

  /** The path whose marginals p_t define the target. */
  GaussianPath path();

  /**
   * For one state {@code x[off .. off+dim-1]} at time {@code t}: writes grad_x log p_t(x) into
   * {@code scoreX[off ..]} and returns d/dt log p_t(x). Must be safe to call from several threads.
   */
  double scores(double[] x, int off, double t, double[] scoreX);
}
