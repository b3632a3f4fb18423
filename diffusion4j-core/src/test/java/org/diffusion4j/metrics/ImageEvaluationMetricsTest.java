package org.diffusion4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** Inception score, nearest-neighbour distances, PSNR/SSIM and the Frechet distance at feature sizes of 128. */
class ImageEvaluationMetricsTest {
  @Test
  void inceptionScoreOfUniformPredictionsIsOne() {
    int n = 7;
    int k = 10;
    double[] p = new double[n * k];
    java.util.Arrays.fill(p, 1.0 / k);
    assertEquals(1.0, InceptionScore.of(new Batch(n, k, p)), 1e-12);
    // Identical non-uniform rows: KL to the marginal is 0 as well.
    double[] q = new double[n * 3];
    for (int i = 0; i < n; i++) {
      q[3 * i] = 0.2;
      q[3 * i + 1] = 0.5;
      q[3 * i + 2] = 0.3;
    }
    assertEquals(1.0, InceptionScore.of(new Batch(n, 3, q)), 1e-12);
  }

  @Test
  void inceptionScoreOfConfidentBalancedPredictionsIsK() {
    int k = 10;
    int n = 5 * k;
    double[] p = new double[n * k];
    for (int i = 0; i < n; i++) {
      p[i * k + i % k] = 1;
    }
    assertEquals(k, InceptionScore.of(new Batch(n, k, p)), 1e-9);
    // Confident but all the same class: 1.
    double[] same = new double[n * k];
    for (int i = 0; i < n; i++) {
      same[i * k] = 1;
    }
    assertEquals(1, InceptionScore.of(new Batch(n, k, same)), 1e-12);
  }

  @Test
  void inceptionScoreMatchesDirectComputationOnRandomRows() {
    int n = 40;
    int k = 6;
    Rng r = Rng.of(3);
    double[] p = new double[n * k];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < k; j++) {
        p[i * k + j] = Math.exp(3 * r.nextGaussian());
        s += p[i * k + j];
      }
      for (int j = 0; j < k; j++) {
        p[i * k + j] /= s;
      }
    }
    // Direct: exp(mean_i sum_j p_ij log(p_ij / pbar_j)).
    double[] pbar = new double[k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        pbar[j] += p[i * k + j] / n;
      }
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        sum += p[i * k + j] * Math.log(p[i * k + j] / pbar[j]);
      }
    }
    double expected = Math.exp(sum / n);
    double got = InceptionScore.of(new Batch(n, k, p));
    assertEquals(expected, got, 1e-12 * expected);
    assertTrue(got > 1 && got < k, "IS " + got);
  }

  @Test
  void inceptionScoreRejectsRowsThatAreNotDistributions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InceptionScore.of(new Batch(1, 2, new double[] {0.5, 0.6})));
    assertTrue(e.getMessage().contains("sums to"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> InceptionScore.of(new Batch(1, 2, new double[] {-0.1, 1.1})));
  }

  @Test
  void nearestNeighbourDistancesOnConstructedData() {
    Batch ref = Noise.standardNormal(5, 50, 784);
    Batch q = new Batch(3, 784);
    // Row 0: a copy of reference row 17 -> exactly 0.
    System.arraycopy(ref.data(), 17 * 784, q.data(), 0, 784);
    // Row 1: reference row 3 shifted by 0.01 in every coordinate -> 0.01 sqrt(784) = 0.28, far below
    // the typical distance between two Gaussian rows (sqrt(2 * 784) = 39.6).
    for (int k = 0; k < 784; k++) {
      q.set(1, k, ref.get(3, k) + 0.01);
    }
    // Row 2: brute force.
    Batch other = Noise.standardNormal(6, 1, 784);
    System.arraycopy(other.data(), 0, q.data(), 2 * 784, 784);
    double best = Double.POSITIVE_INFINITY;
    for (int j = 0; j < ref.n(); j++) {
      double s = 0;
      for (int k = 0; k < 784; k++) {
        double e = other.get(0, k) - ref.get(j, k);
        s += e * e;
      }
      best = Math.min(best, Math.sqrt(s));
    }
    double[] d = NearestNeighbours.distances(q, ref);
    assertEquals(0.0, d[0], 0.0);
    assertEquals(0.28, d[1], 1e-9);
    assertEquals(best, d[2], 1e-12 * best);
    assertThrows(IllegalArgumentException.class, () -> NearestNeighbours.distances(new Batch(1, 3), ref));
  }

  @Test
  void quantilesAndFractions() {
    double[] v = {5, 1, 4, 2, 3};
    assertEquals(3, NearestNeighbours.quantile(v, 0.5), 0);
    assertEquals(1, NearestNeighbours.quantile(v, 0), 0);
    assertEquals(5, NearestNeighbours.quantile(v, 1), 0);
    assertEquals(1.04, NearestNeighbours.quantile(v, 0.01), 1e-12);
    assertEquals(0.4, NearestNeighbours.fractionBelow(v, 3), 0);
    assertThrows(IllegalArgumentException.class, () -> NearestNeighbours.quantile(v, 1.5));
  }

  @Test
  void psnrOfIdenticalImagesIsInfiniteAndOfAConstantOffsetIsTheFormula() {
    double[] a = Noise.standardNormal(1, 1, 784).data();
    assertEquals(Double.POSITIVE_INFINITY, ImageQuality.psnr(a, a, 2), 0);
    double c = 0.1;
    double[] b = a.clone();
    for (int i = 0; i < b.length; i++) {
      b[i] += c;
    }
    // MSE = c^2, so PSNR = 20 log10(L / c) = 20 log10(20) dB for L = 2.
    assertEquals(20 * Math.log10(2 / c), ImageQuality.psnr(a, b, 2), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> ImageQuality.psnr(a, new double[3], 2));
    assertThrows(IllegalArgumentException.class, () -> ImageQuality.psnr(a, b, 0));
  }

  @Test
  void ssimIsOneForIdenticalImagesSymmetricAndNegativeForInvertedContrast() {
    double[] a = smoothImage(11, 28, 28);
    double[] b = smoothImage(12, 28, 28);
    assertEquals(1.0, ImageQuality.ssim(a, a, 28, 28, 2), 1e-12);
    double ab = ImageQuality.ssim(a, b, 28, 28, 2);
    assertEquals(ab, ImageQuality.ssim(b, a, 28, 28, 2), 1e-14);
    assertTrue(ab < 1 && ab > -1, "ssim " + ab);
    // Inverted contrast about the mean of a textured image: sigma_xy = -sigma_x^2 in every window,
    // so the structure term (2 sigma_xy + C2) / (2 sigma_x^2 + C2) is negative wherever the local
    // variance exceeds C2 / 2, which the added texture guarantees.
    // The local means stay near 0.4, so the luminance term stays near 1.
    double[] textured = new double[a.length];
    Rng r = Rng.of(13);
    double[] inv = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      textured[i] = 0.4 + 0.3 * r.nextGaussian();
      inv[i] = 0.8 - textured[i];
    }
    double inverted = ImageQuality.ssim(textured, inv, 28, 28, 2);
    assertTrue(inverted < 0, "ssim of an image and its negative-contrast version: " + inverted);
    assertThrows(IllegalArgumentException.class, () -> ImageQuality.ssim(new double[100], new double[100], 10, 10, 2));
    Batch batch = new Batch(2, 784, concat(a, b));
    double[] per = ImageQuality.ssim(batch, batch, 28, 28, 2);
    assertEquals(1.0, per[1], 1e-12);
  }

  @Test
  void ssimOfAnElevenPixelImageIsEquationThirteenWithGaussianWeightedStatistics() {
    // An 11 x 11 image has one window position: MSSIM is Eq. 13 with the window's weighted
    // means, variances and covariance, computed here as weighted sums of deviations.
    double[] a = smoothImage(21, 11, 11);
    double[] b = new double[a.length];
    Rng r = Rng.of(22);
    for (int i = 0; i < a.length; i++) {
      b[i] = 0.7 * a[i] + 0.2 + 0.1 * r.nextGaussian();
    }
    double[] w = ImageQuality.window();
    assertEquals(1.0, java.util.Arrays.stream(w).sum(), 1e-12);
    // The window's centre weight against its neighbour: exp(-1 / (2 * 1.5^2)).
    assertEquals(Math.exp(-1 / 4.5), w[5 * 11 + 6] / w[5 * 11 + 5], 1e-12);
    double mx = 0;
    double my = 0;
    for (int i = 0; i < a.length; i++) {
      mx += w[i] * a[i];
      my += w[i] * b[i];
    }
    double vx = 0;
    double vy = 0;
    double cxy = 0;
    for (int i = 0; i < a.length; i++) {
      vx += w[i] * (a[i] - mx) * (a[i] - mx);
      vy += w[i] * (b[i] - my) * (b[i] - my);
      cxy += w[i] * (a[i] - mx) * (b[i] - my);
    }
    double l = 2;
    double c1 = Math.pow(0.01 * l, 2);
    double c2 = Math.pow(0.03 * l, 2);
    double expected = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    assertEquals(expected, ImageQuality.ssim(a, b, 11, 11, l), 1e-12);
  }

  @Test
  void frechetDistanceAtFeatureSize128MatchesTheClosedForm() {
    // N(mu1, Q D1 Q^T) vs N(mu2, Q D2 Q^T): commuting covariances, so
    // d^2 = |mu1 - mu2|^2 + sum_i (sqrt(d1_i) - sqrt(d2_i))^2.
    int d = 128;
    Rng r = Rng.of(9);
    double[] mu1 = new double[d];
    double[] mu2 = new double[d];
    double[] d1 = new double[d];
    double[] d2 = new double[d];
    double exact = 0;
    for (int i = 0; i < d; i++) {
      mu1[i] = r.nextGaussian();
      mu2[i] = r.nextGaussian();
      d1[i] = 0.1 + r.nextDouble();
      d2[i] = 0.1 + 2 * r.nextDouble();
      exact += Math.pow(mu1[i] - mu2[i], 2) + Math.pow(Math.sqrt(d1[i]) - Math.sqrt(d2[i]), 2);
    }
    double[][] q = orthogonal(d, r);
    double got = FrechetDistance.ofGaussians(mu1, conjugate(q, d1), mu2, conjugate(q, d2));
    assertEquals(exact, got, 1e-8 * exact);
    // From samples: two sets from the same Gaussian are close (only sampling error remains).
    Batch x = Noise.standardNormal(30, 4000, d);
    Batch y = Noise.standardNormal(31, 4000, d);
    double fd = new FrechetDistance().between(x, y);
    // Bias of the estimate is about d^2 / n (= 4 here) for identity covariances.
    assertTrue(fd > 0 && fd < 8, "FD of two N(0, I_128) samples: " + fd);
  }

  private static double[][] orthogonal(int d, Rng r) {
    // Gram-Schmidt on a Gaussian matrix.
    double[][] q = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        q[i][j] = r.nextGaussian();
      }
      for (int p = 0; p < i; p++) {
        double dot = 0;
        for (int j = 0; j < d; j++) {
          dot += q[i][j] * q[p][j];
        }
        for (int j = 0; j < d; j++) {
          q[i][j] -= dot * q[p][j];
        }
      }
      double norm = 0;
      for (int j = 0; j < d; j++) {
        norm += q[i][j] * q[i][j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < d; j++) {
        q[i][j] /= norm;
      }
    }
    return q;
  }

  private static double[][] conjugate(double[][] q, double[] diag) {
    int d = diag.length;
    double[][] c = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          s += q[k][i] * diag[k] * q[k][j];
        }
        c[i][j] = s;
      }
    }
    return c;
  }

  /** A smooth random image in about [-1, 1]: a few random Gaussian blobs. */
  private static double[] smoothImage(long seed, int h, int w) {
    Rng r = Rng.of(seed);
    double[] img = new double[h * w];
    for (int blob = 0; blob < 4; blob++) {
      double cy = r.nextDouble() * h;
      double cx = r.nextDouble() * w;
      double s = 2 + 3 * r.nextDouble();
      double amp = 2 * r.nextDouble() - 1;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          img[y * w + x] += amp * Math.exp(-((y - cy) * (y - cy) + (x - cx) * (x - cx)) / (2 * s * s));
        }
      }
    }
    return img;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = new double[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
