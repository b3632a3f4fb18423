package org.diffusion4j.nn.pde;

import org.diffusion4j.pde.BurgersFamily;
import org.diffusion4j.pde.ParametricPde;
import org.diffusion4j.pde.PoissonFamily;

/**
 * Which parametric PDE family a random-grid neural process learns, as a JSON-friendly record.
 *
 * @param kind "poisson" ({@link PoissonFamily}: -u'' + kappa u^3 = f) or "burgers" ({@link BurgersFamily})
 * @param kappa Poisson cubic coefficient (ignored for Burgers)
 * @param nu Burgers viscosity (ignored for Poisson)
 * @param endTime Burgers final time (0 for Poisson)
 * @param parameters dimension of theta
 * @param amplitude scale of the input function
 * @param width Poisson source bump width (ignored for Burgers)
 */
public record ProblemSpec(String kind, double kappa, double nu, double endTime, int parameters, double amplitude,
    double width) {
  public ProblemSpec {
    if (!"poisson".equals(kind) && !"burgers".equals(kind)) {
      throw new IllegalArgumentException("problem must be poisson or burgers, got " + kind);
    }
    family(kind, kappa, nu, endTime, parameters, amplitude, width); // validates
  }

  /** {@link PoissonFamily#defaults()}. */
  public static ProblemSpec poisson() {
    PoissonFamily p = PoissonFamily.defaults();
    return new ProblemSpec("poisson", p.kappa(), 0, 0, p.parameters(), p.amplitude(), p.width());
  }

  /** {@link BurgersFamily#defaults()}. */
  public static ProblemSpec burgers() {
    BurgersFamily b = BurgersFamily.defaults();
    return new ProblemSpec("burgers", 0, b.nu(), b.endTime(), b.parameters(), b.amplitude(), 0);
  }

  /** The default spec of {@code kind}. */
  public static ProblemSpec of(String kind) {
    return switch (kind) {
      case "poisson" -> poisson();
      case "burgers" -> burgers();
      default -> throw new IllegalArgumentException("problem must be poisson or burgers, got " + kind);
    };
  }

  public boolean isBurgers() {
    return "burgers".equals(kind);
  }

  /** The core family this spec names. */
  public ParametricPde family() {
    return family(kind, kappa, nu, endTime, parameters, amplitude, width);
  }

  private static ParametricPde family(String kind, double kappa, double nu, double endTime, int parameters,
      double amplitude, double width) {
    return "burgers".equals(kind) ? new BurgersFamily(nu, endTime, parameters, amplitude)
        : new PoissonFamily(kappa, parameters, amplitude, width);
  }
}
