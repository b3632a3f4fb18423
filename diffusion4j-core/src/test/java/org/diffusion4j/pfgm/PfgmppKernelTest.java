package org.diffusion4j.pfgm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.metrics.EnergyDistance;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.path.EdmPath;
import org.diffusion4j.random.Rng;
import org.diffusion4j.sampler.HeunSampler;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sampler.TimeGrid;
import org.junit.jupiter.api.Test;

/** The PFGM++ kernel (Xu et al. 2023): exact sampler, Gaussian limit, and the ODE with an exact field. */
class PfgmppKernelTest {
  /** Kolmogorov-Smirnov statistic sup |F_n - F| of the samples against the CDF. */
  static double ks(double[] samples, DoubleUnaryOperator cdf) {
    double[] s = samples.clone();
    Arrays.sort(s);
    int n = s.length;
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double f = cdf.applyAsDouble(s[i]);
      worst = Math.max(worst, Math.max(Math.abs((i + 1.0) / n - f), Math.abs(f - (double) i / n)));
    }
    return worst;
  }

  private static double[] radii(PfgmppKernel kernel, int n, double sigma, long seed) {
    Batch b = kernel.perturbations(seed, n, sigma);
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (double v : b.row(i)) {
        s += v * v;
      }
      r[i] = Math.sqrt(s);
    }
    return r;
  }

  @Test
  void specialFunctionsMatchKnownValues() {
    assertEquals(Math.log(Math.sqrt(Math.PI)), SpecialFunctions.logGamma(0.5), 1e-14);
    assertEquals(Math.log(362880), SpecialFunctions.logGamma(10), 1e-12);
    assertEquals(1 - Math.exp(-2.5), SpecialFunctions.regularizedGammaP(1, 2.5), 1e-14);
    assertEquals(1 - Math.exp(-30), SpecialFunctions.regularizedGammaP(1, 30), 1e-14);
    // I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b, and the symmetry I_x(a, b) = 1 - I_{1-x}(b, a)
    assertEquals(Math.pow(0.3, 2.5), SpecialFunctions.regularizedBeta(0.3, 2.5, 1), 1e-14);
    assertEquals(1 - Math.pow(0.6, 7), SpecialFunctions.regularizedBeta(0.4, 1, 7), 1e-14);
    assertEquals(1 - SpecialFunctions.regularizedBeta(0.7, 1024, 392), SpecialFunctions.regularizedBeta(0.3, 392, 1024), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.regularizedBeta(1.5, 1, 1));
  }

  /**
   * KS test of sampled radii against I_{R^2/(R^2+r^2)}(N/2, D/2). The 1% critical value is
   * 1.63/sqrt(n); a sampler for a neighbouring D fails the same test.
   */
  @Test
  void radialDistributionMatchesItsClosedForm() {
    int n = 4000;
    double critical = 1.63 / Math.sqrt(n);
    double sigma = 1.7;
    double[][] cases = {{2, 1}, {16, 64}, {784, 2048}, {3, Double.POSITIVE_INFINITY}};
    for (double[] c : cases) {
      PfgmppKernel kernel = new PfgmppKernel((int) c[0], c[1]);
      double[] r = radii(kernel, n, sigma, 42);
      double stat = ks(r, x -> kernel.radiusCdf(x, sigma));
      assertTrue(stat < critical, "N = " + c[0] + ", D = " + c[1] + ": KS " + stat + " >= " + critical);
    }
    PfgmppKernel d64 = new PfgmppKernel(16, 64);
    PfgmppKernel d16 = new PfgmppKernel(16, 16);
    double wrong = ks(radii(d64, n, sigma, 42), x -> d16.radiusCdf(x, sigma));
    assertTrue(wrong > 3 * critical, "KS must separate D = 64 from D = 16, got " + wrong);
  }

  @Test
  void perturbationIsUnitNoiseTimesSigma() {
    PfgmppKernel kernel = new PfgmppKernel(7, 128);
    double[] unit = new double[7];
    double[] scaled = new double[7];
    for (long seed = 0; seed < 20; seed++) {
      kernel.fillUnitNoise(Rng.of(seed), unit, 0);
      kernel.samplePerturbation(Rng.of(seed), 3.5, scaled, 0);
      for (int k = 0; k < 7; k++) {
        assertEquals(3.5 * unit[k], scaled[k], 1e-13 * Math.abs(scaled[k]) + 1e-300);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new PfgmppKernel(0, 4));
    assertThrows(IllegalArgumentException.class, () -> new PfgmppKernel(3, 0.5));
    assertThrows(IllegalArgumentException.class, () -> kernel.radiusCdf(1, -1));
  }

  @Test
  void coordinatesAreStudentTWithDDegreesOfFreedom() {
    int n = 4000;
    double critical = 1.63 / Math.sqrt(n);
    PfgmppKernel kernel = new PfgmppKernel(5, 3);
    Batch b = kernel.perturbations(7, n, 0.8);
    double[] first = new double[n];
    for (int i = 0; i < n; i++) {
      first[i] = b.get(i, 0);
    }
    assertTrue(ks(first, z -> kernel.coordinateCdf(z, 0.8)) < critical);
  }

  /**
   * As D grows the kernel tends to N(0, sigma^2 I): the sup distance between the exact radius CDFs
   * falls like 1/D, and sampled coordinates at D = 2^16 pass a KS test against the normal CDF
   * while those at D = 2 fail it.
   */
  @Test
  void largeDRecoversTheGaussianKernel() {
    int dataDim = 16;
    double sigma = 1.3;
    PfgmppKernel gaussian = new PfgmppKernel(dataDim, Double.POSITIVE_INFINITY);
    double previous = 1;
    double[] gaps = new double[4];
    double[] ds = {16, 128, 1024, 8192};
    for (int k = 0; k < ds.length; k++) {
      PfgmppKernel kernel = new PfgmppKernel(dataDim, ds[k]);
      double gap = 0;
      for (double radius = 0.05; radius < 12; radius += 0.05) {
        gap = Math.max(gap, Math.abs(kernel.radiusCdf(radius, sigma) - gaussian.radiusCdf(radius, sigma)));
      }
      gaps[k] = gap;
      assertTrue(gap < previous / 4, "D = " + ds[k] + ": gap " + gap + " after " + previous);
      previous = gap;
    }
    assertTrue(gaps[3] < 2e-3, "gap at D = 8192: " + gaps[3]);
    int n = 4000;
    double critical = 1.63 / Math.sqrt(n);
    for (double d : new double[] {65536, 2}) {
      Batch b = new PfgmppKernel(1, d).perturbations(3, n, sigma);
      double stat = ks(b.data(), z -> gaussian.coordinateCdf(z, sigma));
      assertTrue(d > 100 ? stat < critical : stat > 3 * critical, "D = " + d + ": KS against the normal " + stat);
    }
  }

  /** Counts of rows by nearest mixture mean. */
  static int[] componentCounts(GaussianMixture mixture, Batch x) {
    int[] counts = new int[mixture.components()];
    for (int i = 0; i < x.n(); i++) {
      int best = 0;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (int k = 0; k < mixture.components(); k++) {
        double s = 0;
        for (int c = 0; c < x.d(); c++) {
          double diff = x.get(i, c) - mixture.mean(k)[c];
          s += diff * diff;
        }
        if (s < bestDistance) {
          bestDistance = s;
          best = k;
        }
      }
      counts[best]++;
    }
    return counts;
  }

  /** Pearson's chi-square of observed counts against the proportions of the reference counts. */
  static double chiSquare(int[] observed, int[] reference) {
    double n = Arrays.stream(observed).sum();
    double m = Arrays.stream(reference).sum();
    double chi = 0;
    for (int k = 0; k < observed.length; k++) {
      double expected = n * reference[k] / m;
      chi += (observed[k] - expected) * (observed[k] - expected) / expected;
    }
    return chi;
  }

  /**
   * With the exact field of a 300-point sample of a 2-D, 3-component Gaussian mixture, Heun on the
   * EDM grid (sigma 80 -&gt; 0.002, 18 steps, as generate.py) from the PFGM++ prior lands on the data
   * distribution for D = 1, 128 and infinity: every output is within 0.05 of a data point (the
   * exact field's target is the empirical distribution; 90% of them for D = 1, whose heavy-tailed
   * kernel still averages neighbours polynomially at sigma_min = 0.002 in N = 2), the outputs' component counts pass a
   * chi-square test against the data's proportions (2 degrees of freedom, 0.1% critical value
   * 13.8), and the energy distance to the data is within four times that of a bootstrap resample
   * of the same size.
   */
  @Test
  void odeWithExactFieldMapsThePriorToTheData() {
    GaussianMixture mixture = new GaussianMixture(new double[] {0.5, 0.3, 0.2},
        new double[][] {{-2, 0}, {2, 1}, {0, -2.5}}, new double[][] {{0.3, 0.2}, {0.2, 0.3}, {0.25, 0.25}});
    Batch data = mixture.sample(1, 300);
    int[] dataCounts = componentCounts(mixture, data);
    int n = 600;
    Rng rng = Rng.of(5);
    Batch bootstrap = new Batch(n, 2);
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(data.n());
      bootstrap.set(i, 0, data.get(k, 0));
      bootstrap.set(i, 1, data.get(k, 1));
    }
    double reference = Math.abs(new EnergyDistance().between(bootstrap, data));
    for (double d : new double[] {1, 128, Double.POSITIVE_INFINITY}) {
      PfgmppKernel kernel = new PfgmppKernel(2, d);
      Batch prior = kernel.perturbations(11, n, EdmPath.DEFAULT_SIGMA_MAX);
      Batch out = Sampling.with(new HeunSampler(), new PfgmppPosteriorMean(kernel, data), new EdmPath())
          .grid(TimeGrid.Spacing.KARRAS).steps(18)
          .run(prior).x();
      int far = 0;
      for (int i = 0; i < n; i++) {
        double nearest = Double.POSITIVE_INFINITY;
        for (int k = 0; k < data.n(); k++) {
          nearest = Math.min(nearest, Math.hypot(out.get(i, 0) - data.get(k, 0), out.get(i, 1) - data.get(k, 1)));
        }
        far += nearest > 0.05 ? 1 : 0;
      }
      assertTrue(far <= (d == 1 ? n / 10 : 0), "D = " + d + ": " + far + " outputs farther than 0.05 from the data");
      double chi = chiSquare(componentCounts(mixture, out), dataCounts);
      double distance = new EnergyDistance().between(out, data);
      assertTrue(chi < 13.8, "D = " + d + ": chi-square " + chi);
      assertTrue(distance < 4 * reference, "D = " + d + ": energy distance " + distance + ", bootstrap " + reference);
    }
  }
}
