package org.diffusion4j.sde;

import java.util.Locale;

/**
 * The SDE solvers, each a one-step scheme on a {@link Stepper}. Strong orders are for the noise
 * types each accepts; {@link #check(SdeTerm)} rejects a term the scheme would solve wrongly
 * (for example Euler-Maruyama on a Stratonovich SDE, which converges to the Ito solution).
 */
public enum Solver {
  /** Euler-Maruyama (Kloeden &amp; Platen 1992, eq. 10.2.2): strong order 0.5 (1.0 additive). Ito. */
  EULER("euler", 0.5, false),
  /** Milstein (Kloeden &amp; Platen 1992, eqs. 10.3.3, 10.3.7, 10.3.16): strong order 1.0 for commutative noise (incl. GENERAL terms declaring it). */
  MILSTEIN("milstein", 1.0, false),
  /** Stochastic Heun (improved Euler, Kloeden &amp; Platen sec. 11.1): Stratonovich, order 1.0 commutative. */
  HEUN("heun", 1.0, false),
  /** Roessler's SRIW1 (SIAM J. Numer. Anal. 48, 2010, Table 5.2): strong order 1.5, diagonal/scalar noise, Ito. */
  SRI("sri", 1.5, true),
  /** Roessler's SRA1 (2010, Table 6.1): strong order 1.5 for additive noise. */
  SRA("sra", 1.5, true),
  /** Reversible Heun (Kidger et al. 2021, Algorithm 1): Stratonovich, algebraically reversible. */
  REVERSIBLE_HEUN("reversible-heun", 0.5, false),
  /** Drift-implicit Euler (Kloeden &amp; Platen eq. 12.2.1, theta = 1): for stiff drift, Ito. */
  IMPLICIT_EULER("implicit-euler", 0.5, false);

  private final String cliName;
  private final double strongOrder;
  private final boolean needsTimeIntegral;

  Solver(String cliName, double strongOrder, boolean needsTimeIntegral) {
    this.cliName = cliName;
    this.strongOrder = strongOrder;
    this.needsTimeIntegral = needsTimeIntegral;
  }

  public String cliName() {
    return cliName;
  }

  /** Strong order for the noise types the scheme accepts (general noise: 0.5 for Heun-type schemes). */
  public double strongOrder() {
    return strongOrder;
  }

  /** Whether the scheme needs I_(1,0) = int (W_r - W_s) dr from the Brownian source. */
  public boolean needsTimeIntegral() {
    return needsTimeIntegral;
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

  /** Throws IllegalArgumentException when this scheme cannot solve {@code term} correctly. */
  public void check(SdeTerm term) {
    NoiseType noise = term.noiseType();
    boolean additive = noise == NoiseType.ADDITIVE;
    Calculus calc = term.calculus();
    switch (this) {
      case EULER:
      case IMPLICIT_EULER:
        requireCalculus(calc == Calculus.ITO || additive, "Ito (or additive noise)", term);
        break;
      case MILSTEIN:
        if (noise == NoiseType.GENERAL && !term.commutativeNoise()) {
          throw new IllegalArgumentException("milstein needs commutative noise (diagonal, scalar, additive, or a GENERAL "
              + "term declaring commutativeNoise()); non-commutative noise needs Levy areas: use euler or heun");
        }
        break;
      case HEUN:
      case REVERSIBLE_HEUN:
        requireCalculus(calc == Calculus.STRATONOVICH || additive, "Stratonovich (or additive noise)", term);
        break;
      case SRI:
        if (noise == NoiseType.GENERAL) {
          throw new IllegalArgumentException("sri supports diagonal, scalar or additive noise, not GENERAL");
        }
        requireCalculus(calc == Calculus.ITO || additive, "Ito (or additive noise)", term);
        break;
      case SRA:
        if (!additive) {
          throw new IllegalArgumentException("sra needs ADDITIVE noise (g independent of y), got " + noise
              + "; use sri for diagonal noise");
        }
        break;
      default:
        throw new AssertionError(this);
    }
  }

  private void requireCalculus(boolean ok, String needed, SdeTerm term) {
    if (!ok) {
      throw new IllegalArgumentException(cliName + " solves " + needed + " SDEs, but the term is "
          + term.calculus() + " with " + term.noiseType() + " noise");
    }
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
