/**
 * PFGM++ (Xu et al., ICML 2023; official code Newbeeer/pfgmpp): the augmented-dimension
 * perturbation kernel with exact Beta-based sampling ({@link org.diffusion4j.pfgm.PfgmppKernel}),
 * the r = sigma sqrt(D) alignment with EDM, and the exact posterior-mean field of an empirical
 * distribution ({@link org.diffusion4j.pfgm.PfgmppPosteriorMean}), which the existing EDM
 * samplers integrate unchanged (t = sigma on {@link org.diffusion4j.path.EdmPath}).
 */
package org.diffusion4j.pfgm;
