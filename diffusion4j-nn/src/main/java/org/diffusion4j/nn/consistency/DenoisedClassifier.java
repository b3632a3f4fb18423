package org.diffusion4j.nn.consistency;

import org.diffusion4j.array.Batch;
import org.diffusion4j.certify.BaseClassifier;
import org.diffusion4j.consistency.ConsistencySchedule;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.path.GaussianPath;

/**
 * The denoise-then-classify base classifier of rRCM (the "Robust Representation Consistency
 * Model" pipeline; Carlini et al. 2023, "(Certified!!) Adversarial Robustness for Free!", for the
 * one-shot denoiser form) for randomised smoothing of MNIST digits.
 *
 * <p>Units: smoothing works in pixel units u in [0, 1] (Cohen et al.'s convention, so sigma and the
 * certified radii compare with the literature); the models work in x = 2u - 1 in [-1, 1]. A noisy
 * input u + sigma n is x0 + (2 sigma) n in model units: exactly the scale-free variable x~ of the
 * diffusion path at noise level s = 2 sigma. So the denoiser is evaluated at the path time t with
 * sigma(t)/alpha(t) = s, on x = alpha(t) x~, and its data prediction (for a consistency model, its
 * one-step sample f(x, t)), clipped to [-1, 1], goes to the classifier. Without a denoiser the
 * classifier sees the clipped noisy digit (Cohen et al.'s plain smoothing of an un-noised classifier).
 */
public final class DenoisedClassifier implements BaseClassifier {
  private final Denoiser denoiser;
  private final GaussianPath path;
  private final double t;
  private final DigitClassifier classifier;

  /**
   * @param denoiser the one-step denoiser (any prediction kind; converted to x0), or null for none
   * @param path its path
   * @param sigma the smoothing noise level in pixel units [0, 1]
   * @param classifier the digit classifier (inputs in [-1, 1])
   */
  public DenoisedClassifier(Denoiser denoiser, GaussianPath path, double sigma, DigitClassifier classifier) {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
    }
    this.denoiser = denoiser == null ? null : Predictions.as(denoiser, path, Prediction.X0);
    this.path = path;
    this.t = denoiser == null ? Double.NaN : ConsistencySchedule.timeOf(path, 2 * sigma);
    this.classifier = classifier;
  }

  /** The path time at which the denoiser is evaluated (NaN without a denoiser). */
  public double time() {
    return t;
  }

  @Override
  public int classes() {
    return Mnist.CLASSES;
  }

  @Override
  public int dim() {
    return Mnist.PIXELS;
  }

  @Override
  public int[] classify(Batch u) {
    Batch x = new Batch(u.n(), u.d());
    double a = denoiser == null ? 1 : path.alpha(t);
    double[] in = u.data();
    double[] xs = x.data();
    for (int i = 0; i < xs.length; i++) {
      xs[i] = a * (2 * in[i] - 1);
    }
    Batch clean = x;
    if (denoiser != null) {
      clean = x.zerosLike();
      denoiser.predict(x, t, clean);
    }
    double[] c = clean.data();
    for (int i = 0; i < c.length; i++) {
      c[i] = Math.max(-1, Math.min(1, c[i]));
    }
    return classifier.predict(clean);
  }

  /** A digit in model units [-1, 1] as pixel units [0, 1]. */
  public static double[] toPixels(double[] x) {
    double[] u = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      u[i] = 0.5 * (x[i] + 1);
    }
    return u;
  }
}
