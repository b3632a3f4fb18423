package org.diffusion4j.certify;

import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Rng;

/**
 * Randomised smoothing (Cohen, Rosenfeld &amp; Kolter 2019, ICML, Sec. 3; official code
 * locuslab/smoothing, {@code code/core.py}, followed step by step): the smoothed classifier
 * g(x) = argmax_c P(f(x + sigma z) = c), z ~ N(0, I), and its certified L2 radius.
 *
 * <p>CERTIFY (Cohen et al. Alg. 1 / {@code Smooth.certify}): count f's labels over {@code n0}
 * noisy copies and take the most frequent class c_A; count again over {@code n} fresh copies,
 * giving n_A hits of c_A; p_A_lower = the one-sided (1 - alpha) Clopper-Pearson bound
 * ({@link Binomial#clopperPearsonLower}); abstain if p_A_lower &lt; 1/2, otherwise return c_A with
 * radius R = sigma Phi^-1(p_A_lower) (Theorem 1 with p_B = 1 - p_A). With probability at least
 * 1 - alpha over the noise, a returned class is g's and g is constant on the ball of radius R.
 *
 * <p>PREDICT (Alg. 2 / {@code Smooth.predict}): over {@code n} noisy copies, the two most frequent
 * classes with counts n_A &gt;= n_B; abstain when the two-sided binomial test of n_A in n_A + n_B
 * trials against 1/2 has p-value &gt; alpha, else return the top class (wrong with probability at
 * most alpha).
 *
 * <p>Noise copy j of the selection (phase 0) and estimation (phase 1) draws comes from
 * {@code Rng.of(seed).stream(phase, j)}, so certificates do not depend on the batch size.
 */
public final class RandomizedSmoothing {
  /** The label returned when the smoothed classifier abstains. */
  public static final int ABSTAIN = -1;

  private final BaseClassifier base;
  private final double sigma;
  private final int batch;

  /**
   * A certificate of one input: the predicted class or {@link #ABSTAIN}, the lower bound on
   * p_A, the certified L2 radius (0 when abstaining) and the counts it came from.
   */
  public record Certificate(int label, double pLower, double radius, int countA, int n) {
    public boolean abstained() {
      return label == ABSTAIN;
    }
  }

  /**
   * @param base the base classifier f
   * @param sigma the noise level, &gt; 0
   * @param batch the number of noisy copies classified per call of f, &gt;= 1
   */
  public RandomizedSmoothing(BaseClassifier base, double sigma, int batch) {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.base = base;
    this.sigma = sigma;
    this.batch = batch;
  }

  public double sigma() {
    return sigma;
  }

  /** The certified radius sigma Phi^-1(p_lower) of Cohen et al. Theorem 1 (p_B = 1 - p_A). */
  public static double radius(double sigma, double pLower) {
    return sigma * Binomial.normalQuantile(pLower);
  }

  /** CERTIFY with n0 selection and n estimation copies at level alpha (see the class comment). */
  public Certificate certify(double[] x, int n0, int n, double alpha, long seed) {
    requireCopies("n0", n0);
    requireCopies("n", n);
    Binomial.requireAlpha(alpha);
    int[] selection = counts(x, n0, seed, 0);
    int cA = argmax(selection, -1);
    int[] estimation = counts(x, n, seed, 1);
    int nA = estimation[cA];
    double pLower = Binomial.clopperPearsonLower(nA, n, alpha);
    if (pLower < 0.5) {
      return new Certificate(ABSTAIN, pLower, 0, nA, n);
    }
    return new Certificate(cA, pLower, radius(sigma, pLower), nA, n);
  }

  /** PREDICT with n copies at level alpha: the class, or {@link #ABSTAIN}. */
  public int predict(double[] x, int n, double alpha, long seed) {
    requireCopies("n", n);
    Binomial.requireAlpha(alpha);
    int[] c = counts(x, n, seed, 1);
    int a = argmax(c, -1);
    int b = argmax(c, a);
    int nB = b < 0 ? 0 : c[b];
    return Binomial.twoSidedHalfTest(c[a], c[a] + nB) > alpha ? ABSTAIN : a;
  }

  /**
   * Counts of f's labels over {@code num} copies x + sigma z_j, z_j from
   * {@code Rng.of(seed).stream(phase, j)}.
   */
  public int[] counts(double[] x, int num, long seed, int phase) {
    int d = base.dim();
    if (x.length != d) {
      throw new IllegalArgumentException("input has " + x.length + " values, the classifier expects " + d);
    }
    int[] counts = new int[base.classes()];
    Rng root = Rng.of(seed);
    double[] z = new double[d];
    for (int from = 0; from < num; from += batch) {
      int rows = Math.min(batch, num - from);
      Batch noisy = new Batch(rows, d);
      double[] a = noisy.data();
      for (int r = 0; r < rows; r++) {
        root.stream(phase, from + r).fillGaussian(z, 0, d);
        for (int i = 0; i < d; i++) {
          a[r * d + i] = x[i] + sigma * z[i];
        }
      }
      int[] labels = base.classify(noisy);
      for (int label : labels) {
        if (label < 0 || label >= counts.length) {
          throw new IllegalStateException("base classifier returned label " + label + " outside [0, "
              + counts.length + ")");
        }
        counts[label]++;
      }
    }
    return counts;
  }

  /**
   * The certified accuracy at each radius: the fraction of certificates that are correct
   * ({@code label == truth}) with radius &gt;= r (Cohen et al. Sec. 4, "approximate certified accuracy").
   */
  public static double[] certifiedAccuracy(Certificate[] certificates, int[] truth, double[] radii) {
    if (certificates.length != truth.length || certificates.length == 0) {
      throw new IllegalArgumentException("need one true label per certificate and at least one, got "
          + certificates.length + " certificates and " + truth.length + " labels");
    }
    double[] acc = new double[radii.length];
    for (int k = 0; k < radii.length; k++) {
      int hits = 0;
      for (int i = 0; i < certificates.length; i++) {
        Certificate c = certificates[i];
        if (c.label() == truth[i] && c.radius() >= radii[k]) {
          hits++;
        }
      }
      acc[k] = (double) hits / certificates.length;
    }
    return acc;
  }

  /** The index of the largest count (the lowest index on ties), skipping {@code skip}; -1 if none is left. */
  private static int argmax(int[] c, int skip) {
    int best = -1;
    for (int i = 0; i < c.length; i++) {
      if (i != skip && (best < 0 || c[i] > c[best])) {
        best = i;
      }
    }
    return best;
  }

  private static void requireCopies(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " (noise copies) must be >= 1, got " + v);
    }
  }
}
