/**
 * Couplings of x0 and x1 for interpolant training minibatches: independent, paired, and
 * minibatch optimal transport as in OT-CFM (Tong et al. 2024), by an exact O(n^3) assignment
 * solver ({@link org.diffusion4j.interpolant.coupling.Assignment}) or entropic log-domain
 * Sinkhorn iterations ({@link org.diffusion4j.interpolant.coupling.Sinkhorn}).
 */
package org.diffusion4j.interpolant.coupling;
