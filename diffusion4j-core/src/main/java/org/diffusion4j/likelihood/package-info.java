/**
 * Log-likelihoods through the probability-flow ODE (Song et al. 2021, "Score-Based Generative
 * Modeling through SDEs", Sec. 4.3 and Appendix D.2).
 *
 * <ul>
 *   <li>{@link org.diffusion4j.likelihood.ProbabilityFlow}: the ODE velocity
 *       v = f x - g^2/2 score of any model on any path, and div v = f d - g^2/2 div score;</li>
 *   <li>{@link org.diffusion4j.likelihood.DivergenceEstimator}: exact (d central-difference
 *       Jacobian-vector products) or Hutchinson (Rademacher / Gaussian probes, seeded per row);</li>
 *   <li>{@link org.diffusion4j.likelihood.OdeSolver}: adaptive Dormand-Prince 5(4) with rtol/atol,
 *       fixed-step RK4 and Dormand-Prince 5; every solve reports its NFE;</li>
 *   <li>{@link org.diffusion4j.likelihood.Likelihood}: log p_eps(x) = log p_T(x_T) + integral of
 *       div v from eps to T, with the convention at eps stated in its documentation;</li>
 *   <li>{@link org.diffusion4j.likelihood.BitsPerDim}: bits/dim of 8-bit data with uniform
 *       dequantisation and the importance-weighted bound, the data scaling's log-determinant
 *       included exactly.</li>
 * </ul>
 *
 * Validated against the closed-form densities of {@link org.diffusion4j.model.GaussianMixture}.
 */
package org.diffusion4j.likelihood;
