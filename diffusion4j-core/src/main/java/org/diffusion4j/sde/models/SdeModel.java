package org.diffusion4j.sde.models;

import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.SdeTerm;

/** A named built-in SDE with its parameters, a default initial state and, where known, exact marginals. */
public interface SdeModel extends SdeTerm {
  /** Registry name, e.g. "gbm". */
  String name();

  /** Built-in models are stated in Ito form unless they say otherwise. */
  @Override
  default Calculus calculus() {
    return Calculus.ITO;
  }

  /** A sensible initial state. */
  double[] defaultY0();

  /** The exact law of component 0 at time t started from y0, or null when not known in closed form. */
  default Marginal marginal(double t, double[] y0) {
    return null;
  }

  /** Exact one-dimensional marginal: mean, variance and (when known) density. */
  interface Marginal {
    double mean();

    double variance();

    /** Probability density at x, or NaN when not available. */
    double density(double x);
  }
}
