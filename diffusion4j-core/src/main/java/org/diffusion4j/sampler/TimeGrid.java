package org.diffusion4j.sampler;

import java.util.Arrays;
import java.util.Locale;
import org.diffusion4j.path.GaussianPath;

/**
 * A decreasing sequence of times t_0 = t-start &gt; t_1 &gt; ... &gt; t_N = t-end on a path: the
 * steps a sampler takes from noise towards data. Built from a {@link Spacing} on any path (all
 * spacings go through the path's lambda(t) and its inverse, so they work for VP, VE, EDM,
 * cond-OT, ... alike) or from a user list.
 */
public final class TimeGrid {
  /** Karras et al. (2022) default rho. */
  public static final double DEFAULT_RHO = 7;

  private final double[] t;
  private final Spacing spacing;
  private final double rho;

  /** How the grid points are spread between t-start and t-end. */
  public enum Spacing {
    /** Uniform in t (Song et al. 2021). */
    UNIFORM_T("uniform"),
    /** Uniform in lambda = log(alpha/sigma), half the log-SNR (DPM-Solver's 'logSNR', Lu et al. 2022, Sec. 3.3). */
    LOGSNR("logsnr"),
    /** Uniform in sqrt(t) (DPM-Solver's 'time_quadratic', recommended there for discrete-time DDPMs). */
    TIME_QUADRATIC("time-quadratic"),
    /**
     * Karras et al. (2022), Eq. 5: sigma_i = (smax^(1/rho) + i/N (smin^(1/rho) - smax^(1/rho)))^rho,
     * applied to the scale-free noise level sigma/alpha = exp(-lambda), so it applies to any path.
     */
    KARRAS("karras");

    private final String cliName;

    Spacing(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    /** Parses a CLI name: uniform (or time-uniform), logsnr (or lambda), time-quadratic, karras. */
    public static Spacing parse(String s) {
      String k = s.trim().toLowerCase(Locale.ROOT);
      for (Spacing sp : values()) {
        if (sp.cliName.equals(k)) {
          return sp;
        }
      }
      switch (k) {
        case "time-uniform", "uniform-t", "t" -> { return UNIFORM_T; }
        case "lambda", "logsnr-uniform", "log-snr" -> { return LOGSNR; }
        case "quadratic", "time_quadratic" -> { return TIME_QUADRATIC; }
        case "edm" -> { return KARRAS; }
        default -> throw new IllegalArgumentException(
            "unknown grid '" + s + "'; expected uniform, logsnr, time-quadratic or karras");
      }
    }
  }

  private TimeGrid(double[] t, Spacing spacing, double rho) {
    this.t = t;
    this.spacing = spacing;
    this.rho = rho;
  }

  /**
   * A grid from a user list of times, which must be strictly decreasing and inside the path's range.
   */
  public static TimeGrid of(GaussianPath path, double... times) {
    if (times.length < 2) {
      throw new IllegalArgumentException("a time grid needs at least 2 times, got " + times.length);
    }
    for (int i = 0; i < times.length; i++) {
      path.checkTime(times[i]);
      if (i > 0 && !(times[i] < times[i - 1])) {
        throw new IllegalArgumentException("time grid must be strictly decreasing, but t[" + i + "] = " + times[i]
            + " >= t[" + (i - 1) + "] = " + times[i - 1]);
      }
    }
    return new TimeGrid(times.clone(), null, DEFAULT_RHO);
  }

  /** A grid of {@code steps} steps with the given spacing and Karras rho {@link #DEFAULT_RHO}. */
  public static TimeGrid create(Spacing spacing, GaussianPath path, double tStart, double tEnd, int steps) {
    return create(spacing, DEFAULT_RHO, path, tStart, tEnd, steps);
  }

  /**
   * A grid of {@code steps} steps from tStart down to tEnd.
   *
   * @param rho Karras' rho (only used by {@link Spacing#KARRAS})
   * @throws IllegalArgumentException for steps &lt; 1, tStart &lt;= tEnd, times outside the path, rho &lt;= 0
   */
  public static TimeGrid create(Spacing spacing, double rho, GaussianPath path, double tStart, double tEnd,
      int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("a time grid needs at least 1 step, got " + steps);
    }
    path.checkTime(tStart);
    path.checkTime(tEnd);
    if (!(tStart > tEnd)) {
      throw new IllegalArgumentException("t-start (" + tStart + ") must be larger than t-end (" + tEnd + ")");
    }
    double[] t = new double[steps + 1];
    switch (spacing) {
      case UNIFORM_T -> {
        for (int i = 0; i <= steps; i++) {
          t[i] = tStart + (tEnd - tStart) * i / steps;
        }
      }
      case TIME_QUADRATIC -> {
        double a = Math.sqrt(tStart);
        double b = Math.sqrt(tEnd);
        for (int i = 0; i <= steps; i++) {
          double r = a + (b - a) * i / steps;
          t[i] = r * r;
        }
      }
      case LOGSNR -> {
        double l0 = lambdaChecked(path, tStart);
        double l1 = lambdaChecked(path, tEnd);
        for (int i = 0; i <= steps; i++) {
          t[i] = path.tOfLambda(l0 + (l1 - l0) * i / steps);
        }
      }
      case KARRAS -> {
        if (!(rho > 0) || !Double.isFinite(rho)) {
          throw new IllegalArgumentException("karras rho must be positive, got " + rho);
        }
        // Noise level s = exp(-lambda) = sigma / alpha (EDM's sigma); interpolate s^(1/rho).
        double a = Math.exp(-lambdaChecked(path, tStart) / rho);
        double b = Math.exp(-lambdaChecked(path, tEnd) / rho);
        for (int i = 0; i <= steps; i++) {
          double r = a + (b - a) * i / steps;
          t[i] = path.tOfLambda(-rho * Math.log(r));
        }
      }
      default -> throw new AssertionError(spacing);
    }
    // Pin the end points exactly (the inverse lambda may be off by rounding).
    t[0] = tStart;
    t[steps] = tEnd;
    for (int i = 1; i <= steps; i++) {
      if (!(t[i] < t[i - 1])) {
        throw new IllegalArgumentException("grid " + spacing.cliName() + " with " + steps + " steps on path "
            + path.name() + " is not strictly decreasing near t=" + t[i] + "; use fewer steps");
      }
    }
    return new TimeGrid(t, spacing, rho);
  }

  /**
   * The grid through the times {@code t(indices[0]), t(indices[1]), ...} (strictly increasing
   * indices), keeping this grid's spacing: e.g. the outer steps of a singlestep solver whose inner
   * points are the skipped times.
   */
  public TimeGrid select(int... indices) {
    if (indices.length < 2) {
      throw new IllegalArgumentException("a time grid needs at least 2 times, got " + indices.length);
    }
    double[] s = new double[indices.length];
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] > steps() || (i > 0 && indices[i] <= indices[i - 1])) {
        throw new IllegalArgumentException("grid indices must increase within [0, " + steps() + "], got "
            + Arrays.toString(indices));
      }
      s[i] = t[indices[i]];
    }
    return new TimeGrid(s, spacing, rho);
  }

  /** The spacing this grid was built with, or null for a user list of times. */
  public Spacing spacing() {
    return spacing;
  }

  /** Karras' rho of a {@link Spacing#KARRAS} grid. */
  public double rho() {
    return rho;
  }

  private static double lambdaChecked(GaussianPath path, double t) {
    double l = path.lambda(t);
    if (!Double.isFinite(l)) {
      throw new IllegalArgumentException("lambda(t) is not finite at t=" + t + " on path " + path.name()
          + " (alpha or sigma is 0 there); choose t-start/t-end strictly inside the path");
    }
    return l;
  }

  /** Number of steps N (the grid has N + 1 times). */
  public int steps() {
    return t.length - 1;
  }

  /** The time t_i, i in [0, N]. */
  public double t(int i) {
    return t[i];
  }

  /** First time (noise end). */
  public double start() {
    return t[0];
  }

  /** Last time (data end). */
  public double end() {
    return t[t.length - 1];
  }

  /** A copy of the times. */
  public double[] times() {
    return t.clone();
  }

  @Override
  public String toString() {
    return "TimeGrid" + Arrays.toString(t);
  }
}
