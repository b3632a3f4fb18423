package org.diffusion4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class GdssSamplerTest {
  static final int GRAPHS = 100;
  static final int NODES = 8;
  static final int FEATURES = 2;

  /**
   * Target: node features i.i.d. N(muX, sX^2); the adjacency symmetric, zero diagonal, each pair
   * i.i.d. N(muA, sA^2); entries of absent nodes zero. Under the forward SDE the marginal of an
   * entry is N(m muA, m^2 sA^2 + std^2), so the exact score is -(v - m mu) / (m^2 s^2 + std^2).
   */
  static GraphScore exactScore(GdssSde sdeX, GdssSde sdeA, double muX, double sX, double muA, double sA) {
    return (x, adj, flags, t) -> {
      NDArray nodeMask = flags.expandDims(-1);
      NDArray pairMask = flags.expandDims(2).mul(flags.expandDims(1))
          .mul(x.getManager().eye(NODES).neg().add(1));
      return new NDArray[] {gaussianScore(x, sdeX, t, muX, sX).mul(nodeMask),
          gaussianScore(adj, sdeA, t, muA, sA).mul(pairMask)};
    };
  }

  private static NDArray gaussianScore(NDArray v, GdssSde sde, double t, double mu, double s) {
    double m = sde.meanCoefficient(t);
    double var = m * m * s * s + sde.std(t) * sde.std(t);
    return v.sub(m * mu).div(-var);
  }

  static float[] flags() {
    float[] f = new float[GRAPHS * NODES];
    for (int g = 0; g < GRAPHS; g++) {
      for (int u = 0; u < NODES - g % 3; u++) { // 8, 7 or 6 real nodes
        f[g * NODES + u] = 1;
      }
    }
    return f;
  }

  private static void checkMoments(GdssConfig.Predictor p, GdssConfig.Corrector c, double snr) {
    // beta_max large enough that the t = 1 marginal is the N(0, 1) prior the solvers start from
    // (GDSS's configs stop at beta_max 1, where m(1) = 0.76: their prior is deliberately off), and
    // scale_eps 1 (GDSS's 0.7 lowers the Langevin temperature on purpose): then an exact score must
    // give back the target.
    GdssSde sdeX = GdssSde.vp(0.1, 20, 1000);
    GdssSde sdeA = GdssSde.vp(0.2, 12, 1000);
    double muX = -0.4;
    double sX = 0.5;
    double muA = 0.6;
    double sA = 0.3;
    float[] flags = flags();
    try (NDManager m = DjlRuntime.newManager()) {
      GdssSampler.Result r = GdssSampler.sample(m, sdeX, sdeA, exactScore(sdeX, sdeA, muX, sX, muA, sA),
          new GdssSampler.Settings(p, c, snr, 1.0, 1e-4, 1000), flags, GRAPHS, NODES, FEATURES, 11);
      double[] x = moments(r.x(), flags, false);
      double[] a = moments(r.adj(), flags, true);
      String what = p + "+" + c;
      assertEquals(muX, x[0], 0.03, what + " X mean");
      assertEquals(sX, x[1], 0.05 * sX, what + " X std");
      assertEquals(muA, a[0], 0.03, what + " A mean");
      assertEquals(sA, a[1], 0.06 * sA, what + " A std");
      assertEquals(0, a[2], 0, what + " masked, diagonal or asymmetric mass of A");
      assertEquals(0, x[2], 0, what + " masked mass of X");
      if (p != GdssConfig.Predictor.S4) {
        return;
      }
      // Deterministic: the same seed gives bitwise the same samples.
      GdssSampler.Result again = GdssSampler.sample(m, sdeX, sdeA, exactScore(sdeX, sdeA, muX, sX, muA, sA),
          new GdssSampler.Settings(p, c, snr, 1.0, 1e-4, 1000), flags, GRAPHS, NODES, FEATURES, 11);
      assertArrayEquals(r.adj(), again.adj());
    }
  }

  @Test
  void s4WithAnExactScoreReproducesTheTargetMoments() {
    checkMoments(GdssConfig.Predictor.S4, GdssConfig.Corrector.LANGEVIN, 0.05);
  }

  @Test
  void reverseDiffusionWithLangevinReproducesTheTargetMoments() {
    checkMoments(GdssConfig.Predictor.REVERSE, GdssConfig.Corrector.LANGEVIN, 0.1);
    checkMoments(GdssConfig.Predictor.EULER, GdssConfig.Corrector.NONE, 0);
  }

  /** {mean, std} over real entries, and the total |value| on entries that must be zero. */
  private static double[] moments(float[] v, float[] flags, boolean pairs) {
    int width = pairs ? NODES : FEATURES;
    double sum = 0;
    double sumSq = 0;
    long count = 0;
    double forbidden = 0;
    for (int g = 0; g < GRAPHS; g++) {
      for (int u = 0; u < NODES; u++) {
        for (int k = 0; k < width; k++) {
          double val = v[(g * NODES + u) * width + k];
          boolean real = flags[g * NODES + u] != 0 && (!pairs || (k != u && flags[g * NODES + k] != 0));
          if (pairs && real && val != v[(g * NODES + k) * NODES + u]) {
            forbidden += 1;
          }
          if (!real) {
            forbidden += Math.abs(val);
          } else if (!pairs || k > u) {
            sum += val;
            sumSq += val * val;
            count++;
          }
        }
      }
    }
    double mean = sum / count;
    return new double[] {mean, Math.sqrt(sumSq / count - mean * mean), forbidden};
  }

  @Test
  void noiseIsSymmetricMaskedAndSeeded() {
    float[] flags = flags();
    try (NDManager m = DjlRuntime.newManager()) {
      GdssSampler.Noise noise = new GdssSampler.Noise(m, flags, GRAPHS, NODES, FEATURES);
      float[] a = noise.symmetric(Rng.of(3)).toFloatArray();
      assertArrayEquals(a, noise.symmetric(Rng.of(3)).toFloatArray());
      double forbidden = moments(a, flags, true)[2];
      assertEquals(0, forbidden, 0);
    }
  }
}
