/**
 * Built-in SDE models (Ornstein-Uhlenbeck, geometric Brownian motion, Cox-Ingersoll-Ross,
 * double-well Langevin, stochastic Lorenz, Heston) with their exact marginals where known, and a
 * registry by name ({@link org.diffusion4j.sde.models.SdeModels}) for the command line.
 */
package org.diffusion4j.sde.models;
