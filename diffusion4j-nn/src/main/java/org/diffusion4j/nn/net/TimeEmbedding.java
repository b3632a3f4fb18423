package org.diffusion4j.nn.net;

import java.util.Locale;

/** How a network embeds its scalar noise-level input c. */
public enum TimeEmbedding {
  /**
   * Transformer sinusoids of 1000 c (Vaswani et al. 2017, Sec. 3.5, as used by Ho et al. 2020):
   * [sin(1000 c w_k), cos(1000 c w_k)] with w_k = 10000^(-k/(E/2)).
   */
  SINUSOIDAL("sinusoidal"),
  /**
   * Random Fourier features [sin(2 pi c w_k), cos(2 pi c w_k)] with fixed w_k ~ N(0, s^2)
   * (Tancik et al. 2020; Song et al. 2021, Appendix H.1, scale s = 16).
   */
  FOURIER("fourier");

  private final String cliName;

  TimeEmbedding(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static TimeEmbedding parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (TimeEmbedding e : values()) {
      if (e.cliName.equals(k)) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown time embedding '" + s + "'; expected sinusoidal or fourier");
  }
}
