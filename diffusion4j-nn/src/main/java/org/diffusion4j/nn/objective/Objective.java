package org.diffusion4j.nn.objective;

import java.util.Locale;
import org.diffusion4j.model.Prediction;

/**
 * What the network is trained to predict, and with which loss. Every objective works on any
 * core {@link org.diffusion4j.path.GaussianPath} x_t = alpha x0 + sigma eps.
 */
public enum Objective {
  /** Denoising score matching, noise target: E w |eps_hat - eps|^2 (Ho et al. 2020, Eq. 14). */
  EPS("eps", Prediction.EPSILON, false),
  /** Data target: E w |x0_hat - x0|^2 (Kingma et al. 2021, "Variational Diffusion Models", Eq. 13). */
  X0("x0", Prediction.X0, false),
  /** v target v = alpha eps - sigma x0 (Salimans &amp; Ho 2022, Eq. 9 and Appendix D). */
  V("v", Prediction.V, false),
  /**
   * EDM: D = c_skip x + c_out F(c_in x, c_noise) trained with lambda = 1/c_out^2 (Karras et al.
   * 2022, Table 1 and Eq. 8), generalised to alpha != 1 by sigma_e = sigma/alpha on x/alpha.
   */
  EDM("edm", Prediction.X0, false),
  /**
   * PFGM++ (Xu et al. 2023, "PFGM++", Sec. 4 and official code Newbeeer/pfgmpp, training/loss.py,
   * EDMLoss with pfgmpp=True): the EDM objective, preconditioning and weighting unchanged, with
   * the noise eps in x = y + sigma eps drawn from the unit PFGM++ kernel with
   * {@code TrainConfig.augmentedDim()} extra dimensions (a multivariate t_D) instead of N(0, I);
   * see {@link NoiseKernel}. D = infinity is EDM exactly (same draws, same loss).
   */
  PFGMPP("pfgmpp", Prediction.X0, false),
  /**
   * Flow matching: E |u_hat - (alpha' x0 + sigma' eps)|^2 (Lipman et al. 2023, Eq. 9 with the
   * Gaussian paths of Sec. 4.1; cond-OT gives rectified flow, Liu et al. 2023).
   */
  FLOW("flow", Prediction.VELOCITY, false),
  /**
   * Stochastic-interpolant velocity: L_b = E[|b_hat|^2 - 2 b_hat . d/dt x_t] for the
   * Gaussian-to-data interpolant x_t = alpha x0 + sigma eps (Albergo, Boffi &amp;
   * Vanden-Eijnden 2023, "Stochastic Interpolants", Theorem 2.6 / Eq. 2.13). Same minimiser as
   * FLOW; its value is the MSE minus E|x_t'|^2, so it can be negative.
   */
  INTERPOLANT("interpolant", Prediction.VELOCITY, true),
  /**
   * Stochastic-interpolant score: L_s = E[|s_hat|^2 + 2 s_hat . eps / sigma] (Albergo et al.
   * 2023, Eq. 2.19 with gamma z = sigma eps), weighted by sigma^2 by default to tame t -&gt; 0.
   */
  INTERPOLANT_SCORE("interpolant-score", Prediction.SCORE, true);

  private final String cliName;
  private final Prediction prediction;
  private final boolean quadratic;

  Objective(String cliName, Prediction prediction, boolean quadratic) {
    this.cliName = cliName;
    this.prediction = prediction;
    this.quadratic = quadratic;
  }

  public String cliName() {
    return cliName;
  }

  /** The kind a trained network predicts (what the Denoiser adapter declares). */
  public Prediction prediction() {
    return prediction;
  }

  /**
   * True for the interpolant objectives, whose loss is |F|^2 - 2 F . Y rather than |F - Y|^2
   * (same gradient, different constant).
   */
  public boolean quadratic() {
    return quadratic;
  }

  /** True for EDM and PFGM++, which share the EDM preconditioning and weighting lambda = 1/c_out^2. */
  public boolean edmPreconditioned() {
    return this == EDM || this == PFGMPP;
  }

  public static Objective parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (Objective o : values()) {
      if (o.cliName.equals(k)) {
        return o;
      }
    }
    if (k.equals("interpolant-b") || k.equals("b")) {
      return INTERPOLANT;
    }
    if (k.equals("interpolant-s") || k.equals("s")) {
      return INTERPOLANT_SCORE;
    }
    throw new IllegalArgumentException("unknown objective '" + s
        + "'; expected eps, x0, v, edm, pfgmpp, flow, interpolant or interpolant-score");
  }
}
