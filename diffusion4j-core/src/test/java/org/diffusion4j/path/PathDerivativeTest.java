package org.diffusion4j.path;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The analytic derivatives and the SDE coefficients of every path agree with central finite
 * differences of alpha, sigma and lambda (relative 1e-6).
 */
class PathDerivativeTest {
  static Stream<GaussianPath> paths() {
    return PathCases.stream();
  }

  private static void assertClose(String what, GaussianPath p, double t, double expected, double actual) {
    double tol = 1e-6 * Math.abs(expected) + 1e-13;
    assertTrue(Math.abs(expected - actual) <= tol, () -> PathCases.label(p) + " " + what + " at t=" + t
        + ": analytic " + actual + " vs finite difference " + expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void derivativesMatchFiniteDifferences(GaussianPath p) {
    for (double t : PathCases.interiorTimes(p)) {
      double h = PathCases.fdStep(p, t);
      assertClose("alphaDot", p, t, PathCases.derivative(p::alpha, t, h), p.alphaDot(t));
      assertClose("sigmaDot", p, t, PathCases.derivative(p::sigma, t, h), p.sigmaDot(t));
      assertClose("lambdaDot", p, t, PathCases.derivative(p::lambda, t, h), p.lambdaDot(t));
      assertTrue(p.lambdaDot(t) < 0, () -> PathCases.label(p) + ": lambda must decrease, lambdaDot=" + p.lambdaDot(t));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void driftAndDiffusionMatchFiniteDifferences(GaussianPath p) {
    for (double t : PathCases.interiorTimes(p)) {
      double h = PathCases.fdStep(p, t);
      DoubleUnaryOperator logAlpha = s -> Math.log(p.alpha(s));
      DoubleUnaryOperator var = s -> p.sigma(s) * p.sigma(s);
      double f = PathCases.derivative(logAlpha, t, h);
      assertClose("drift f = dlog(alpha)/dt", p, t, f, p.drift(t));
      double s2 = var.applyAsDouble(t);
      double g2 = PathCases.derivative(var, t, h) - 2 * f * s2;
      assertClose("g^2 = d(sigma^2)/dt - 2 f sigma^2", p, t, g2, p.diffusionSquared(t));
      assertTrue(p.diffusionSquared(t) > 0, () -> PathCases.label(p) + ": g^2 must be positive");
      assertClose("logAlpha", p, t, Math.log(p.alpha(t)), p.logAlpha(t));
      assertClose("logSigma", p, t, Math.log(p.sigma(t)), p.logSigma(t));
    }
  }

  @org.junit.jupiter.api.Test
  void functionPathNumericDerivativesAreSecondOrderUpToTheEnds() {
    // alpha = 1/(1+t), sigma = t on [0.01, 2]: exact alpha' = -1/(1+t)^2, sigma' = 1.
    FunctionPath p = PathCases.rationalNumeric();
    for (double t : new double[] {0.01, 0.01 + 1e-7, 0.5, 2 - 1e-7, 2}) {
      assertClose("numeric alphaDot", p, t, -1 / ((1 + t) * (1 + t)), p.alphaDot(t));
      assertClose("numeric sigmaDot", p, t, 1, p.sigmaDot(t));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void finiteDifferenceCheckCanFail(GaussianPath p) {
    // Guard against a vacuous check: a derivative off by 1e-4 (relative) must be detected.
    double t = PathCases.interiorTimes(p)[4];
    double h = PathCases.fdStep(p, t);
    double fd = PathCases.derivative(p::sigma, t, h);
    assertTrue(Math.abs(fd * (1 + 1e-4) - p.sigmaDot(t)) > 1e-6 * Math.abs(fd));
  }
}
