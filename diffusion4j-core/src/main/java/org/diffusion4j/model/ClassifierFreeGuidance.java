package org.diffusion4j.model;

import org.diffusion4j.array.Batch;

/**
 * Classifier-free guidance as a {@link Denoiser} decorator (Ho &amp; Salimans 2022, "Classifier-Free
 * Diffusion Guidance", Eq. 6): D_w(x, t) = (1 + w) D(x, t | y) - w D(x, t | null).
 *
 * <p>Every prediction kind (eps, x0, v, score, velocity) is affine in the network output with
 * coefficients that depend on t only, so guiding the prediction is the same as guiding the
 * network output, whatever the kind. w = 0 is the conditional model and w = -1 the unconditional
 * one; w &gt; 0 sharpens the class. Both models must share dimension and prediction kind.
 */
public final class ClassifierFreeGuidance implements Denoiser {
  private final Denoiser conditional;
  private final Denoiser unconditional;
  private final double weight;

  private ClassifierFreeGuidance(Denoiser conditional, Denoiser unconditional, double weight) {
    this.conditional = conditional;
    this.unconditional = unconditional;
    this.weight = weight;
  }

  /**
   * Guided model (1 + w) conditional - w unconditional.
   *
   * @throws IllegalArgumentException if w is not finite or the two models differ in dimension or kind
   */
  public static Denoiser of(Denoiser conditional, Denoiser unconditional, double weight) {
    if (!Double.isFinite(weight)) {
      throw new IllegalArgumentException("guidance weight must be finite, got " + weight);
    }
    if (conditional.dim() != unconditional.dim() || conditional.prediction() != unconditional.prediction()) {
      throw new IllegalArgumentException("guidance needs two models of one dimension and prediction kind, got "
          + conditional.dim() + "/" + conditional.prediction() + " and " + unconditional.dim() + "/"
          + unconditional.prediction());
    }
    return new ClassifierFreeGuidance(conditional, unconditional, weight);
  }

  public double weight() {
    return weight;
  }

  @Override
  public int dim() {
    return conditional.dim();
  }

  @Override
  public Prediction prediction() {
    return conditional.prediction();
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    Batch u = out.zerosLike();
    conditional.predict(x, t, out);
    unconditional.predict(x, t, u);
    double[] o = out.data();
    double[] ud = u.data();
    for (int i = 0; i < o.length; i++) {
      o[i] = (1 + weight) * o[i] - weight * ud[i];
    }
  }
}
