package org.diffusion4j.nn.graph.pard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class PardDiffusionTest {
  private static final double[] M = {0.6, 0.3, 0.1};

  /** q(x_0 | x_0) times the product of the one-step kernels 1..t equals the closed-form q(x_t | x_0). */
  @Test
  void oneStepKernelsComposeToTheClosedFormMarginal() {
    PardDiffusion d = new PardDiffusion(20, M);
    assertEquals(1.0, d.alphaBar(0), 1e-9);
    assertEquals(PardDiffusion.MIN_ALPHABAR, d.alphaBar(20), 1e-12);
    for (int x0 = 0; x0 < 3; x0++) {
      double[] p = d.marginalAt(x0, 0); // abar_0 is clipped to 1 - 1e-10, as the official code does
      for (int t = 1; t <= 20; t++) {
        double[] next = new double[3];
        for (int k = 0; k < 3; k++) {
          double[] row = d.transition(k, t - 1, t);
          for (int j = 0; j < 3; j++) {
            next[j] += p[k] * row[j];
          }
        }
        p = next;
        assertArrayEquals(d.marginalAt(x0, t), p, 1e-12, "t=" + t);
      }
      assertArrayEquals(M, d.marginalAt(x0, 20), 1e-9); // the prior is reached at T
    }
  }

  /** Forward samples have the closed-form frequencies (within 5 standard errors). */
  @Test
  void forwardSamplesMatchTheMarginal() {
    PardDiffusion d = new PardDiffusion(10, M);
    Rng rng = Rng.of(3);
    int n = 40000;
    for (int t : new int[] {1, 5, 9}) {
      int[] counts = new int[3];
      for (int i = 0; i < n; i++) {
        counts[d.sampleForward(1, t, rng)]++;
      }
      double[] p = d.marginalAt(1, t);
      for (int k = 0; k < 3; k++) {
        double se = Math.sqrt(p[k] * (1 - p[k]) / n);
        assertEquals(p[k], counts[k] / (double) n, 5 * se + 1e-9, "t=" + t + " class " + k);
      }
    }
  }

  /** Bayes' posterior equals USD3's closed form as pard/diffusion.py writes it (qs_t0_prob). */
  @Test
  void posteriorEqualsTheOfficialClosedForm() {
    PardDiffusion d = new PardDiffusion(30, M);
    for (int t = 2; t <= 30; t += 7) {
      int s = t - 1;
      double abT = d.alphaBar(t);
      double abS = d.alphaBar(s);
      double mu = (1 - abS) / (1 - abT);
      double muAb = (abT - abS * abT) / (abS - abS * abT);
      for (int xt = 0; xt < 3; xt++) {
        for (int x0 = 0; x0 < 3; x0++) {
          double[] expected = new double[3];
          if (xt == x0) {
            double lambda = (1 - abS) * (1 - abT / abS) * M[xt] / (abT + (1 - abT) * M[xt]);
            for (int k = 0; k < 3; k++) {
              expected[k] = lambda * M[k];
            }
            expected[xt] += 1 - lambda;
          } else {
            for (int k = 0; k < 3; k++) {
              expected[k] = (mu - muAb) * M[k];
            }
            expected[xt] += muAb;
            expected[x0] += 1 - mu;
          }
          assertArrayEquals(expected, d.posterior(xt, x0, s, t), 1e-12, "t=" + t + " xt=" + xt + " x0=" + x0);
        }
      }
    }
  }

  @Test
  void reverseStepMixesPosteriorsAndEndsInTheModelDistribution() {
    PardDiffusion d = new PardDiffusion(8, M);
    double[] f = {0.2, 0.5, 0.3};
    double[] r = d.reverse(f, 2, 3, 4);
    double[] expected = new double[3];
    for (int i = 0; i < 3; i++) {
      double[] post = d.posterior(2, i, 3, 4);
      for (int k = 0; k < 3; k++) {
        expected[k] += f[i] * post[k];
      }
    }
    assertArrayEquals(expected, r, 1e-15);
    assertEquals(1.0, r[0] + r[1] + r[2], 1e-12);
    assertArrayEquals(f, d.reverse(f, 2, 0, 1), 0);
    double[] pm = d.posteriorMatrix(1, 3, 4);
    assertArrayEquals(d.posterior(1, 2, 3, 4), new double[] {pm[6], pm[7], pm[8]}, 0);
    assertTrue(d.priorKl(0) < 1e-8);
  }

  @Test
  void badInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new PardDiffusion(0, M));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PardDiffusion(5, new double[] {0.5, 0.6}));
    assertTrue(e.getMessage().contains("sum to 1"), e.getMessage());
    PardDiffusion d = new PardDiffusion(5, M);
    assertThrows(IllegalArgumentException.class, () -> d.alphaBar(6));
    assertThrows(IllegalArgumentException.class, () -> d.marginalAt(3, 1));
    assertThrows(IllegalArgumentException.class, () -> d.posterior(0, 0, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> d.reverse(new double[2], 0, 1, 2));
  }
}
