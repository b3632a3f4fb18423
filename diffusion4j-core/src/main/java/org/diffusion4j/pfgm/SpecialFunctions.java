package org.diffusion4j.pfgm;

import org.diffusion4j.random.Rng;

/**
 * Gamma/Beta functions and variates needed by the PFGM++ kernel. Sources: log Gamma by the
 * Lanczos approximation (g = 7, 9 coefficients; Godfrey's table, relative error ~1e-15); the
 * regularised incomplete beta I_x(a, b) and gamma P(a, x) by the continued fractions and series of
 * Press et al., "Numerical Recipes", 3rd ed., Sec. 6.2 and 6.4 (modified Lentz); Gamma variates by
 * Marsaglia &amp; Tsang, ACM TOMS 26 (2000) (with the u^(1/a) boost for a &lt; 1); Beta as G_a/(G_a + G_b).
 */
public final class SpecialFunctions {
  private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
      771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
      9.9843695780195716e-6, 1.5056327351493116e-7};
  private static final int MAX_ITERATIONS = 100_000;
  private static final double EPS = 1e-15;
  private static final double TINY = 1e-300;

  private SpecialFunctions() {}

  /** log Gamma(x) for x &gt; 0. */
  public static double logGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
    }
    if (x < 0.5) {
      // reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    }
    double z = x - 1;
    double sum = LANCZOS[0];
    double t = z + 7.5;
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (z + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  /** The regularised incomplete beta function I_x(a, b), a, b &gt; 0, x in [0, 1]. */
  public static double regularizedBeta(double x, double a, double b) {
    if (!(a > 0) || !(b > 0)) {
      throw new IllegalArgumentException("incomplete beta needs a, b > 0, got a = " + a + ", b = " + b);
    }
    if (!(x >= 0 && x <= 1)) {
      throw new IllegalArgumentException("incomplete beta needs x in [0, 1], got " + x);
    }
    if (x == 0 || x == 1) {
      return x;
    }
    double logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
    if (x < (a + 1) / (a + b + 2)) {
      return Math.exp(logFront) * betaFraction(x, a, b) / a;
    }
    return 1 - Math.exp(logFront) * betaFraction(1 - x, b, a) / b;
  }

  private static double betaFraction(double x, double a, double b) {
    double qab = a + b;
    double qap = a + 1;
    double qam = a - 1;
    double c = 1;
    double d = 1 - qab * x / qap;
    if (Math.abs(d) < TINY) {
      d = TINY;
    }
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= MAX_ITERATIONS; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
      d = 1 + aa * d;
      d = Math.abs(d) < TINY ? TINY : d;
      c = 1 + aa / c;
      c = Math.abs(c) < TINY ? TINY : c;
      d = 1 / d;
      h *= d * c;
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
      d = 1 + aa * d;
      d = Math.abs(d) < TINY ? TINY : d;
      c = 1 + aa / c;
      c = Math.abs(c) < TINY ? TINY : c;
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < EPS) {
        return h;
      }
    }
    throw new ArithmeticException("incomplete beta continued fraction did not converge for a = " + a + ", b = " + b);
  }

  /** The regularised lower incomplete gamma function P(a, x), a &gt; 0, x &gt;= 0. */
  public static double regularizedGammaP(double a, double x) {
    requireGammaArguments(a, x);
    if (x == 0) {
      return 0;
    }
    return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
  }

  /**
   * The regularised upper incomplete gamma function Q(a, x) = 1 - P(a, x), computed directly for
   * x &gt;= a + 1 so that small tails keep their relative precision.
   */
  public static double regularizedGammaQ(double a, double x) {
    requireGammaArguments(a, x);
    if (x == 0) {
      return 1;
    }
    return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
  }

  private static void requireGammaArguments(double a, double x) {
    if (!(a > 0) || !(x >= 0)) {
      throw new IllegalArgumentException("incomplete gamma needs a > 0 and x >= 0, got a = " + a + ", x = " + x);
    }
  }

  /** P(a, x) by its series (Numerical Recipes 6.2.5), for x &lt; a + 1. */
  private static double gammaSeries(double a, double x) {
    double logFront = -x + a * Math.log(x) - logGamma(a);
    double ap = a;
    double sum = 1 / a;
    double del = sum;
    for (int n = 0; n < MAX_ITERATIONS; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) {
        return sum * Math.exp(logFront);
      }
    }
    throw new ArithmeticException("incomplete gamma series did not converge for a = " + a);
  }

  /** Q(a, x) by its continued fraction (modified Lentz), for x &gt;= a + 1. */
  private static double gammaContinuedFraction(double a, double x) {
    double logFront = -x + a * Math.log(x) - logGamma(a);
    double b = x + 1 - a;
    double c = 1 / TINY;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i <= MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      d = Math.abs(d) < TINY ? TINY : d;
      c = b + an / c;
      c = Math.abs(c) < TINY ? TINY : c;
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < EPS) {
        return Math.exp(logFront) * h;
      }
    }
    throw new ArithmeticException("incomplete gamma continued fraction did not converge for a = " + a);
  }

  /** A Gamma(shape, 1) variate (Marsaglia &amp; Tsang 2000). */
  public static double gamma(Rng rng, double shape) {
    if (!(shape > 0) || !Double.isFinite(shape)) {
      throw new IllegalArgumentException("gamma shape must be positive and finite, got " + shape);
    }
    if (shape < 1) {
      return gamma(rng, shape + 1) * Math.pow(rng.nextOpenDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rng.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextOpenDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  /** A Beta(a, b) variate as G_a / (G_a + G_b). */
  public static double beta(Rng rng, double a, double b) {
    double ga = gamma(rng, a);
    double gb = gamma(rng, b);
    return ga / (ga + gb);
  }
}
