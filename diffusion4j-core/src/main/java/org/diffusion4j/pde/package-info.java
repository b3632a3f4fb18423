/**
 * Finite-difference reference solvers for 1-D nonlinear PDEs (nonlinear Poisson, viscous Burgers),
 * second order, verified by manufactured solutions. The first step of issue 21's random-grid
 * neural processes; the neural process itself is not built yet.
 */
package org.diffusion4j.pde;
