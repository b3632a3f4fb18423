package org.diffusion4j.inverse;

/**
 * The knobs of the restoration solvers, with the defaults of the official code each one follows.
 *
 * @param eta DDRM's eta (official default 0.85, bahjat-kawar/ddrm main.py {@code --eta}); also the
 *     stochasticity of the projection and DPS reverse steps (1 = DDPM ancestral)
 * @param etaB DDRM's eta_b for measured coordinates noisier than x_t (official default 1.0)
 * @param dpsScale DPS's step size zeta on grad ||y - A(x0hat)|| (DPS2022 configs: 0.3 for blur and
 *     4x SR, 0.5 for inpainting; 1.0 in the paper's FFHQ SR)
 * @param redDiffLr RED-Diff's Adam learning rate (NVlabs/RED-diff _configs/algo/reddiff.yaml: 0.1;
 *     the README example uses 0.5)
 * @param redDiffLambda RED-Diff's regularisation weight lambda ({@code grad_term_weight}, 0.25)
 * @param redDiffObsWeight weight of the data term ({@code obs_weight}, 1.0)
 */
public record RestorationOptions(double eta, double etaB, double dpsScale, double redDiffLr, double redDiffLambda,
    double redDiffObsWeight) {
  /** The official defaults: eta 0.85, eta_b 1, zeta 0.5, lr 0.1, lambda 0.25, obs weight 1. */
  public static final RestorationOptions DEFAULTS = new RestorationOptions(0.85, 1.0, 0.5, 0.1, 0.25, 1.0);

  public RestorationOptions {
    check("eta", eta, 0, 1);
    check("eta_b", etaB, 0, 1);
    check("DPS scale", dpsScale, 0, 1e6);
    check("RED-Diff learning rate", redDiffLr, 0, 1e3);
    check("RED-Diff lambda", redDiffLambda, 0, 1e6);
    check("RED-Diff observation weight", redDiffObsWeight, 0, 1e6);
  }

  private static void check(String name, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new IllegalArgumentException(name + " = " + v + " must be in [" + lo + ", " + hi + "]");
    }
  }

  public RestorationOptions withEta(double e) {
    return new RestorationOptions(e, etaB, dpsScale, redDiffLr, redDiffLambda, redDiffObsWeight);
  }

  public RestorationOptions withEtaB(double e) {
    return new RestorationOptions(eta, e, dpsScale, redDiffLr, redDiffLambda, redDiffObsWeight);
  }

  public RestorationOptions withDpsScale(double z) {
    return new RestorationOptions(eta, etaB, z, redDiffLr, redDiffLambda, redDiffObsWeight);
  }

  public RestorationOptions withRedDiff(double lr, double lambda) {
    return new RestorationOptions(eta, etaB, dpsScale, lr, lambda, redDiffObsWeight);
  }
}
