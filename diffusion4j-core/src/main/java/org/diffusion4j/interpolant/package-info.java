/**
 * Stochastic interpolants and flow matching (Albergo, Boffi &amp; Vanden-Eijnden 2023,
 * "Stochastic Interpolants: A Unifying Framework for Flows and Diffusions"): bridges
 * x_t = alpha(t) x0 + beta(t) x1 + gamma(t) z between two arbitrary densities
 * ({@link org.diffusion4j.interpolant.Interpolant}, {@link org.diffusion4j.interpolant.Gamma},
 * {@link org.diffusion4j.interpolant.Interpolants}); exact velocity, score and denoiser for
 * Gaussian-mixture end points, the ground truth for tests
 * ({@link org.diffusion4j.interpolant.GaussianInterpolantFields}); generation by the
 * probability-flow ODE and the forward/backward SDEs with tunable eps(t)
 * ({@link org.diffusion4j.interpolant.InterpolantGenerator}; with an NFE budget and counted
 * evaluations, {@link org.diffusion4j.interpolant.FlowSampling}); the rectified-flow straightness
 * measure ({@link org.diffusion4j.interpolant.Straightness}) and training-free kernel reflow
 * ({@link org.diffusion4j.interpolant.Reflow}); sampling-time conversions of a
 * flow (score from velocity, interpolant change, any Denoiser as a velocity:
 * {@link org.diffusion4j.interpolant.FlowConversions}); reward-guided particle sampling with
 * rollover budget forcing ({@link org.diffusion4j.interpolant.RolloverBudgetForcing}); the exact
 * ODE likelihood of data-to-data flows ({@link org.diffusion4j.interpolant.InterpolantLikelihood});
 * the SDE model's likelihood (Jensen bound and log mean weight over reweighted paths,
 * {@link org.diffusion4j.interpolant.SdeInterpolantLikelihood}, fields with divergences
 * {@link org.diffusion4j.interpolant.DivergenceField}) and its KL bound
 * ({@link org.diffusion4j.interpolant.SdeKlBound});
 * and the velocity/score consistency residual
 * ({@link org.diffusion4j.interpolant.ScoreTransportResidual}).
 *
 * <p>Fields are {@link org.diffusion4j.model.VectorField}s, called as {@code (x, t, out)} like every
 * field and denoiser of the library. Time runs from rho0 (t = 0) to rho1 (t = 1), the paper's convention; one-sided
 * interpolants convert to this library's {@link org.diffusion4j.path.GaussianPath} (data at 0)
 * with {@link org.diffusion4j.interpolant.Interpolant#toGaussianPath()}. Sub-packages:
 * {@code coupling} (independent, paired, minibatch OT couplings) and {@code kinetic}
 * (kinetic-optimal Gaussian paths).
 *
 * <p>Equation, theorem and section numbers cited in this package refer to arXiv:2303.08797 (v4).
 * They could not be checked against the paper's text where this library was written (only its
 * abstract was at hand), so treat them as pointers; every formula is also stated in full where it
 * is used and is verified by the tests against closed forms (Gaussian and Gaussian-mixture end
 * points), not by the citation.
 */
package org.diffusion4j.interpolant;
