package org.diffusion4j.sde;

import java.util.Locale;

/**
 * The SDE solvers, each a one-step scheme on a {@link Stepper}. Each declares its capabilities:
 * calculus, strong order per noise class ({@link #strongOrder(SdeTerm)}), weak order, whether it
 * needs time integrals and whether adaptive steps converge ({@link #supportsAdaptive(SdeTerm)});
 * {@link #check(SdeTerm)} rejects a term the scheme would solve wrongly (for example
 * Euler-Maruyama on a Stratonovich SDE, which converges to the Ito solution) and names the
 * solvers that accept it. Tests read these declarations.
 */
public enum Solver {
  /** Euler-Maruyama (Kloeden &amp; Platen 1992, eq. 10.2.2): strong order 0.5 (1.0 additive). Ito. */
  EULER("euler", Calculus.ITO, 0.5, 0.5, 1.0, 1.0, false, true),
  /** Milstein (Kloeden &amp; Platen 1992, eqs. 10.3.3, 10.3.7, 10.3.16): strong order 1.0 for commutative noise (incl. GENERAL terms declaring it). */
  MILSTEIN("milstein", null, Double.NaN, 1.0, 1.0, 1.0, false, true),
  /** Stochastic Heun (improved Euler, Kloeden &amp; Platen sec. 11.1): Stratonovich, order 1.0 commutative, 0.5 general. */
  HEUN("heun", Calculus.STRATONOVICH, 0.5, 1.0, 1.0, 1.0, false, true),
  /** Roessler's SRIW1 (SIAM J. Numer. Anal. 48, 2010, Table 5.2): strong order 1.5, diagonal/scalar noise, Ito. */
  SRI("sri", Calculus.ITO, Double.NaN, 1.5, 1.5, 2.0, true, true),
  /** Roessler's SRA1 (2010, Table 6.1): strong order 1.5 for additive noise. */
  SRA("sra", null, Double.NaN, Double.NaN, 1.5, 2.0, true, true),
  /** Reversible Heun (Kidger et al. 2021, Algorithm 1): Stratonovich, algebraically reversible; strong order 0.5 general, 1.0 commutative/additive. */
  REVERSIBLE_HEUN("reversible-heun", Calculus.STRATONOVICH, 0.5, 1.0, 1.0, 1.0, false, false),
  /** Drift-implicit Euler (Kloeden &amp; Platen eq. 12.2.1, theta = 1): for stiff drift, Ito. */
  IMPLICIT_EULER("implicit-euler", Calculus.ITO, 0.5, 0.5, 1.0, 1.0, false, true);

  private final String cliName;
  private final Calculus calculus;
  private final double strongGeneral;
  private final double strongCommutative;
  private final double strongAdditive;
  private final double weakOrder;
  private final boolean needsTimeIntegral;
  private final boolean stepDoubling;

  /**
   * The declared capabilities. {@code calculus}: the one the scheme converges to for non-additive
   * noise (null: either, selected from the term). Strong orders per noise class as in diffrax's
   * SDE solver table (docs/devdocs/SDE_solver_table): general (non-commutative GENERAL) noise,
   * commutative noise (DIAGONAL, SCALAR, GENERAL declaring it), ADDITIVE noise; NaN where the
   * scheme refuses the class. {@code stepDoubling}: whether the step can be halved and compared
   * at all (false for reversible Heun, whose state carries over between steps).
   */
  Solver(String cliName, Calculus calculus, double strongGeneral, double strongCommutative, double strongAdditive,
      double weakOrder, boolean needsTimeIntegral, boolean stepDoubling) {
    this.cliName = cliName;
    this.calculus = calculus;
    this.strongGeneral = strongGeneral;
    this.strongCommutative = strongCommutative;
    this.strongAdditive = strongAdditive;
    this.weakOrder = weakOrder;
    this.needsTimeIntegral = needsTimeIntegral;
    this.stepDoubling = stepDoubling;
  }

  public String cliName() {
    return cliName;
  }

  /** The calculus the scheme converges to for non-additive noise, or null when it takes either. */
  public Calculus calculus() {
    return calculus;
  }

  /** The best strong order the scheme reaches on any noise type it accepts. */
  public double strongOrder() {
    return Math.max(strongAdditive, Double.isNaN(strongCommutative) ? 0 : strongCommutative);
  }

  /**
   * The declared strong order on {@code term}'s noise class (additive, commutative or general),
   * or NaN when the scheme does not accept the term.
   */
  public double strongOrder(SdeTerm term) {
    if (!accepts(term)) {
      return Double.NaN;
    }
    return strongOrderFor(noiseClass(term));
  }

  /** Declared weak order (for the test functions of Kloeden &amp; Platen ch. 14, smooth f and g). */
  public double weakOrder() {
    return weakOrder;
  }

  /** Whether the scheme needs I_(1,0) = int (W_r - W_s) dr from the Brownian source. */
  public boolean needsTimeIntegral() {
    return needsTimeIntegral;
  }

  /** Noise classes that decide the strong order: additive, commutative (not additive), general. */
  enum NoiseClass { ADDITIVE, COMMUTATIVE, GENERAL }

  static NoiseClass noiseClass(SdeTerm term) {
    if (term.noiseType() == NoiseType.ADDITIVE) {
      return NoiseClass.ADDITIVE;
    }
    return term.commutativeNoise() ? NoiseClass.COMMUTATIVE : NoiseClass.GENERAL;
  }

  private double strongOrderFor(NoiseClass c) {
    switch (c) {
      case ADDITIVE:
        return strongAdditive;
      case COMMUTATIVE:
        return strongCommutative;
      default:
        return strongGeneral;
    }
  }

  /** Whether {@link #check(SdeTerm)} passes. */
  public boolean accepts(SdeTerm term) {
    return refusal(term) == null;
  }

  /**
   * Whether adaptive step-size control converges for this scheme on {@code term}. Step-size
   * control picks the steps after looking at the Brownian path, so the steps are not stopping
   * times; a scheme converges on such steps only if it is consistent in the pathwise (rough path)
   * sense, which needs strong order at least 1 on the term's noise (Foster &amp; Jelincic 2024,
   * "On the convergence of adaptive approximations for SDEs", arXiv:2311.14201; diffrax refuses
   * Euler with an adaptive controller and asks for commutative noise). Euler-Maruyama on
   * multiplicative noise fails this: sum g g' (dW^2 - h) over path-dependent steps does not vanish
   * and the solution converges to the wrong limit.
   */
  public boolean supportsAdaptive(SdeTerm term) {
    return adaptiveRefusal(term) == null;
  }

  /** Throws IllegalArgumentException when adaptive steps with this scheme would not converge on {@code term}. */
  public void checkAdaptive(SdeTerm term) {
    check(term);
    String why = adaptiveRefusal(term);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
  }

  private String adaptiveRefusal(SdeTerm term) {
    if (!accepts(term)) {
      return refusal(term);
    }
    if (!stepDoubling) {
      return cliName + " runs with fixed steps only (its state carries over between steps, so a step cannot be retried)";
    }
    if (strongOrder(term) < 1.0) {
      NoiseClass c = noiseClass(term);
      StringBuilder ok = new StringBuilder();
      for (Solver s : values()) {
        if (s.accepts(term) && s.stepDoubling && s.strongOrder(term) >= 1.0) {
          ok.append(ok.length() == 0 ? "" : ", ").append(s.cliName);
        }
      }
      return cliName + " cannot take adaptive steps on " + (c == NoiseClass.GENERAL ? "non-commutative" : "multiplicative")
          + " noise: its strong order there is " + strongOrder(term) + " and step-size control then converges to a wrong"
          + " solution (Foster & Jelincic 2024); use fixed steps (--dt)"
          + (ok.length() > 0 ? " or an adaptive-capable solver: " + ok : "");
    }
    return null;
  }

  /**
   * The default scheme for {@code term}: Euler for Ito, Heun for Stratonovich; with adaptive
   * steps, the first declared solver that supports them on the term (Milstein for multiplicative
   * noise), since Euler's steps cannot be controlled there.
   */
  public static Solver defaultFor(SdeTerm term, boolean adaptive) {
    Solver s = term.calculus() == Calculus.STRATONOVICH ? HEUN : EULER;
    if (!adaptive || s.supportsAdaptive(term)) {
      return s;
    }
    for (Solver c : values()) {
      if (c.supportsAdaptive(term)) {
        return c;
      }
    }
    return s;
  }

  /** The solvers that accept {@code term} (in declaration order). */
  public static java.util.List<Solver> accepting(SdeTerm term) {
    java.util.List<Solver> out = new java.util.ArrayList<>();
    for (Solver s : values()) {
      if (s.accepts(term)) {
        out.add(s);
      }
    }
    return out;
  }

  /** Parses a CLI name (case-insensitive; "em" is Euler). */
  public static Solver byName(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("em") || n.equals("euler-maruyama")) {
      return EULER;
    }
    for (Solver s : values()) {
      if (s.cliName.equals(n)) {
        return s;
      }
    }
    StringBuilder known = new StringBuilder();
    for (Solver s : values()) {
      known.append(known.length() == 0 ? "" : ", ").append(s.cliName);
    }
    throw new IllegalArgumentException("unknown SDE solver '" + name + "'; known: " + known);
  }

  /**
   * Throws IllegalArgumentException when this scheme cannot solve {@code term} correctly; the
   * message names the solvers that do accept the term.
   */
  public void check(SdeTerm term) {
    String why = refusal(term);
    if (why != null) {
      StringBuilder ok = new StringBuilder();
      for (Solver s : accepting(term)) {
        ok.append(ok.length() == 0 ? "" : ", ").append(s.cliName);
      }
      throw new IllegalArgumentException(why + (ok.length() > 0 ? "; solvers that accept it: " + ok : ""));
    }
  }

  /** Why the scheme refuses {@code term}, from the declarations, or null when it accepts it. */
  private String refusal(SdeTerm term) {
    NoiseType noise = term.noiseType();
    NoiseClass c = noiseClass(term);
    if (Double.isNaN(strongOrderFor(c))) {
      switch (c) {
        case ADDITIVE:
          return cliName + " does not accept ADDITIVE noise";
        case COMMUTATIVE:
          return cliName + " needs ADDITIVE noise (g independent of y), got " + noise;
        default:
          return cliName + " needs commutative noise (diagonal, scalar, additive, or a GENERAL term declaring "
              + "commutativeNoise()); non-commutative GENERAL noise needs Levy areas";
      }
    }
    if (this == SRI && noise == NoiseType.GENERAL) {
      return "sri supports diagonal, scalar or additive noise, not GENERAL";
    }
    if (calculus != null && c != NoiseClass.ADDITIVE && term.calculus() != calculus) {
      return cliName + " solves " + (calculus == Calculus.ITO ? "Ito" : "Stratonovich") + " (or additive-noise) SDEs, but the term is "
          + term.calculus() + " with " + noise + " noise";
    }
    return null;
  }

  /** A stepper for up to {@code capacity} paths (after {@link #check(SdeTerm)}). */
  public Stepper stepper(SdeTerm term, int capacity) {
    check(term);
    switch (this) {
      case EULER:
        return new Steppers.Euler(term, capacity);
      case MILSTEIN:
        return term.noiseType() == NoiseType.GENERAL
            ? new Steppers.CommutativeMilstein(term, capacity) : new Steppers.Milstein(term, capacity);
      case HEUN:
        return new Steppers.Heun(term, capacity);
      case SRI:
        return new Steppers.Sriw1(term, capacity);
      case SRA:
        return new Steppers.Sra1(term, capacity);
      case REVERSIBLE_HEUN:
        return new ReversibleHeun(term, capacity);
      case IMPLICIT_EULER:
        return new Steppers.ImplicitEuler(term, capacity);
      default:
        throw new AssertionError(this);
    }
  }
}
