package org.diffusion4j.path;

import java.util.Arrays;

/**
 * The path of a discrete-time DDPM (Ho et al. 2020) with N betas, made continuous as in
 * DPM-Solver (Lu et al. 2022, Appendix D.1, {@code NoiseScheduleVP('discrete')}): knots
 * t_n = n / N (n = 1..N) carry log alpha_n = (1/2) sum_{i<=n} log(1 - beta_i), and log alpha is
 * piecewise linear in t between knots (extended linearly outside). Valid on [1/N, 1].
 *
 * <p>Beta schedules: {@code linear} (Ho et al.: 1e-4 .. 0.02) and {@code scaled-linear}
 * (Stable Diffusion: (linspace(sqrt(0.00085), sqrt(0.012)))^2).
 */
public final class DiscreteDdpmPath implements VariancePreservingPath {
  private final String schedule;
  private final double[] tKnots;
  private final double[] logAlphaKnots;

  private DiscreteDdpmPath(String schedule, double[] betas) {
    int n = betas.length;
    if (n < 2) {
      throw new IllegalArgumentException("discrete path needs at least 2 betas, got " + n);
    }
    this.schedule = schedule;
    tKnots = new double[n];
    logAlphaKnots = new double[n];
    double acc = 0;
    for (int i = 0; i < n; i++) {
      if (!(betas[i] > 0 && betas[i] < 1)) {
        throw new IllegalArgumentException("beta[" + i + "] = " + betas[i] + " is outside (0, 1)");
      }
      acc += Math.log1p(-betas[i]);
      tKnots[i] = (i + 1.0) / n;
      logAlphaKnots[i] = 0.5 * acc;
    }
  }

  /** A path from explicit betas (beta_1 .. beta_N). */
  public static DiscreteDdpmPath ofBetas(double[] betas) {
    return new DiscreteDdpmPath("custom", betas.clone());
  }

  /** Ho et al. 2020: betas linear from {@code betaStart} to {@code betaEnd} over N steps. */
  public static DiscreteDdpmPath linear(int steps, double betaStart, double betaEnd) {
    checkSteps(steps);
    checkBetas("linear", betaStart, betaEnd);
    double[] b = new double[steps];
    for (int i = 0; i < steps; i++) {
      b[i] = betaStart + (betaEnd - betaStart) * i / (steps - 1.0);
    }
    return new DiscreteDdpmPath("linear", b);
  }

  /** Linear betas 1e-4 .. 0.02 over 1000 steps. */
  public static DiscreteDdpmPath linear() {
    return linear(1000, 1e-4, 0.02);
  }

  /** Stable Diffusion's "scaled_linear": betas = linspace(sqrt(start), sqrt(end), N)^2. */
  public static DiscreteDdpmPath scaledLinear(int steps, double betaStart, double betaEnd) {
    checkSteps(steps);
    checkBetas("scaled-linear", betaStart, betaEnd);
    double[] b = new double[steps];
    double a = Math.sqrt(betaStart);
    double z = Math.sqrt(betaEnd);
    for (int i = 0; i < steps; i++) {
      double r = a + (z - a) * i / (steps - 1.0);
      b[i] = r * r;
    }
    return new DiscreteDdpmPath("scaled-linear", b);
  }

  /** Scaled-linear betas 0.00085 .. 0.012 over 1000 steps. */
  public static DiscreteDdpmPath scaledLinear() {
    return scaledLinear(1000, 0.00085, 0.012);
  }

  private static void checkBetas(String schedule, double betaStart, double betaEnd) {
    if (!(betaStart > 0 && betaStart < 1 && betaEnd > 0 && betaEnd < 1)) {
      throw new IllegalArgumentException("discrete " + schedule + " schedule needs beta-start and beta-end in (0, 1), got "
          + "beta-start=" + betaStart + ", beta-end=" + betaEnd);
    }
  }

  private static void checkSteps(int steps) {
    if (steps < 2 || steps > 1_000_000) {
      throw new IllegalArgumentException("discrete path needs 2 <= steps <= 1000000, got " + steps);
    }
  }

  /** Number of discrete steps N. */
  public int steps() {
    return tKnots.length;
  }

  /** The beta schedule's name: linear, scaled-linear or custom. */
  public String schedule() {
    return schedule;
  }

  @Override
  public String name() {
    return "discrete";
  }

  /** Index k of the segment [t_k, t_{k+1}] used for t (clamped to the end segments). */
  private int segment(double t) {
    int idx = Arrays.binarySearch(tKnots, t);
    int k = idx >= 0 ? idx : -idx - 2;
    return Math.max(0, Math.min(tKnots.length - 2, k));
  }

  private double slope(int k) {
    return (logAlphaKnots[k + 1] - logAlphaKnots[k]) / (tKnots[k + 1] - tKnots[k]);
  }

  @Override
  public double logAlpha(double t) {
    int k = segment(t);
    return logAlphaKnots[k] + slope(k) * (t - tKnots[k]);
  }

  @Override
  public double drift(double t) {
    return slope(segment(t));
  }

  @Override
  public double tMin() {
    return tKnots[0];
  }

  @Override
  public double tMax() {
    return 1;
  }

  /** Piecewise-linear inverse of log alpha (monotone decreasing in t). */
  @Override
  public double tOfLambda(double lambda) {
    PathMath.checkLambda(this, lambda);
    double la = -0.5 * PathMath.softplus(-2 * lambda);
    int n = tKnots.length;
    // logAlphaKnots is decreasing; find k with knots[k] >= la >= knots[k+1].
    int lo = 0;
    int hi = n - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (logAlphaKnots[mid] >= la) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return PathMath.clampTime(this, tKnots[lo] + (la - logAlphaKnots[lo]) / slope(lo));
  }

  @Override
  public String toString() {
    return "DiscreteDdpmPath(" + schedule + ", steps=" + steps() + ")";
  }
}
