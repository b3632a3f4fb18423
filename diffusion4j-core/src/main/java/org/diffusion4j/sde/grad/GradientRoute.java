package org.diffusion4j.sde.grad;

import java.util.Locale;

/**
 * How {@link SdeGradient} differentiates a solve (torchsde: {@code sdeint} vs
 * {@code sdeint_adjoint}; diffrax: {@code adjoint=RecursiveCheckpointAdjoint / BacksolveAdjoint /
 * ReversibleAdjoint}).
 */
public enum GradientRoute {
  /**
   * Discretise-then-optimise: Euler-Maruyama forward with every state kept on a tape, then the
   * exact reverse-mode derivative of that discrete map. Memory O(steps); Ito terms (or additive noise).
   */
  BACKPROP("backprop"),
  /**
   * Optimise-then-discretise: the continuous adjoint SDE (Li, Wong, Chen &amp; Duvenaud 2020, eq. 8;
   * torchsde {@code AdjointSDE}) solved backwards in time together with the state, by stochastic
   * Heun, the Brownian motion re-queried backwards from the {@code BrownianTree}. Memory O(1);
   * Stratonovich terms (or additive noise); the gradient is exact only as the step goes to 0.
   */
  ADJOINT("adjoint"),
  /**
   * Reversible Heun forward and its exact algebraic backward pass (Kidger, Foster, Li &amp; Lyons
   * 2021, Algorithms 1 and 2): the gradient of the discrete solution to rounding, memory O(1).
   * Stratonovich terms (or additive noise).
   */
  REVERSIBLE_HEUN("reversible-heun");

  private final String cliName;

  GradientRoute(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  /** Parses a route name: backprop, adjoint, reversible-heun. */
  public static GradientRoute byName(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (GradientRoute r : values()) {
      if (r.cliName.equals(n)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown gradient route '" + name + "'; known: backprop, adjoint, reversible-heun");
  }
}
