/**
 * Geometric trajectories of particle systems, simulated in-tree and deterministically from a seed:
 * {@link ChargedParticles}, the charged n-body system of the EGNN and GeoTDM experiments
 * (integrated with the library's fixed-step Runge-Kutta solver), {@link Trajectories}, a set of
 * (frames, particles, 3) trajectories with their charges, and {@link TrajectoryMetrics}: ADE/FDE
 * forecasting errors, the constant-velocity baseline and the pairwise-distance MMD for generation.
 */
package org.diffusion4j.nbody;
