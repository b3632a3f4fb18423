package org.diffusion4j.model;

import java.util.Locale;

/**
 * What a model predicts from (x_t, t) on a path x_t = alpha x0 + sigma eps. All kinds carry the
 * same information and convert exactly given the path ({@link Predictions}):
 * <ul>
 *   <li>EPSILON: the noise eps (Ho et al. 2020);</li>
 *   <li>X0: the data x0 = E[x0 | x_t] (Karras et al. 2022's denoiser D);</li>
 *   <li>V: v = alpha eps - sigma x0 (Salimans &amp; Ho 2022, "Progressive Distillation", Eq. 9);</li>
 *   <li>SCORE: grad log p_t(x) = -eps / sigma (Song et al. 2021);</li>
 *   <li>VELOCITY: u = alpha' x0 + sigma' eps, the flow-matching velocity dx/dt (Lipman et al. 2023).</li>
 * </ul>
 */
public enum Prediction {
  EPSILON("eps"),
  X0("x0"),
  V("v"),
  SCORE("score"),
  VELOCITY("velocity");

  private final String cliName;

  Prediction(String cliName) {
    this.cliName = cliName;
  }

  /** The lower-case name used on the command line and in files. */
  public String cliName() {
    return cliName;
  }

  /** Parses a CLI name (eps, x0, v, score, velocity) or an enum constant, case-insensitively. */
  public static Prediction parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (Prediction p : values()) {
      if (p.cliName.equals(k) || p.name().toLowerCase(Locale.ROOT).equals(k)) {
        return p;
      }
    }
    if (k.equals("epsilon") || k.equals("noise")) {
      return EPSILON;
    }
    if (k.equals("data") || k.equals("x_0")) {
      return X0;
    }
    throw new IllegalArgumentException("unknown prediction kind '" + s + "'; expected eps, x0, v, score or velocity");
  }
}
