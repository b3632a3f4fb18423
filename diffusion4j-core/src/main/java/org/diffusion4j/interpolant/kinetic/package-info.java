/**
 * Kinetic-optimal Gaussian probability paths (Shaul, Chen, Nickel, Le &amp; Lipman 2023, "On
 * Kinetic Optimal Probability Paths for Generative Models"): the data separation function
 * estimated from data ({@link org.diffusion4j.interpolant.kinetic.DataSeparation}), the
 * kinetic-optimal path as a {@link org.diffusion4j.path.GaussianPath}
 * ({@link org.diffusion4j.interpolant.kinetic.KineticOptimalPath}) and the kinetic energy of any
 * path on a dataset ({@link org.diffusion4j.interpolant.kinetic.KineticEnergy}).
 */
package org.diffusion4j.interpolant.kinetic;
