package org.diffusion4j.nn.neuralsde;

import java.util.Locale;

/**
 * The continuous-time models of irregular series in this package. The three stable neural SDEs
 * and the unconstrained baseline follow the {@code Diffusion_model} vector field of Oh et al.
 * (ICLR 2024), github.com/yongkyung-oh/Stable-Neural-SDEs,
 * {@code benchmark_classification/models_sde/neuralsde.py} (commit dbda657), whose README names
 * the paper's methods by (input_option, noise_option): LSDE = (2, 16), LNSDE = (4, 17),
 * GSDE = (6, 17), and the plain neural SDE = (3, 18).
 */
public enum IrregularModel {
  /**
   * Langevin-type SDE: dz = gamma(z, X(t)) dt + sigma(t) dW. Drift tanh(MLP(emb[linear(z),
   * linear(X(t))])), diffusion tanh(sigmoid(theta) relu(NN(sin t, cos t))): additive noise that
   * depends on time only, bounded drift (option (2, 16)).
   */
  LSDE,
  /**
   * Linear-noise SDE: dz = gamma(t, z, X(t)) dt + sigma(t) z dW. Drift tanh(MLP(emb[linear(sin t,
   * cos t, z), linear(X(t))])), diffusion tanh(sigmoid(theta) relu(NN(sin t, cos t)) z)
   * (option (4, 17)).
   */
  LNSDE,
  /**
   * Geometric SDE: dz / z = gamma dt + sigma(t) dW. Drift tanh(MLP(...) tanh(z)) (the code's
   * geometric interaction), diffusion as LNSDE (option (6, 17)).
   */
  GSDE,
  /**
   * Unconstrained neural SDE of the same width: option (3, 18) with the runtime tanh clipping
   * removed, i.e. drift MLP(linear(sin t, cos t, z)) and diffusion sigmoid(theta)
   * relu(NN(sin t, cos t, z)), neither bounded (the form of the repository's tutorial
   * {@code NeuralSDEFunc}). The baseline whose divergence the stability test shows.
   */
  NSDE,
  /**
   * Neural CDE (Kidger et al. 2020, "Neural Controlled Differential Equations for Irregular Time
   * Series", github.com/patrick-kidger/NeuralCDE {@code FinalTanh} vector field):
   * dz = f(z) dX(t), f(z) = tanh(MLP(z)) reshaped to (hidden, channels).
   */
  NCDE;

  /** Parses lsde|lnsde|gsde|nsde|ncde (case-insensitive). */
  public static IrregularModel parse(String name) {
    for (IrregularModel m : values()) {
      if (m.name().equalsIgnoreCase(name.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown model '" + name + "'; expected one of lsde, lnsde, gsde, nsde, ncde");
  }

  /** Lower-case name as on the command line. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the model has a diffusion term (needs Brownian increments). */
  public boolean stochastic() {
    return this != NCDE;
  }
}
