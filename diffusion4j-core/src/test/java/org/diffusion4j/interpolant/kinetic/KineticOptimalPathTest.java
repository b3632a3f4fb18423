package org.diffusion4j.interpolant.kinetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.InterpolantGenerator;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.CondOtPath;
import org.diffusion4j.path.FunctionPath;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.VpCosinePath;
import org.diffusion4j.path.VpLinearPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class KineticOptimalPathTest {
  /** n points with |x_i|^2 = d (the paper's normalised dataset). */
  static Batch normalized(long seed, int n, int d) {
    Batch x = Noise.standardNormal(seed, n, d);
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += x.get(i, j) * x.get(i, j);
      }
      double f = Math.sqrt(d / s);
      for (int j = 0; j < d; j++) {
        x.set(i, j, x.get(i, j) * f);
      }
    }
    return x;
  }

  static double distanceToCondOt(GaussianPath p) {
    double dev = 0;
    for (int i = 0; i <= 1000; i++) {
      double t = i / 1000.0;
      dev = Math.max(dev, Math.abs(p.alpha(t) - (1 - t)) + Math.abs(p.sigma(t) - t));
    }
    return dev;
  }

  /**
   * Shaul et al. (observation iv): for n points in d dimensions the separation function tends to
   * 1 as n/sqrt(d) -&gt; 0, so the kinetic-optimal path tends to cond-OT. With n = 8 the sup
   * distance to cond-OT must fall as d grows, the total angle must approach pi/2 and at d = 2048
   * the path must be within 0.05 of cond-OT.
   */
  @Test
  void approachesCondOtWhenNOverSqrtDIsSmall() {
    double previous = Double.POSITIVE_INFINITY;
    double previousAngleGap = Double.POSITIVE_INFINITY;
    for (int d : new int[] {8, 128, 2048}) {
      DataSeparation sep = DataSeparation.estimate(normalized(1, 8, d), DataSeparation.Options.defaults(3));
      KineticOptimalPath ko = KineticOptimalPath.of(sep);
      double dev = distanceToCondOt(ko);
      double angleGap = 0.5 * Math.PI - ko.totalAngle();
      assertTrue(dev < previous, "d=" + d + ": distance " + dev + " after " + previous);
      assertTrue(angleGap < previousAngleGap, "d=" + d + ": angle gap " + angleGap);
      previous = dev;
      previousAngleGap = angleGap;
    }
    assertTrue(previous < 0.05, "distance to cond-OT at d=2048: " + previous);
  }

  /**
   * The energy identity E|u_t|^2 = alpha'^2 m2 + sigma'^2 d - sigma^2 s'^2 mmse(s) behind the
   * separation function, against a direct Monte Carlo of |u_t(x_t)|^2 with the exact posterior
   * over the data points, at three times on cond-OT and VP-cosine. Bound: 5 standard errors of the
   * direct estimate, inflated for the independent error of the mmse table.
   */
  @Test
  void energyIdentityMatchesDirectMonteCarlo() {
    int n = 40;
    int d = 3;
    Batch data = new GaussianMixture(new double[] {1, 1, 2}, new double[][] {{2, 0, 0}, {-1, 1, 0}, {0, -1, 1}},
        new double[][] {{0.3, 0.3, 0.3}, {0.2, 0.2, 0.2}, {0.5, 0.1, 0.1}}).sample(4, n);
    DataSeparation sep = DataSeparation.estimate(data, new DataSeparation.Options(512, n, 100, 5));
    int m = 20000;
    for (GaussianPath path : new GaussianPath[] {new CondOtPath(), new VpCosinePath()}) {
      for (double t : new double[] {0.25, 0.5, 0.75}) {
        double a = path.alpha(t);
        double s = path.sigma(t);
        double ad = path.alphaDot(t);
        double sd = path.sigmaDot(t);
        Rng rng = Rng.of(17);
        double sum = 0;
        double sumSq = 0;
        double[] x = new double[d];
        double[] w = new double[n];
        for (int k = 0; k < m; k++) {
          int i = rng.nextInt(n);
          for (int j = 0; j < d; j++) {
            x[j] = a * data.get(i, j) + s * rng.nextGaussian();
          }
          double max = Double.NEGATIVE_INFINITY;
          for (int l = 0; l < n; l++) {
            double q = 0;
            for (int j = 0; j < d; j++) {
              double e = x[j] - a * data.get(l, j);
              q += e * e;
            }
            w[l] = -q / (2 * s * s);
            max = Math.max(max, w[l]);
          }
          double tot = 0;
          for (int l = 0; l < n; l++) {
            w[l] = Math.exp(w[l] - max);
            tot += w[l];
          }
          double u2 = 0;
          for (int j = 0; j < d; j++) {
            double x0hat = 0;
            for (int l = 0; l < n; l++) {
              x0hat += w[l] * data.get(l, j);
            }
            x0hat /= tot;
            double epsHat = (x[j] - a * x0hat) / s;
            double u = ad * x0hat + sd * epsHat;
            u2 += u * u;
          }
          sum += u2;
          sumSq += u2 * u2;
        }
        double mean = sum / m;
        double se = Math.sqrt((sumSq / m - mean * mean) / m);
        double viaSeparation = d * KineticEnergy.integrand(path, sep, sep.scale(), t);
        double bound = 5 * se * Math.sqrt(1 + m / (double) (n * 100));
        assertEquals(mean, viaSeparation, bound, path.name() + " t=" + t);
      }
    }
  }

  /** The kinetic-optimal path beats cond-OT, VP and every nearby path with the same end points. */
  @Test
  void kineticOptimalHasTheLeastEnergy() {
    for (Batch data : new Batch[] {eightGaussians(300), normalized(2, 64, 16)}) {
      DataSeparation sep = DataSeparation.estimate(data, DataSeparation.Options.defaults(9));
      KineticOptimalPath ko = KineticOptimalPath.of(sep);
      double keKo = KineticEnergy.of(ko, sep);
      assertEquals(ko.kineticEnergy(), keKo, 2e-3 * keKo, "closed-form chord energy vs quadrature");
      double keOt = KineticEnergy.of(new CondOtPath(), sep);
      assertTrue(keOt <= sep.secondMoment() + sep.dim() + 1e-9, "cond-OT energy is at most m2 + d");
      assertTrue(keKo < keOt, "KO " + keKo + " vs cond-OT " + keOt);
      double keVp = KineticEnergy.of(new VpLinearPath(), sep, 1e-3, 1, 4000);
      assertTrue(keKo < keVp, "KO " + keKo + " vs VP " + keVp);
      for (double delta : new double[] {-0.05, 0.05}) {
        for (int mode = 1; mode <= 2; mode++) {
          int k = mode;
          GaussianPath bent = FunctionPath.of("bent", t -> ko.alpha(t) + delta * Math.sin(k * Math.PI * t),
              t -> ko.sigma(t) * (1 + delta * Math.sin(Math.PI * t)),
              t -> ko.alphaDot(t) + delta * k * Math.PI * Math.cos(k * Math.PI * t),
              t -> ko.sigmaDot(t) * (1 + delta * Math.sin(Math.PI * t)) + ko.sigma(t) * delta * Math.PI * Math.cos(Math.PI * t),
              0, 1);
          double keBent = KineticEnergy.of(bent, sep);
          assertTrue(keKo < keBent, "perturbation " + delta + "/" + k + ": " + keBent + " < KO " + keKo);
        }
      }
    }
  }

  static Batch eightGaussians(int n) {
    double[] w = new double[8];
    double[][] m = new double[8][];
    double[][] v = new double[8][];
    for (int k = 0; k < 8; k++) {
      w[k] = 1;
      m[k] = new double[] {2 * Math.cos(k * Math.PI / 4), 2 * Math.sin(k * Math.PI / 4)};
      v[k] = new double[] {0.02, 0.02};
    }
    return new GaussianMixture(w, m, v).sample(21, n);
  }

  /** A valid path: end points, derivatives consistent with the values, lambda decreasing. */
  @Test
  void isAConsistentGaussianPath() {
    DataSeparation sep = DataSeparation.estimate(eightGaussians(200), DataSeparation.Options.defaults(1));
    KineticOptimalPath ko = KineticOptimalPath.of(sep);
    assertEquals(1, ko.alpha(0), 1e-9);
    assertEquals(0, ko.sigma(0), 1e-9);
    assertEquals(0, ko.alpha(1), 1e-9);
    assertEquals(1, ko.sigma(1), 1e-9);
    double previous = Double.POSITIVE_INFINITY;
    for (int i = 1; i < 400; i++) {
      double t = i / 400.0;
      double h = 1e-6;
      assertEquals((ko.alpha(t + h) - ko.alpha(t - h)) / (2 * h), ko.alphaDot(t), 1e-4 * (1 + Math.abs(ko.alphaDot(t))));
      assertEquals((ko.sigma(t + h) - ko.sigma(t - h)) / (2 * h), ko.sigmaDot(t), 1e-4 * (1 + Math.abs(ko.sigmaDot(t))));
      double lambda = ko.lambda(t);
      assertTrue(lambda < previous, "lambda must decrease at t=" + t);
      previous = lambda;
      assertEquals(t, ko.tOfLambda(lambda), 1e-7);
    }
    assertThrows(IllegalArgumentException.class, () -> KineticOptimalPath.of(sep, 0));
    assertThrows(IllegalArgumentException.class, () -> DataSeparation.estimate(new Batch(3, 2), DataSeparation.Options.defaults(1)));
  }

  /**
   * Usable as a path by samplers: the exact velocity of a Gaussian mixture on the kinetic-optimal
   * path (the library's own Denoiser, VELOCITY kind), integrated from the prior at t = 1 to t = 0,
   * reproduces the mixture's moments within sample-size bounds.
   */
  @Test
  void drivesProbabilityFlowSampling() {
    GaussianMixture gm = new GaussianMixture(new double[] {1, 2}, new double[][] {{-1.5, 0}, {1, 1}},
        new double[][] {{0.1, 0.2}, {0.3, 0.1}});
    DataSeparation sep = DataSeparation.estimate(gm.sample(3, 500), DataSeparation.Options.defaults(2));
    KineticOptimalPath ko = KineticOptimalPath.of(sep);
    var velocity = gm.denoiser(ko, Prediction.VELOCITY);
    int n = 3000;
    Batch x = Noise.standardNormal(8, n, 2);
    Batch out = InterpolantGenerator.ode((xx, t, o) -> velocity.predict(xx, t, o), x, 1, 0, 400,
        InterpolantGenerator.Scheme.HEUN);
    double[] mean = gm.dataMean();
    double[] var = gm.dataVar();
    for (int j = 0; j < 2; j++) {
      double mu = 0;
      for (int i = 0; i < n; i++) {
        mu += out.get(i, j);
      }
      mu /= n;
      double v = 0;
      for (int i = 0; i < n; i++) {
        v += (out.get(i, j) - mu) * (out.get(i, j) - mu);
      }
      v /= n - 1;
      assertEquals(mean[j], mu, 4.5 * Math.sqrt(var[j] / n) + 1e-2, "mean " + j);
      assertEquals(var[j], v, 4.5 * var[j] * Math.sqrt(2.0 / n) + 2e-2, "var " + j);
    }
  }
}
