/**
 * Neural differential equations for irregularly sampled series, trained discretise-then-optimise
 * with plain DJL autograd through our own solver steps over batched arrays: the neural CDE
 * (Kidger et al. 2020), the stable neural SDEs LSDE / LNSDE / GSDE of Oh et al. (ICLR 2024) and an
 * unconstrained neural SDE ({@link org.diffusion4j.nn.neuralsde.IrregularNet},
 * {@link org.diffusion4j.nn.neuralsde.IrregularModel}); the library entry point
 * {@link org.diffusion4j.nn.neuralsde.IrregularFit#fit} for classification, interpolation and
 * forecasting; and the SDE-GAN of Kidger et al. (2021) ({@link org.diffusion4j.nn.neuralsde.SdeGan}).
 * Control paths come from {@link org.diffusion4j.irregular}.
 */
package org.diffusion4j.nn.neuralsde;
