package org.diffusion4j.path;

import java.util.function.DoubleUnaryOperator;

/**
 * A user-defined path from functions alpha(t), sigma(t) and, optionally, their derivatives
 * (central differences with step ~ cbrt(machine eps) are used when derivatives are not given).
 * t(lambda) uses the bracketed root finder, so lambda must be strictly decreasing on the range.
 */
public final class FunctionPath implements GaussianPath {
  private final String name;
  private final DoubleUnaryOperator alpha;
  private final DoubleUnaryOperator sigma;
  private final DoubleUnaryOperator alphaDot;
  private final DoubleUnaryOperator sigmaDot;
  private final double tMin;
  private final double tMax;

  private FunctionPath(String name, DoubleUnaryOperator alpha, DoubleUnaryOperator sigma,
      DoubleUnaryOperator alphaDot, DoubleUnaryOperator sigmaDot, double tMin, double tMax) {
    if (!(tMin < tMax) || !Double.isFinite(tMin) || !Double.isFinite(tMax)) {
      throw new IllegalArgumentException("path range needs finite tMin < tMax, got [" + tMin + ", " + tMax + "]");
    }
    if (name == null || alpha == null || sigma == null) {
      throw new IllegalArgumentException("a function path needs a name and alpha and sigma functions");
    }
    this.name = name;
    this.alpha = alpha;
    this.sigma = sigma;
    this.alphaDot = alphaDot != null ? alphaDot : derivative(alpha, tMin, tMax);
    this.sigmaDot = sigmaDot != null ? sigmaDot : derivative(sigma, tMin, tMax);
    this.tMin = tMin;
    this.tMax = tMax;
  }

  /** A path with exact derivatives. */
  public static FunctionPath of(String name, DoubleUnaryOperator alpha, DoubleUnaryOperator sigma,
      DoubleUnaryOperator alphaDot, DoubleUnaryOperator sigmaDot, double tMin, double tMax) {
    return new FunctionPath(name, alpha, sigma, alphaDot, sigmaDot, tMin, tMax);
  }

  /** A path whose derivatives are taken by central differences. */
  public static FunctionPath of(String name, DoubleUnaryOperator alpha, DoubleUnaryOperator sigma,
      double tMin, double tMax) {
    return new FunctionPath(name, alpha, sigma, null, null, tMin, tMax);
  }

  /**
   * Central difference; within h of an end of [lo, hi] the second-order one-sided formula
   * (-3 f(t) + 4 f(t + h) - f(t + 2h)) / (2h), so the error is O(h^2) everywhere and f is never
   * evaluated outside the range.
   */
  private static DoubleUnaryOperator derivative(DoubleUnaryOperator f, double lo, double hi) {
    return t -> {
      double h = Math.min(6.0e-6 * Math.max(1, Math.abs(t)), 0.25 * (hi - lo));
      if (t - h < lo) {
        return (-3 * f.applyAsDouble(t) + 4 * f.applyAsDouble(t + h) - f.applyAsDouble(t + 2 * h)) / (2 * h);
      }
      if (t + h > hi) {
        return (3 * f.applyAsDouble(t) - 4 * f.applyAsDouble(t - h) + f.applyAsDouble(t - 2 * h)) / (2 * h);
      }
      return (f.applyAsDouble(t + h) - f.applyAsDouble(t - h)) / (2 * h);
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public double alpha(double t) {
    return alpha.applyAsDouble(t);
  }

  @Override
  public double sigma(double t) {
    return sigma.applyAsDouble(t);
  }

  @Override
  public double alphaDot(double t) {
    return alphaDot.applyAsDouble(t);
  }

  @Override
  public double sigmaDot(double t) {
    return sigmaDot.applyAsDouble(t);
  }

  @Override
  public double tMin() {
    return tMin;
  }

  @Override
  public double tMax() {
    return tMax;
  }

  @Override
  public String toString() {
    return "FunctionPath(" + name + ", [" + tMin + ", " + tMax + "])";
  }
}
