package org.diffusion4j.nn.objective;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.path.GaussianPath;

/**
 * Per-sample training math in plain Java: from data x0, noise eps and times t it builds the
 * network input c_in x_t, the noise-level input c_noise, the regression target Y for the raw
 * output F and the per-sample weight, so that the loss DJL computes is
 * mean_i w_i |F_i - Y_i|^2 / d (or w_i (|F_i|^2 - 2 F_i . Y_i) / d for the quadratic
 * interpolant objectives). With prediction K_hat = c_skip x + c_out F and target K,
 * Y = (K - c_skip x)/c_out and w = weight(t) c_out^2, so the loss equals weight(t) |K_hat - K|^2.
 */
public final class Targets {
  private final Objective objective;
  private final GaussianPath path;
  private final Weighting weighting;
  private final double sigmaData;

  public Targets(Objective objective, GaussianPath path, Weighting weighting, double sigmaData) {
    if (objective.edmPreconditioned() && weighting != Weighting.NONE) {
      throw new IllegalArgumentException("the " + objective.cliName() + " objective has its own weighting lambda = 1/c_out^2; use weighting none");
    }
    if (objective.quadratic() && objective == Objective.INTERPOLANT && weighting != Weighting.NONE) {
      throw new IllegalArgumentException("the interpolant velocity objective takes weighting none");
    }
    if (!(sigmaData > 0 && Double.isFinite(sigmaData))) {
      throw new IllegalArgumentException("sigma-data must be positive, got " + sigmaData);
    }
    this.objective = objective;
    this.path = path;
    this.weighting = weighting;
    this.sigmaData = sigmaData;
  }

  public Objective objective() {
    return objective;
  }

  public GaussianPath path() {
    return path;
  }

  /**
   * Fills the float buffers for one batch. {@code timeWeight} (may be null) multiplies each
   * sample's weight (importance sampling's 1/(K p)).
   */
  public void fill(Batch x0, Batch eps, double[] t, double[] timeWeight, float[] input, float[] cNoise,
      float[] target, float[] weight) {
    x0.requireSameShape(eps);
    int n = x0.n();
    int d = x0.d();
    double[] xs = x0.data();
    double[] es = eps.data();
    Parallel.forRows(n, 256, (from, to) -> {
      for (int i = from; i < to; i++) {
        double ti = t[i];
        double a = path.alpha(ti);
        double s = path.sigma(ti);
        double ad = path.alphaDot(ti);
        double sd = path.sigmaDot(ti);
        Parameterisation p = Parameterisation.of(objective, path, sigmaData, ti);
        double w = Parameterisation.weight(objective, weighting, path, ti) * p.cOut() * p.cOut();
        if (objective.edmPreconditioned()) {
          w = 1; // lambda(sigma) c_out^2 = 1 (Karras et al. 2022, Eq. 8)
        }
        weight[i] = (float) (timeWeight == null ? w : w * timeWeight[i]);
        cNoise[i] = (float) p.cNoise();
        for (int j = i * d, end = j + d; j < end; j++) {
          double x0j = xs[j];
          double ej = es[j];
          double xt = a * x0j + s * ej;
          double k = switch (objective) {
            case EPS -> ej;
            case X0, EDM, PFGMPP -> x0j;
            case V -> a * ej - s * x0j;
            case FLOW, INTERPOLANT -> ad * x0j + sd * ej;
            case INTERPOLANT_SCORE -> -ej / s;
          };
          input[j] = (float) (p.cIn() * xt);
          target[j] = (float) ((k - p.cSkip() * xt) / p.cOut());
        }
      }
    });
  }
}
