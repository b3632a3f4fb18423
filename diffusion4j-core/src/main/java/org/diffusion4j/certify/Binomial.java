package org.diffusion4j.certify;

import org.diffusion4j.pfgm.SpecialFunctions;

/**
 * The statistics randomised smoothing needs (Cohen, Rosenfeld &amp; Kolter 2019, "Certified
 * Adversarial Robustness via Randomized Smoothing", Sec. 3.2 and 4; official code
 * locuslab/smoothing, {@code code/core.py}):
 * <ul>
 *   <li>the standard normal CDF Phi(x) = (1 + sign(x) P(1/2, x^2/2))/2, with P the regularised lower
 *       incomplete gamma function ({@link SpecialFunctions#regularizedGammaP}; the far lower tail as
 *       Q(1/2, x^2/2)/2);</li>
 *   <li>its inverse Phi^-1(p) by Wichura's algorithm AS 241 (PPND16, Applied Statistics 37 (1988),
 *       relative error about 1e-16);</li>
 *   <li>the binomial CDF P(X &lt;= k), X ~ Bin(n, p), as I_{1-p}(n - k, k + 1);</li>
 *   <li>the one-sided Clopper-Pearson lower confidence bound, the alpha quantile of
 *       Beta(k, n - k + 1) (= statsmodels {@code proportion_confint(k, n, alpha=2*alpha, method="beta")[0]},
 *       which core.py calls), found by bisection on the regularised incomplete beta function;</li>
 *   <li>the two-sided binomial test of p = 1/2 (scipy {@code binom_test}), used by PREDICT.</li>
 * </ul>
 */
public final class Binomial {
  private Binomial() {}

  /** The standard normal CDF Phi(x). */
  public static double normalCdf(double x) {
    if (Double.isNaN(x)) {
      throw new IllegalArgumentException("normalCdf needs a number, got NaN");
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 1;
    }
    if (x == Double.NEGATIVE_INFINITY) {
      return 0;
    }
    if (x < -5) {
      // the lower tail directly as Q(1/2, x^2/2)/2, avoiding the cancellation 1 - P near 1
      return 0.5 * SpecialFunctions.regularizedGammaQ(0.5, 0.5 * x * x);
    }
    double p = SpecialFunctions.regularizedGammaP(0.5, 0.5 * x * x);
    return x >= 0 ? 0.5 * (1 + p) : 0.5 * (1 - p);
  }

  /**
   * Phi^-1(p) for p in (0, 1) (Wichura 1988, AS 241 PPND16); -Inf at 0 and +Inf at 1.
   *
   * @throws IllegalArgumentException for p outside [0, 1]
   */
  public static double normalQuantile(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("normalQuantile needs p in [0, 1], got " + p);
    }
    if (p == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p == 1) {
      return Double.POSITIVE_INFINITY;
    }
    double q = p - 0.5;
    if (Math.abs(q) <= 0.425) {
      double r = 0.180625 - q * q;
      return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
          + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
          + 133.14166789178437745) * r + 3.387132872796366608)
          / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
          + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
          + 42.313330701600911252) * r + 1.0);
    }
    double r = q < 0 ? p : 1 - p;
    r = Math.sqrt(-Math.log(r));
    double x;
    if (r <= 5) {
      r -= 1.6;
      x = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
          + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
          + 4.6303378461565452959) * r + 1.42343711074968357734)
          / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
          + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
          + 2.05319162663775882187) * r + 1.0);
    } else {
      r -= 5;
      x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
          + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
          + 5.4637849111641143699) * r + 6.6579046435011037772)
          / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
          + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
          + 0.59983220655588793769) * r + 1.0);
    }
    return q < 0 ? -x : x;
  }

  /** P(X &lt;= k) for X ~ Bin(n, p): I_{1-p}(n - k, k + 1) (1 for k &gt;= n, 0 for k &lt; 0). */
  public static double cdf(int k, int n, double p) {
    requireTrials(k, n, p);
    if (k >= n) {
      return 1;
    }
    if (k < 0) {
      return 0;
    }
    return SpecialFunctions.regularizedBeta(1 - p, n - k, k + 1.0);
  }

  /**
   * The one-sided (1 - alpha) Clopper-Pearson lower bound on p from k successes in n trials: the
   * alpha quantile of Beta(k, n - k + 1), 0 for k = 0 (Clopper &amp; Pearson 1934). It is the p with
   * P(Bin(n, p) &gt;= k) = alpha.
   *
   * @throws IllegalArgumentException unless 0 &lt;= k &lt;= n, n &gt;= 1 and alpha in (0, 1)
   */
  public static double clopperPearsonLower(int k, int n, double alpha) {
    if (n < 1 || k < 0 || k > n) {
      throw new IllegalArgumentException("Clopper-Pearson needs 0 <= k <= n and n >= 1, got k=" + k + ", n=" + n);
    }
    requireAlpha(alpha);
    if (k == 0) {
      return 0;
    }
    if (k == n) {
      return Math.pow(alpha, 1.0 / n); // Beta(n, 1) has CDF x^n
    }
    return betaQuantile(alpha, k, n - k + 1.0);
  }

  /** The q quantile of Beta(a, b), by bisection on I_x(a, b) to the last representable bit. */
  public static double betaQuantile(double q, double a, double b) {
    if (!(q > 0 && q < 1)) {
      throw new IllegalArgumentException("beta quantile needs q in (0, 1), got " + q);
    }
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 200; i++) {
      double mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) {
        break;
      }
      if (SpecialFunctions.regularizedBeta(mid, a, b) < q) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /**
   * The two-sided p-value of the exact binomial test of p = 1/2 for {@code k} successes in
   * {@code n} trials (scipy.stats.binom_test(k, n, 0.5)): by symmetry min(1, 2 P(X &lt;= min(k, n - k))).
   */
  public static double twoSidedHalfTest(int k, int n) {
    if (n < 0 || k < 0 || k > n) {
      throw new IllegalArgumentException("binomial test needs 0 <= k <= n, got k=" + k + ", n=" + n);
    }
    if (n == 0 || 2 * k == n) {
      return 1;
    }
    return Math.min(1, 2 * cdf(Math.min(k, n - k), n, 0.5));
  }

  static void requireAlpha(double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
  }

  private static void requireTrials(int k, int n, double p) {
    if (n < 0 || !(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("binomial needs n >= 0 and p in [0, 1], got n=" + n + ", p=" + p);
    }
  }
}
