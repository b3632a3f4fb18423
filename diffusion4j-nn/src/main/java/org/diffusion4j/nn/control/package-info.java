/**
 * Planning and policies learned from the offline datasets of {@link org.diffusion4j.control}:
 * Diffuser-style trajectory diffusion with inpainting (Janner et al. 2022), Trajectory Diffuser's
 * autoregressive proposal refined by a few denoising steps (Huang et al., "Diffusion Models as
 * Optimizers for Efficient Planning in Offline RL"), a behaviour-cloning baseline, and a
 * diffusion policy over action chunks with the real-time-iteration warm start of RTI-DP
 * (Duan, Yin &amp; Kragic 2025).
 */
package org.diffusion4j.nn.control;
