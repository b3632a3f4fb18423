package org.diffusion4j.sde.fbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.sde.SdeSolution;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.SdeTerm;
import org.diffusion4j.sde.Solver;
import org.junit.jupiter.api.Test;

class FractionalBrownianTest {
  @Test
  void fftMatchesTheDirectTransform() {
    int n = 16;
    double[] re = new double[n];
    double[] im = new double[n];
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < n; i++) {
      re[i] = rnd.nextGaussian();
      im[i] = rnd.nextGaussian();
    }
    double[] r0 = re.clone();
    double[] i0 = im.clone();
    Fft.transform(re, im);
    for (int k = 0; k < n; k++) {
      double sr = 0, si = 0;
      for (int j = 0; j < n; j++) {
        double a = -2 * Math.PI * j * k / n;
        sr += r0[j] * Math.cos(a) - i0[j] * Math.sin(a);
        si += r0[j] * Math.sin(a) + i0[j] * Math.cos(a);
      }
      assertEquals(sr, re[k], 1e-12);
      assertEquals(si, im[k], 1e-12);
    }
  }

  /**
   * Davies-Harte paths: sample second moments E[B_s B_t] against the fBM covariance, each within
   * 5 standard errors (Var(B_s B_t) = C_ss C_tt + C_st^2 for centred Gaussians).
   */
  @Test
  void daviesHarteCovarianceMatchesTheoryForSeveralHurstIndices() {
    int steps = 12; // not a power of two: exercises the padding
    int paths = 6000;
    for (double h : new double[] {0.2, 0.5, 0.8}) {
      FractionalBrownian fbm = FractionalBrownian.of(h, steps, 2.0);
      double[] x = fbm.sample(7, paths);
      for (int i = 0; i < steps; i++) {
        for (int j = 0; j <= i; j++) {
          double m = 0;
          for (int p = 0; p < paths; p++) {
            m += x[p * steps + i] * x[p * steps + j];
          }
          m /= paths;
          double cij = FractionalBrownian.covariance(h, fbm.time(i), fbm.time(j));
          double cii = FractionalBrownian.covariance(h, fbm.time(i), fbm.time(i));
          double cjj = FractionalBrownian.covariance(h, fbm.time(j), fbm.time(j));
          double se = Math.sqrt((cii * cjj + cij * cij) / paths);
          assertEquals(cij, m, 5 * se, "H=" + h + " (" + i + "," + j + ")");
        }
      }
    }
  }

  @Test
  void choleskyFactorReproducesTheCovarianceAndSamples() {
    double[] t = {0.1, 0.35, 0.5, 0.9, 1.7};
    double h = 0.3;
    double[] l = FractionalBrownian.cholesky(h, t);
    int n = t.length;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += l[i * n + k] * l[j * n + k];
        }
        assertEquals(FractionalBrownian.covariance(h, t[i], t[j]), s, 1e-12);
      }
    }
    int paths = 20000;
    double[] x = FractionalBrownian.sampleCholesky(h, t, 3, paths);
    double m = 0;
    for (int p = 0; p < paths; p++) {
      m += x[p * n + 1] * x[p * n + 3];
    }
    m /= paths;
    double c = FractionalBrownian.covariance(h, t[1], t[3]);
    double se = Math.sqrt((FractionalBrownian.covariance(h, t[1], t[1]) * FractionalBrownian.covariance(h, t[3], t[3]) + c * c) / paths);
    assertEquals(c, m, 5 * se);
  }

  /** Daems et al. 2023: the optimal MA-fBM gets closer to type-II fBM as K grows. */
  @Test
  void markovApproximationImprovesWithK() {
    for (double h : new double[] {0.2, 0.8}) {
      double prevL2 = Double.POSITIVE_INFINITY;
      double prevCov = Double.POSITIVE_INFINITY;
      for (int k : new int[] {1, 3, 5, 7, 9}) {
        MarkovFbm ma = MarkovFbm.optimal(h, k, 1.0);
        double worst = 0;
        for (int i = 1; i <= 8; i++) {
          for (int j = 1; j <= i; j++) {
            double s = j / 8.0;
            double t = i / 8.0;
            worst = Math.max(worst, Math.abs(ma.covariance(s, t) - MarkovFbm.typeTwoCovariance(h, s, t)));
          }
        }
        System.out.printf("MA-fBM H=%.1f K=%d: L2 error %.3e, max covariance error %.3e%n", h, k, ma.l2Error(), worst);
        assertTrue(ma.l2Error() < prevL2, "L2 error must fall with K");
        assertTrue(worst < prevCov, "covariance error must fall with K: " + worst + " vs " + prevCov);
        prevL2 = ma.l2Error();
        prevCov = worst;
      }
      assertTrue(prevCov < 0.05, "K=9 covariance error " + prevCov);
    }
  }

  /** Type-II covariance quadrature against its closed-form variance, and H = 1/2 (Brownian motion). */
  @Test
  void typeTwoCovarianceQuadrature() {
    assertEquals(0.3, MarkovFbm.typeTwoCovariance(0.5, 0.3, 0.8), 1e-9);
    // H = 0.7: the integrand (t-u)^{0.2} (s-u)^{0.2} is bounded, so a plain midpoint rule is a check.
    double h = 0.7;
    double g = org.hipparchus.special.Gamma.gamma(h + 0.5);
    double s = 0.4, t = 0.9;
    int n = 200_000;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double u = (i + 0.5) * s / n;
      sum += Math.pow(t - u, h - 0.5) * Math.pow(s - u, h - 0.5);
    }
    assertEquals(sum * s / n / (g * g), MarkovFbm.typeTwoCovariance(h, s, t), 1e-6);
  }

  /** Driving an SDE: X = B-hat (b = 0, sigma = 1) simulated by Euler has the approximation's variance. */
  @Test
  void markovFbmDrivesAnSde() {
    MarkovFbm ma = MarkovFbm.optimal(0.3, 5, 1.0);
    SdeTerm zero = new org.diffusion4j.sde.models.OrnsteinUhlenbeck(0, 0, 0, 1);
    SdeTerm term = ma.drive(zero, 1.0);
    int paths = 20000;
    SdeSolution s = SdeSolve.of(term).solver(Solver.EULER).t1(1).dt(1e-3).y0(new double[6]).paths(paths).seed(5).run();
    double m2 = 0, m4 = 0;
    for (int p = 0; p < paths; p++) {
      double x = s.get(p, 0, 0);
      m2 += x * x;
      m4 += x * x * x * x;
    }
    m2 /= paths;
    m4 /= paths;
    double se = Math.sqrt((m4 - m2 * m2) / paths);
    assertEquals(ma.covariance(1, 1), m2, 4 * se + 0.01);
  }

  @Test
  void badHurstIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> FractionalBrownian.of(1.0, 10, 1));
    assertThrows(IllegalArgumentException.class, () -> MarkovFbm.optimal(0, 3, 1));
  }
}
