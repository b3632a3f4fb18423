package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * Predictor-corrector sampling (Song et al. 2021, "Score-Based Generative Modeling through SDEs",
 * Algorithms 2-5). Per step from t_i to t_{i+1}:
 * <ul>
 *   <li>predictor, reverse diffusion (Eq. 46-47, Alg. 2-3), generalised to any path through the
 *   exact forward transition from t_{i+1} to the noisier t_i, x_i = a x_{i+1} + G z with
 *   a = alpha_i/alpha_{i+1} and G^2 = sigma_i^2 - a^2 sigma_{i+1}^2: x' = (2 - a) x + G^2 score + G z
 *   (for VP this is Song's (2 - sqrt(1 - beta)) x + beta score + sqrt(beta) z);
 *   or Euler-Maruyama on the reverse SDE ({@link EulerMaruyama} with eta = 1);</li>
 *   <li>corrector: M steps of Langevin MCMC at t_{i+1} (Alg. 4) with step
 *   eps = 2 (r ||z|| / ||score||)^2 (norms averaged over rows), x = x + eps score + sqrt(2 eps) z, where r is the
 *   signal-to-noise ratio.</li>
 * </ul>
 * NFE = N (1 + M).
 */
public final class PredictorCorrector extends OneEvaluationLoop {
  /** The predictor of a PC step. */
  public enum Predictor { REVERSE_DIFFUSION, EULER_MARUYAMA }

  private final Predictor predictor;
  private final double snr;
  private final int correctorSteps;

  public PredictorCorrector(String name, Predictor predictor, double snr, int correctorSteps) {
    super(name, Prediction.SCORE);
    if (!(snr > 0) || Double.isInfinite(snr)) {
      throw new IllegalArgumentException(name + ": snr must be positive, got " + snr);
    }
    if (correctorSteps < 0) {
      throw new IllegalArgumentException(name + ": corrector steps must be >= 0, got " + correctorSteps);
    }
    this.predictor = predictor;
    this.snr = snr;
    this.correctorSteps = correctorSteps;
  }

  @Override
  public boolean stochastic() {
    return true;
  }

  /**
   * 0: there is no noise-free limit (the predictor is the reverse SDE; see {@link Sampler#order()}).
   * Its weak order is the loop's 1, that of its Euler-Maruyama / reverse-diffusion predictor
   * (measured in WeakOrderTest).
   */
  @Override
  public int order() {
    return 0;
  }

  @Override
  public Plan plan(int nfe) {
    int per = 1 + correctorSteps;
    if (nfe < per || nfe % per != 0) {
      throw new IllegalArgumentException(name() + " with " + correctorSteps + " corrector step(s) uses " + per
          + " evaluations per step; --nfe " + nfe + " is not a positive multiple of " + per);
    }
    return Plan.firstOrder(nfe / per, per);
  }

  @Override
  public Plan planForSteps(int steps) {
    return Plan.firstOrder(steps, 1 + correctorSteps);
  }

  /** Predictor from t to tn, then the corrector's Langevin steps at tn. */
  @Override
  void step(ModelEvaluator model, Batch x, Batch score, double t, double tn, StepNoise noise) {
    GaussianPath p = model.path();
    Batch z = noise.draw(0);
    if (predictor == Predictor.REVERSE_DIFFUSION) {
      double a = p.alpha(t) / p.alpha(tn);
      double sn = p.sigma(tn);
      double g2 = Math.max(0, p.sigma(t) * p.sigma(t) - a * a * sn * sn);
      x.setLinear(2 - a, x, g2, score, Math.sqrt(g2), z);
    } else {
      double dt = tn - t;
      double g2 = p.diffusionSquared(t);
      x.setLinear(1 + p.drift(t) * dt, x, -g2 * dt, score, Math.sqrt(g2 * -dt), z);
    }
    for (int j = 0; j < correctorSteps; j++) {
      model.evaluate(x, tn, Prediction.SCORE, score);
      langevin(x, score, noise.draw(1 + j), snr);
    }
  }

  /**
   * One Langevin step (Song et al. 2021, Alg. 4) with step eps = 2 (r mean||z|| / mean||score||)^2,
   * the norms averaged over the rows as in the reference implementation. A per-row step would
   * depend on the row's own state and bias the stationary law when d is small. The row norms are
   * summed in row order, so the result does not depend on the thread count.
   */
  static void langevin(Batch x, Batch score, Batch z, double snr) {
    int d = x.d();
    int n = x.n();
    double[] xs = x.data();
    double[] g = score.data();
    double[] zs = z.data();
    double[] gNorm = new double[n];
    double[] zNorm = new double[n];
    Parallel.forRows(n, (from, to) -> {
      for (int r = from; r < to; r++) {
        double gn = 0;
        double zn = 0;
        for (int j = r * d; j < (r + 1) * d; j++) {
          gn += g[j] * g[j];
          zn += zs[j] * zs[j];
        }
        gNorm[r] = Math.sqrt(gn);
        zNorm[r] = Math.sqrt(zn);
      }
    });
    double gMean = 0;
    double zMean = 0;
    for (int r = 0; r < n; r++) {
      gMean += gNorm[r] / n;
      zMean += zNorm[r] / n;
    }
    if (!(gMean > 0)) {
      return;
    }
    double ratio = snr * zMean / gMean;
    double eps = 2 * ratio * ratio;
    double sq = Math.sqrt(2 * eps);
    Parallel.forRows(n, (from, to) -> {
      for (int j = from * d; j < to * d; j++) {
        xs[j] += eps * g[j] + sq * zs[j];
      }
    });
  }
}
