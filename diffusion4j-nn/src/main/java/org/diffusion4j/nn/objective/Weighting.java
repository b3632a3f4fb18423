package org.diffusion4j.nn.objective;

import java.util.Locale;

/**
 * Per-time loss weighting. Each is defined in noise space (a weight on |eps_hat - eps|^2) and
 * converted to the objective's own target with the factor c_K^2 such that
 * |K_hat - K|^2 = c_K^2 |eps_hat - eps|^2 on the path (see {@link Parameterisation#epsScale}).
 */
public enum Weighting {
  /** Weight 1 on the objective's own target (the "simple" losses; EDM's lambda = 1/c_out^2). */
  NONE("none"),
  /** Noise-space weight SNR = alpha^2/sigma^2, i.e. the x0 loss (Kingma et al. 2021, Eq. 13). */
  SNR("snr"),
  /**
   * Min-SNR-gamma (Hang et al. 2023, "Efficient Diffusion Training via Min-SNR Weighting
   * Strategy", Eq. 8): noise-space weight min(SNR, 5)/SNR.
   */
  MIN_SNR("min-snr"),
  /** sigma^2 on the objective's own target (Song et al. 2021, Eq. 7 with lambda = sigma^2). */
  SIGMA2("sigma2");

  /** gamma of Min-SNR (the paper's default). */
  public static final double MIN_SNR_GAMMA = 5;

  private final String cliName;

  Weighting(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static Weighting parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (Weighting w : values()) {
      if (w.cliName.equals(k)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown weighting '" + s + "'; expected none, snr, min-snr or sigma2");
  }
}
