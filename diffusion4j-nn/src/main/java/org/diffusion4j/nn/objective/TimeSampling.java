package org.diffusion4j.nn.objective;

import java.util.Locale;

/** How training times are drawn. */
public enum TimeSampling {
  /** u ~ U(0, 1), t = t_lo + u (t_hi - t_lo). */
  UNIFORM("uniform"),
  /**
   * u = sigmoid(m + s z), z ~ N(0, 1), m = 0, s = 1 (Esser et al. 2024, "Scaling Rectified
   * Flow Transformers", Sec. 3.1, Eq. 19): more weight on the middle of the path.
   */
  LOGIT_NORMAL("logit-normal"),
  /**
   * log sigma_e ~ N(-1.2, 1.2^2) (Karras et al. 2022, Table 1, p_train), mapped to t through
   * lambda = -log sigma_e and the path's t(lambda), clamped to the training range.
   */
  LOG_NORMAL("log-normal"),
  /**
   * Importance sampling by loss history (Nichol &amp; Dhariwal 2021, "Improved DDPM", Sec. 3.3):
   * u is drawn from 32 equal bins with p_k proportional to sqrt(E[L^2]) of bin k (uniform until
   * every bin has 10 samples), and each loss is weighted by 1/(32 p_k) so the objective stays
   * unbiased.
   */
  IMPORTANCE("importance");

  private final String cliName;

  TimeSampling(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static TimeSampling parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (TimeSampling w : values()) {
      if (w.cliName.equals(k)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown time sampling '" + s
        + "'; expected uniform, logit-normal, log-normal or importance");
  }
}
