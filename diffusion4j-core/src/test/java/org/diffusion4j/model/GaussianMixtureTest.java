package org.diffusion4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.JsonException;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** The exact mixture model against finite differences, quadrature and sampling bounds. */
class GaussianMixtureTest {
  static final List<GaussianPath> PATHS = List.of(Paths.create("vp-linear", Map.of()), Paths.create("ve", Map.of()),
      Paths.create("cond-ot", Map.of()), Paths.create("edm", Map.of()));

  /** A seeded random mixture of k components in d dimensions. */
  static GaussianMixture random(long seed, int k, int d) {
    Rng r = Rng.of(seed);
    double[] w = new double[k];
    double[][] mu = new double[k][d];
    double[][] v = new double[k][d];
    for (int c = 0; c < k; c++) {
      w[c] = 0.2 + r.nextDouble();
      for (int j = 0; j < d; j++) {
        mu[c][j] = 3 * r.nextGaussian();
        v[c][j] = 0.05 + r.nextDouble();
      }
    }
    return new GaussianMixture(w, mu, v);
  }

  static double time(GaussianPath p, double fraction) {
    return p.tMin() + fraction * (p.tMax() - p.tMin());
  }

  static double logDensity(GaussianMixture gm, GaussianPath p, double t, double[] x) {
    return gm.logDensity(p, t, new Batch(1, x.length, x.clone()))[0];
  }

  @Test
  void scoreIsTheGradientOfLogDensity() {
    for (int d : new int[] {1, 2, 5}) {
      GaussianMixture gm = random(10 + d, 3, d);
      for (GaussianPath p : PATHS) {
        for (double fr : new double[] {0.05, 0.3, 0.7}) {
          double t = time(p, fr);
          double scale = Math.sqrt(p.alpha(t) * p.alpha(t) * 0.05 + p.sigma(t) * p.sigma(t));
          Batch x0 = gm.sample(d, 6);
          Batch x = x0.zerosLike().setLinear(p.alpha(t), x0, p.sigma(t), Noise.standardNormal(d + 1, 6, d));
          Batch score = x.zerosLike();
          gm.posterior(p, t, x, null, score);
          for (int i = 0; i < x.n(); i++) {
            double[] xi = x.row(i);
            for (int j = 0; j < d; j++) {
              double h = 1e-3 * scale;
              double[] e = xi.clone();
              double[] f = new double[4];
              double[] off = {-2, -1, 1, 2};
              for (int q = 0; q < 4; q++) {
                e[j] = xi[j] + off[q] * h;
                f[q] = logDensity(gm, p, t, e);
              }
              double fd = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h);
              double an = score.get(i, j);
              double tol = 1e-6 * Math.max(Math.abs(fd), 1 / scale);
              assertEquals(fd, an, tol, p.name() + " d=" + d + " t=" + t + " row " + i + " coord " + j);
            }
          }
        }
      }
    }
  }

  /** Composite Simpson rule on [a, b] with an even number n of intervals. */
  static double simpson(java.util.function.DoubleUnaryOperator f, double a, double b, int n) {
    double h = (b - a) / n;
    double s = f.applyAsDouble(a) + f.applyAsDouble(b);
    for (int i = 1; i < n; i++) {
      s += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
    }
    return s * h / 3;
  }

  static double normalPdf(double x, double mean, double var) {
    double r = x - mean;
    return Math.exp(-0.5 * r * r / var) / Math.sqrt(2 * Math.PI * var);
  }

  @Test
  void posteriorMeanEqualsQuadratureIn1d() {
    GaussianMixture gm = new GaussianMixture(new double[] {0.2, 0.5, 0.3}, new double[][] {{-2}, {0.5}, {3}},
        new double[][] {{0.3}, {0.1}, {0.6}});
    for (GaussianPath p : PATHS) {
      for (double fr : new double[] {0.02, 0.2, 0.5, 0.9}) {
        double t = time(p, fr);
        double a = p.alpha(t);
        double s2 = p.sigma(t) * p.sigma(t);
        for (double xt : new double[] {-3 * a, -0.4, 0, 0.7 * a, 2.5 * a + 0.3}) {
          java.util.function.DoubleUnaryOperator joint = x0 -> {
            double prior = 0;
            for (int k = 0; k < gm.components(); k++) {
              prior += gm.weight(k) * normalPdf(x0, gm.mean(k)[0], gm.var(k)[0]);
            }
            return prior * normalPdf(xt, a * x0, s2);
          };
          double z = simpson(joint, -12, 12, 8000);
          double m = simpson(x0 -> x0 * joint.applyAsDouble(x0), -12, 12, 8000) / z;
          Batch xb = new Batch(1, 1, new double[] {xt});
          Batch mean = xb.zerosLike();
          gm.posterior(p, t, xb, mean, null);
          assertEquals(m, mean.get(0, 0), 1e-8 * Math.max(1, Math.abs(m)), p.name() + " t=" + t + " x=" + xt);
        }
      }
    }
  }

  @Test
  void densityIntegratesToOneIn1d() {
    GaussianMixture gm = new GaussianMixture(new double[] {0.2, 0.5, 0.3}, new double[][] {{-2}, {0.5}, {3}},
        new double[][] {{0.3}, {0.01}, {0.6}});
    for (GaussianPath p : PATHS) {
      for (double t : new double[] {p.tMin(), time(p, 1e-4), time(p, 0.3), time(p, 0.8)}) {
        double half = 12 * (3 * p.alpha(t) + Math.sqrt(0.6 * p.alpha(t) * p.alpha(t) + p.sigma(t) * p.sigma(t)));
        int n = 50_000;
        double[] xs = new double[n + 1];
        for (int i = 0; i <= n; i++) {
          xs[i] = -half + 2 * half * i / n;
        }
        double[] lp = gm.logDensity(p, t, new Batch(n + 1, 1, xs));
        double sum = 0;
        for (int i = 0; i <= n; i++) {
          sum += (i == 0 || i == n ? 0.5 : 1) * Math.exp(lp[i]);
        }
        assertEquals(1, sum * 2 * half / n, 1e-9, p.name() + " t=" + t);
      }
    }
    double[] data = new double[20001];
    for (int i = 0; i < data.length; i++) {
      data[i] = -10 + 20.0 * i / (data.length - 1);
    }
    double[] lp = gm.logDensityData(new Batch(data.length, 1, data));
    double sum = 0;
    for (int i = 0; i < data.length; i++) {
      sum += (i == 0 || i == data.length - 1 ? 0.5 : 1) * Math.exp(lp[i]);
    }
    assertEquals(1, sum * 20.0 / (data.length - 1), 1e-9, "data density");
  }

  @Test
  void densityIntegratesToOneIn2d() {
    GaussianMixture gm = new GaussianMixture(new double[] {0.4, 0.6}, new double[][] {{-1, 1}, {1.5, -0.5}},
        new double[][] {{0.2, 0.5}, {0.4, 0.05}});
    for (GaussianPath p : PATHS) {
      for (double t : new double[] {time(p, 1e-3), time(p, 0.4)}) {
        double a = p.alpha(t);
        double half = 2 * a + 10 * Math.sqrt(0.5 * a * a + p.sigma(t) * p.sigma(t));
        int n = 600;
        double h = 2 * half / n;
        Batch grid = new Batch((n + 1) * (n + 1), 2);
        for (int i = 0; i <= n; i++) {
          for (int j = 0; j <= n; j++) {
            grid.set(i * (n + 1) + j, 0, -half + i * h);
            grid.set(i * (n + 1) + j, 1, -half + j * h);
          }
        }
        double[] lp = gm.logDensity(p, t, grid);
        double sum = 0;
        for (int i = 0; i <= n; i++) {
          for (int j = 0; j <= n; j++) {
            double wgt = (i == 0 || i == n ? 0.5 : 1) * (j == 0 || j == n ? 0.5 : 1);
            sum += wgt * Math.exp(lp[i * (n + 1) + j]);
          }
        }
        assertEquals(1, sum * h * h, 1e-8, p.name() + " t=" + t);
      }
    }
  }

  @Test
  void stableInHighDimensionNearTheData() {
    int d = 256;
    GaussianMixture gm = random(99, 4, d);
    GaussianPath p = Paths.create("vp-linear", Map.of());
    double t = 1e-4;
    Batch x0 = gm.sample(5, 20);
    Batch x = x0.zerosLike().setLinear(p.alpha(t), x0, p.sigma(t), Noise.standardNormal(6, 20, d));
    // A few far-away points push every logit far below zero.
    for (int j = 0; j < d; j++) {
      x.set(0, j, 100);
      x.set(1, j, -100 + j);
    }
    double[] lp = gm.logDensity(p, t, x);
    Batch mean = x.zerosLike();
    Batch score = x.zerosLike();
    gm.posterior(p, t, x, mean, score);
    for (double v : lp) {
      assertTrue(Double.isFinite(v), "log density " + v);
    }
    assertEquals(-1, mean.firstNonFinite());
    assertEquals(-1, score.firstNonFinite());
    for (Prediction kind : Prediction.values()) {
      Batch out = x.zerosLike();
      gm.denoiser(p, kind).predict(x, t, out);
      assertEquals(-1, out.firstNonFinite(), kind.toString());
    }
    // Near the data the posterior mean of an on-manifold point is close to its x0 (sigma(1e-4) ~ 0.0045).
    for (int i = 2; i < 20; i++) {
      double err = 0;
      for (int j = 0; j < d; j++) {
        err = Math.max(err, Math.abs(mean.get(i, j) - x0.get(i, j)));
      }
      assertTrue(err < 0.05, "row " + i + " posterior mean off by " + err);
    }
  }

  @Test
  void samplesMatchDataMomentsWithinSampleBounds() {
    GaussianMixture gm = new GaussianMixture(new double[] {0.2, 0.5, 0.3}, new double[][] {{-2, 1}, {0.5, 0}, {3, -1}},
        new double[][] {{0.3, 1}, {0.1, 0.2}, {0.6, 0.5}});
    int n = 100_000;
    Batch s = gm.sample(123, n);
    double[] mean = gm.dataMean();
    double[] var = gm.dataVar();
    for (int j = 0; j < 2; j++) {
      // Exact fourth central moment of the mixture: sum_k w_k (delta^4 + 6 delta^2 v_k + 3 v_k^2).
      double m4 = 0;
      for (int k = 0; k < gm.components(); k++) {
        double dl = gm.mean(k)[j] - mean[j];
        double v = gm.var(k)[j];
        m4 += gm.weight(k) * (dl * dl * dl * dl + 6 * dl * dl * v + 3 * v * v);
      }
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += s.get(i, j);
      }
      double mh = sum / n;
      double ss = 0;
      for (int i = 0; i < n; i++) {
        double r = s.get(i, j) - mh;
        ss += r * r;
      }
      double vh = ss / (n - 1);
      // Five standard errors: sd(mean) = sqrt(var/n), sd(var) ~ sqrt((m4 - var^2)/n).
      assertEquals(mean[j], mh, 5 * Math.sqrt(var[j] / n), "mean " + j);
      assertEquals(var[j], vh, 5 * Math.sqrt((m4 - var[j] * var[j]) / n), "var " + j);
    }
  }

  @Test
  void jsonRoundTripsAndErrorsNameTheField() {
    GaussianMixture gm = random(3, 2, 3);
    GaussianMixture back = GaussianMixture.fromJson(gm.toJson());
    assertEquals(gm.components(), back.components());
    for (int k = 0; k < gm.components(); k++) {
      assertEquals(gm.weight(k), back.weight(k), 1e-15);
      assertTrue(java.util.Arrays.equals(gm.mean(k), back.mean(k)));
      assertTrue(java.util.Arrays.equals(gm.var(k), back.var(k)));
    }
    assertJsonError("{\"means\": [[0]], \"vars\": [[1]]}", "weights");
    assertJsonError("{\"weights\": [1, 1], \"means\": [[0, 1], [2]], \"vars\": [[1, 1], [1, 1]]}", "means[1]");
    assertJsonError("{\"weights\": [1], \"means\": [[0, 1]], \"vars\": [[1, -2]]}", "vars[0][1]");
    assertJsonError("{\"weights\": [1, 2], \"means\": [[0]], \"vars\": [[1]]}", "2 weights");
    assertJsonError("{\"weights\": [0], \"means\": [[0]], \"vars\": [[1]]}", "weights[0]");
    assertJsonError("{\"weights\": [1], \"means\": [[0]], \"vars\": [[1]], \"cov\": 1}", "cov");
    assertJsonError("{\"weights\": [1], \"means\": [[\"a\"]], \"vars\": [[1]]}", "means[0][0]");
    assertJsonError("[1, 2]", "JSON object");
  }

  private static void assertJsonError(String json, String needle) {
    JsonException e = assertThrows(JsonException.class, () -> GaussianMixture.fromJson(json));
    assertTrue(e.getMessage().contains(needle), e.getMessage());
    assertTrue(e instanceof IllegalArgumentException);
  }

  @Test
  void dimensionMismatchIsRejected() {
    GaussianMixture gm = random(3, 2, 3);
    String m = assertThrows(IllegalArgumentException.class,
        () -> gm.logDensity(Paths.create("trig", Map.of()), 0.5, new Batch(2, 4))).getMessage();
    assertTrue(m.contains("4") && m.contains("3"), m);
  }
}
