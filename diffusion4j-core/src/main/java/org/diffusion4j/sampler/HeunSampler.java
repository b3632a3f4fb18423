package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * Heun's second-order method of Karras et al. 2022 ("Elucidating the Design Space", EDM),
 * Algorithm 1 (deterministic) and Algorithm 2 (stochastic "churn"), on the probability-flow ODE
 * in the path's own time: d_i = u(x_i, t_i), x' = x_i + (t_{i+1} - t_i) d_i,
 * x_{i+1} = x_i + (t_{i+1} - t_i) (d_i + u(x', t_{i+1})) / 2. A step planned as order 1 is a
 * plain Euler step (EDM uses that for its last step; here for odd NFE budgets).
 *
 * <p>Churn (Alg. 2, lines 4-6) with gamma_i = min(S_churn / N, sqrt(2) - 1) when
 * S_tmin &lt;= sigma~_i &lt;= S_tmax, where sigma~ = sigma / alpha = exp(-lambda) is EDM's noise
 * level: it raises the noise to sigma~^ = (1 + gamma) sigma~_i by adding fresh noise of scale
 * alpha^ sqrt(sigma~^2 - sigma~_i^2) S_noise, then integrates from the raised time t^.
 */
public final class HeunSampler extends BaseSampler {
  private final double sChurn;
  private final double sTmin;
  private final double sTmax;
  private final double sNoise;

  /** Deterministic Heun (EDM Algorithm 1). */
  public HeunSampler() {
    this(0, 0, Double.POSITIVE_INFINITY, 1);
  }

  /** Heun with churn (EDM Algorithm 2); S_tmin, S_tmax are noise levels sigma/alpha. */
  public HeunSampler(double sChurn, double sTmin, double sTmax, double sNoise) {
    super("heun");
    if (!(sChurn >= 0) || !(sNoise >= 0) || !(sTmin <= sTmax)) {
      throw new IllegalArgumentException("heun needs S_churn >= 0, S_noise >= 0, S_tmin <= S_tmax; got "
          + sChurn + ", " + sNoise + ", " + sTmin + ", " + sTmax);
    }
    this.sChurn = sChurn;
    this.sTmin = sTmin;
    this.sTmax = sTmax;
    this.sNoise = sNoise;
  }

  @Override
  public boolean stochastic() {
    return sChurn > 0;
  }

  @Override
  public int order() {
    return 2;
  }

  /**
   * With churn: weak order 1 when S_noise = 1 (the churn gamma = min(S_churn/N, sqrt 2 - 1) shrinks
   * with the step count); 0 for S_noise != 1, which inflates the added noise on purpose (EDM's
   * Sec. 4), a bias that does not vanish as h -&gt; 0.
   */
  @Override
  public double weakOrder() {
    return sChurn > 0 ? (sNoise == 1 ? 1 : 0) : Double.NaN;
  }

  /** N steps of order 2 for even NFE; for odd NFE the last step is an Euler step. */
  @Override
  public Plan plan(int nfe) {
    return Plan.singlestep(EulerSampler.requirePositive(nfe), 2);
  }

  @Override
  public Plan planForSteps(int steps) {
    return Plan.singlestepSteps(steps, 2);
  }

  @Override
  public Batch sample(ModelEvaluator model, TimeGrid grid, Plan plan, Batch x0, long seed) {
    check(model, grid, plan, x0);
    GaussianPath p = model.path();
    int n = grid.steps();
    Batch x = x0.copy();
    Batch d = x.zerosLike();
    Batch d2 = x.zerosLike();
    Batch xe = x.zerosLike();
    Batch z = sChurn > 0 ? x.zerosLike() : null;
    double lambdaMin = p.lambda(p.tMax());
    for (int i = 0; i < n; i++) {
      model.step(i);
      double t = grid.t(i);
      double tNext = grid.t(i + 1);
      double noise = Math.exp(-p.lambda(t));
      double gamma = sChurn > 0 && noise >= sTmin && noise <= sTmax ? Math.min(sChurn / n, Math.sqrt(2) - 1) : 0;
      if (gamma > 0) {
        double noiseHat = noise * (1 + gamma);
        double tHat = p.tOfLambda(Math.max(lambdaMin, -Math.log(noiseHat)));
        noiseHat = Math.exp(-p.lambda(tHat));
        double aHat = p.alpha(tHat);
        gaussian(seed, stream(i, 0), z);
        // x^ = (alpha^/alpha) x + alpha^ sqrt(sigma~^2 - sigma~^2) S_noise z   (EDM Alg. 2, line 5)
        x.setLinear(aHat / p.alpha(t), x, aHat * Math.sqrt(Math.max(0, noiseHat * noiseHat - noise * noise)) * sNoise, z);
        t = tHat;
      }
      double h = tNext - t;
      model.evaluate(x, t, Prediction.VELOCITY, d);
      if (plan.order(i) == 1) {
        x.addScaled(h, d);
        continue;
      }
      xe.setLinear(1, x, h, d);
      model.evaluate(xe, tNext, Prediction.VELOCITY, d2);
      x.setLinear(1, x, 0.5 * h, d, 0.5 * h, d2);
    }
    return x;
  }
}
