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

  /**
   * Whether {@code value} of component {@code i} lies in the state space of the exact solution
   * started from {@code y0} (GBM keeps the sign of y0, CIR stays non-negative). An explicit scheme
   * at a large step can leave it; callers check saved states with this. Default: every value.
   */
  default boolean inDomain(int i, double value, double[] y0) {
    return true;
  }

  /** The state space in words, for messages (e.g. "y keeps the sign of y0"). */
  default String domain() {
    return "all real values";
  }

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
