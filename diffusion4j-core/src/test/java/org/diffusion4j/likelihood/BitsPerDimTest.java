package org.diffusion4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Rng;
import org.hipparchus.special.Erf;
import org.junit.jupiter.api.Test;

class BitsPerDimTest {
  private static final double LN2 = Math.log(2);

  private static Batch uniformCounts(int n, int d, long seed) {
    Batch b = new Batch(n, d);
    Rng r = Rng.of(seed);
    for (int i = 0; i < b.size(); i++) {
      b.data()[i] = r.nextInt(256);
    }
    return b;
  }

  /** The uniform density 2^-d on [-1, 1)^d gives every 8-bit point probability 256^-d: exactly 8 bits/dim. */
  @Test
  void uniformModelGivesExactlyEightBits() {
    Batch counts = uniformCounts(50, 3, 1);
    LogDensity uniform = z -> {
      double[] out = new double[z.n()];
      for (int i = 0; i < out.length; i++) {
        boolean inside = true;
        for (int j = 0; j < z.d(); j++) {
          inside &= z.get(i, j) >= -1 && z.get(i, j) < 1;
        }
        out[i] = inside ? -z.d() * Math.log(2) : Double.NEGATIVE_INFINITY;
      }
      return out;
    };
    for (int k : new int[] {1, 4}) {
      BitsPerDim.Result r = BitsPerDim.eightBitSymmetric(k).evaluate(uniform, counts, 3);
      for (int i = 0; i < 50; i++) {
        assertEquals(8.0, r.bitsPerDim(i), 1e-12);
      }
    }
    // Same bits on the [0, 1) scaling with the uniform density 1 there.
    BitsPerDim unit = new BitsPerDim(256, 1, 0, 2);
    assertEquals(8.0, unit.evaluate(z -> new double[z.n()], counts, 3).meanBitsPerDim(), 1e-12);
  }

  /**
   * Uniform noise data under N(0, s^2) per coordinate: bpd = 8 + (0.5 log(2 pi s^2) + 1/(6 s^2) - log 2) / log 2,
   * the cross-entropy of U[-1, 1) against the Gaussian (K = 1 is exactly its Monte Carlo estimate).
   */
  @Test
  void uniformNoiseUnderAWideGaussianMatchesTheCrossEntropy() {
    double s = 1.0;
    Batch counts = uniformCounts(4000, 4, 2);
    BitsPerDim.Result r = BitsPerDim.eightBitSymmetric(1).evaluate(LogDensity.gaussian(s), counts, 5);
    double want = 8 + (0.5 * Math.log(2 * Math.PI * s * s) + 1 / (6 * s * s) - Math.log(2)) / LN2;
    assertTrue(Math.abs(r.meanBitsPerDim() - want) < 4 * r.standardError(),
        "bpd " + r.meanBitsPerDim() + " theory " + want + " se " + r.standardError());
    assertTrue(r.meanBitsPerDim() > 8, "no model beats 8 bits on uniform noise");
  }

  /**
   * A narrow Gaussian (std 0.4 bins) with its mean on a bin edge: the exact P(k) is an erf
   * difference. The K = 1 bound matches its closed form E_u[log p], the importance-weighted
   * bound increases with K and approaches log P(k) from below (Burda et al. 2016, Theorem 1).
   */
  @Test
  void importanceWeightedBoundIncreasesWithKTowardsTheExactProbability() {
    double w = 2.0 / 256;
    double s = 0.4 * w;
    int n = 3000;
    Batch counts = new Batch(n, 1);
    java.util.Arrays.fill(counts.data(), 128); // bin [0, w) in z = 2 y - 1
    double exact = Math.log(0.5 * Erf.erf(0 / (s * Math.sqrt(2)), w / (s * Math.sqrt(2))));
    // E_u[log N(z; 0, s^2)] over z uniform on [0, w), plus the Jacobian log(2/256).
    double k1 = -0.5 * Math.log(2 * Math.PI * s * s) - (w * w / 3) / (2 * s * s) + Math.log(w);
    double previous = Double.NEGATIVE_INFINITY;
    for (int k : new int[] {1, 8, 64, 512}) {
      BitsPerDim bpd = BitsPerDim.eightBitSymmetric(k);
      BitsPerDim.Result r = bpd.evaluate(LogDensity.gaussian(s), counts, 11);
      double mean = -r.meanBitsPerDim() * LN2; // mean log P bound, nats
      double se = r.standardError() * LN2;
      if (k == 1) {
        assertTrue(Math.abs(mean - k1) < 4 * se, "K=1 mean " + mean + " closed form " + k1);
      }
      assertTrue(mean > previous, "bound must increase with K: K=" + k + " gives " + mean + " after " + previous);
      assertTrue(mean < exact + 4 * se + 1e-12, "bound " + mean + " above log P " + exact);
      previous = mean;
    }
    assertTrue(k1 < exact - 0.05, "the test needs a visible Jensen gap: " + k1 + " vs " + exact);
    assertTrue(exact - previous < 0.01 * (exact - k1), "K=512 should close 99% of the gap: " + previous);
  }

  /**
   * The whole pipeline through the ODE: 8-bit uniform noise under the Gaussian N(0, 1/3 I) (the
   * moment-matched model of U[-1, 1)): ODE bits/dim equal the closed-form log p_eps on the same
   * dequantised points, and are near the cross-entropy 8 + (0.5 log(2 pi / 3) + 1/2 - log 2)/log 2.
   */
  @Test
  void odeBitsPerDimOnUniformNoise() {
    int d = 2;
    GaussianMixture g = GaussianMixture.gaussian(new double[d], new double[] {1.0 / 3, 1.0 / 3});
    GaussianPath path = Paths.create("vp-linear", Map.of());
    Likelihood lik = Likelihood.builder(g.denoiser(path, Prediction.EPSILON), path)
        .solver(new DormandPrince(1e-6, 1e-6)).build();
    Batch counts = uniformCounts(200, d, 4);
    BitsPerDim bpd = BitsPerDim.eightBitSymmetric(2);
    Batch z = bpd.dequantize(counts, 9);
    BitsPerDim.Result viaOde = bpd.combine(lik.evaluate(z).logp(), d);
    BitsPerDim.Result exactAtEps = bpd.combine(g.logDensity(path, lik.eps(), z), d);
    for (int i = 0; i < counts.n(); i++) {
      assertEquals(exactAtEps.bitsPerDim(i), viaOde.bitsPerDim(i), 1e-3 / LN2, "point " + i);
    }
    double theory = 8 + (0.5 * Math.log(2 * Math.PI / 3) + 0.5 - Math.log(2)) / LN2;
    // K = 2 raises the bound slightly above the K = 1 cross-entropy: allow 4 se + the small IW gain.
    assertTrue(Math.abs(viaOde.meanBitsPerDim() - theory) < 4 * viaOde.standardError() + 0.01,
        "bpd " + viaOde.meanBitsPerDim() + " vs " + theory + " se " + viaOde.standardError());
  }

  @Test
  void badInputIsRejected() {
    BitsPerDim bpd = BitsPerDim.eightBitSymmetric(1);
    Batch frac = new Batch(1, 2, new double[] {3, 4.5});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bpd.dequantize(frac, 0));
    assertTrue(e.getMessage().contains("column 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> bpd.dequantize(new Batch(1, 1, new double[] {256}), 0));
    assertThrows(IllegalArgumentException.class, () -> bpd.dequantize(new Batch(1, 1, new double[] {Double.NaN}), 0));
    assertThrows(IllegalArgumentException.class, () -> BitsPerDim.eightBitSymmetric(0));
    assertThrows(IllegalArgumentException.class, () -> new BitsPerDim(256, 0, 0, 1));
  }
}
