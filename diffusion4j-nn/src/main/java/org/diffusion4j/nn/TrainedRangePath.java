package org.diffusion4j.nn;

import org.diffusion4j.path.GaussianPath;

/**
 * A path restricted to the time range a model was trained on, [t_lo, t_hi] (see
 * {@link org.diffusion4j.nn.objective.TimeSampler}): samplers then start and stop where the
 * model has seen data, and where lambda(t) is finite (cond-OT has sigma(0) = 0 and alpha(1) = 0).
 * Everything else is the underlying path's.
 */
public record TrainedRangePath(GaussianPath base, double tMin, double tMax) implements GaussianPath {
  @Override public String name() { return base.name(); }
  @Override public double alpha(double t) { return base.alpha(t); }
  @Override public double sigma(double t) { return base.sigma(t); }
  @Override public double alphaDot(double t) { return base.alphaDot(t); }
  @Override public double sigmaDot(double t) { return base.sigmaDot(t); }
  @Override public double logAlpha(double t) { return base.logAlpha(t); }
  @Override public double logSigma(double t) { return base.logSigma(t); }
  @Override public double lambda(double t) { return base.lambda(t); }
  @Override public double lambdaDot(double t) { return base.lambdaDot(t); }
  @Override public double drift(double t) { return base.drift(t); }
  @Override public double diffusionSquared(double t) { return base.diffusionSquared(t); }
  @Override public double priorStd(double t) { return base.priorStd(t); }

  @Override
  public double tOfLambda(double lambda) {
    return base.tOfLambda(lambda);
  }

  @Override
  public String toString() {
    return base + " on [" + tMin + ", " + tMax + "]";
  }
}
