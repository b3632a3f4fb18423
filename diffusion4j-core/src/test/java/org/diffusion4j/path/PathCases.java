package org.diffusion4j.path;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Every path under test, including two user-defined ones. */
final class PathCases {
  private PathCases() {}

  /** Ornstein-Uhlenbeck VP path alpha = e^-t, sigma = sqrt(1 - e^-2t) with exact derivatives. */
  static FunctionPath ouExact() {
    return FunctionPath.of("ou-exact", t -> Math.exp(-t), t -> Math.sqrt(-Math.expm1(-2 * t)),
        t -> -Math.exp(-t), t -> Math.exp(-2 * t) / Math.sqrt(-Math.expm1(-2 * t)), 0, 3);
  }

  /** alpha = 1/(1+t), sigma = t on [0.01, 2], derivatives by finite differences; finite lambda at both ends. */
  static FunctionPath rationalNumeric() {
    return FunctionPath.of("rational", t -> 1 / (1 + t), t -> t, 0.01, 2);
  }

  static List<GaussianPath> all() {
    return List.of(
        Paths.create("vp-linear", Map.of()),
        Paths.create("vp-cosine", Map.of()),
        new VpCosinePath(0),
        Paths.create("discrete", Map.of("schedule", "linear")),
        Paths.create("discrete", Map.of("schedule", "scaled-linear")),
        Paths.create("ve", Map.of()),
        Paths.create("sub-vp", Map.of()),
        Paths.create("edm", Map.of()),
        Paths.create("cond-ot", Map.of()),
        Paths.create("trig", Map.of()),
        ouExact(),
        rationalNumeric());
  }

  static Stream<GaussianPath> stream() {
    return all().stream();
  }

  /** Paths with alpha^2 + sigma^2 = 1. */
  static Stream<GaussianPath> variancePreserving() {
    return Stream.of(new VpLinearPath(), new VpCosinePath(), DiscreteDdpmPath.linear(), DiscreteDdpmPath.scaledLinear(),
        new TrigPath(), ouExact());
  }

  static String label(GaussianPath p) {
    if (p instanceof VpCosinePath c) {
      return "vp-cosine(s=" + c.s() + ")";
    }
    return p instanceof DiscreteDdpmPath d ? "discrete-" + d.schedule() : p.name();
  }

  /**
   * Interior evaluation times: fractions of the range, or for the discrete path the midpoints of
   * segments (log alpha is only piecewise smooth there).
   */
  static double[] interiorTimes(GaussianPath p) {
    if (p instanceof DiscreteDdpmPath d) {
      int n = d.steps();
      int[] segs = {0, 1, 5, 50, 200, 500, 800, 990, n - 2};
      double[] ts = new double[segs.length];
      for (int i = 0; i < segs.length; i++) {
        ts[i] = (segs[i] + 1.5) / n; // midpoint of [t_k, t_{k+1}] with t_k = (k+1)/n
      }
      return ts;
    }
    double[] fr = {0.01, 0.03, 0.1, 0.25, 0.5, 0.75, 0.9, 0.97, 0.99};
    double[] ts = new double[fr.length];
    for (int i = 0; i < fr.length; i++) {
      ts[i] = p.tMin() + fr[i] * (p.tMax() - p.tMin());
    }
    return ts;
  }

  /** A step for finite differences at t that keeps the stencil inside the smooth region. */
  static double fdStep(GaussianPath p, double t) {
    if (p instanceof DiscreteDdpmPath d) {
      return 0.01 / d.steps();
    }
    double room = Math.min(t - p.tMin(), p.tMax() - t);
    return 2e-3 * room;
  }

  /** Fourth-order central difference (f(t-2h) - 8 f(t-h) + 8 f(t+h) - f(t+2h)) / 12h. */
  static double derivative(java.util.function.DoubleUnaryOperator f, double t, double h) {
    return (f.applyAsDouble(t - 2 * h) - 8 * f.applyAsDouble(t - h) + 8 * f.applyAsDouble(t + h)
        - f.applyAsDouble(t + 2 * h)) / (12 * h);
  }
}
