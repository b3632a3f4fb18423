package org.diffusion4j.interpolant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

class GaussianInterpolantFieldsTest {
  static final GaussianMixture RHO0 = new GaussianMixture(new double[] {0.3, 0.7},
      new double[][] {{-1, 0.5}, {1.5, -0.5}}, new double[][] {{0.5, 0.3}, {0.2, 0.8}});
  static final GaussianMixture RHO1 = new GaussianMixture(new double[] {0.5, 0.25, 0.25},
      new double[][] {{2, 2}, {-2, 1}, {0, -3}}, new double[][] {{0.1, 0.2}, {0.3, 0.1}, {0.2, 0.2}});
  static final GaussianMixture STD = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});

  static List<GaussianInterpolantFields> allFields() {
    return List.of(
        new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(2)), RHO0, RHO1),
        new GaussianInterpolantFields(Interpolant.linear(Gamma.zero()), RHO0, RHO1),
        new GaussianInterpolantFields(Interpolant.trigonometric(Gamma.sqrtBridge(0.5)), RHO0, RHO1),
        new GaussianInterpolantFields(Interpolant.encoderDecoder(), RHO0, RHO1),
        new GaussianInterpolantFields(Interpolant.oneSidedLinear(), STD, RHO1),
        new GaussianInterpolantFields(Interpolant.oneSidedTrigonometric(), STD, RHO1),
        new GaussianInterpolantFields(Interpolant.mirror(Gamma.sqrtBridge(1)), RHO1, RHO1));
  }

  /**
   * The exact b must satisfy the transport equation d_t rho + div(b rho) = 0 (paper Eq. 2.9),
   * i.e. d_t log rho + div b + b . grad log rho = 0, and s must be grad log rho: both checked by
   * central differences of the exact log-density at random points and times.
   */
  @Test
  void velocitySolvesTransportEquationAndScoreIsGradLogDensity() {
    double h = 1e-4;
    Batch pts = Noise.standardNormal(11, 6, 2).scale(1.5);
    for (GaussianInterpolantFields f : allFields()) {
      for (double t : new double[] {0.15, 0.4, 0.63, 0.9}) {
        Batch b = pts.zerosLike();
        Batch s = pts.zerosLike();
        Batch eta = pts.zerosLike();
        f.velocity(pts, t, b);
        f.score(pts, t, s);
        f.noise(pts, t, eta);
        double[] lp = f.logDensity(t, pts);
        double[] dtLog = diff(f.logDensity(t + h, pts), f.logDensity(t - h, pts), 2 * h);
        for (int i = 0; i < pts.n(); i++) {
          double div = 0;
          double advect = 0;
          for (int j = 0; j < 2; j++) {
            Batch xp = rowShift(pts, i, j, h);
            Batch xm = rowShift(pts, i, j, -h);
            Batch bp = xp.zerosLike();
            Batch bm = xm.zerosLike();
            f.velocity(xp, t, bp);
            f.velocity(xm, t, bm);
            div += (bp.get(0, j) - bm.get(0, j)) / (2 * h);
            double grad = (f.logDensity(t, xp)[0] - f.logDensity(t, xm)[0]) / (2 * h);
            assertEquals(grad, s.get(i, j), 1e-5 * Math.max(1, Math.abs(grad)),
                f.interpolant().name() + " score t=" + t);
            advect += b.get(i, j) * s.get(i, j);
            assertEquals(-f.interpolant().gamma(t) * s.get(i, j), eta.get(i, j), 1e-12 * (1 + Math.abs(eta.get(i, j))));
          }
          double residual = dtLog[i] + div + advect;
          assertTrue(Math.abs(residual) < 1e-4 * (1 + Math.abs(dtLog[i])),
              f.interpolant().name() + " t=" + t + " transport residual " + residual + " logp " + lp[i]);
        }
      }
    }
  }

  /**
   * Gaussian to Gaussian: b(t, .) is affine, and equals the least-squares regression of the
   * target alpha' x0 + beta' x1 + gamma' z on x_t (Thm. 2.6: b is a conditional expectation);
   * likewise E[z | x_t]. Regression coefficients from 200k samples must match the closed form
   * within 5 standard errors.
   */
  @Test
  void gaussianClosedFormsMatchMonteCarloRegression() {
    GaussianMixture g0 = GaussianMixture.gaussian(new double[] {-1}, new double[] {0.5});
    GaussianMixture g1 = GaussianMixture.gaussian(new double[] {2}, new double[] {2.0});
    int n = 200_000;
    Batch x0 = Noise.standardNormal(1, n, 1).scale(Math.sqrt(0.5));
    Batch x1 = Noise.standardNormal(2, n, 1).scale(Math.sqrt(2.0));
    Batch z = Noise.standardNormal(3, n, 1);
    for (int i = 0; i < n; i++) {
      x0.data()[i] -= 1;
      x1.data()[i] += 2;
    }
    for (Interpolant it : List.of(Interpolant.linear(Gamma.sqrtBridge(2)), Interpolant.trigonometric(Gamma.zero()),
        Interpolant.encoderDecoder())) {
      GaussianInterpolantFields f = new GaussianInterpolantFields(it, g0, g1);
      for (double t : new double[] {0.3, 0.7}) {
        Batch xt = x0.zerosLike();
        Batch target = x0.zerosLike();
        it.sample(t, x0, x1, z, xt, target);
        double[] fit = regress(xt.data(), target.data());
        Batch probe = new Batch(2, 1, new double[] {0, 1});
        Batch out = probe.zerosLike();
        f.velocity(probe, t, out);
        assertEquals(out.get(0, 0), fit[0], 5 * fit[2], it.name() + " intercept t=" + t);
        assertEquals(out.get(1, 0) - out.get(0, 0), fit[1], 5 * fit[3], it.name() + " slope t=" + t);
        if (it.gamma(t) > 0) {
          double[] fz = regress(xt.data(), z.data());
          f.noise(probe, t, out);
          assertEquals(out.get(0, 0), fz[0], 5 * fz[2], it.name() + " eta intercept t=" + t);
          assertEquals(out.get(1, 0) - out.get(0, 0), fz[1], 5 * fz[3], it.name() + " eta slope t=" + t);
        }
      }
    }
  }

  @Test
  void marginalMomentsMatchEndpoints() {
    GaussianInterpolantFields f = allFields().get(0);
    assertEquals(RHO0.dataMean()[0], f.mean(0)[0], 1e-12);
    assertEquals(RHO1.dataMean()[1], f.mean(1)[1], 1e-12);
    assertEquals(RHO0.dataVar()[1], f.variance(0)[1], 1e-12);
    assertEquals(RHO1.dataVar()[0], f.variance(1)[0], 1e-12);
  }

  /** OLS of y on x: {intercept, slope, se(intercept), se(slope)}. */
  static double[] regress(double[] x, double[] y) {
    int n = x.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      sxx += (x[i] - mx) * (x[i] - mx);
      sxy += (x[i] - mx) * (y[i] - my);
    }
    double slope = sxy / sxx;
    double intercept = my - slope * mx;
    double rss = 0;
    for (int i = 0; i < n; i++) {
      double r = y[i] - intercept - slope * x[i];
      rss += r * r;
    }
    double s2 = rss / (n - 2);
    double seSlope = Math.sqrt(s2 / sxx);
    double seIntercept = Math.sqrt(s2 * (1.0 / n + mx * mx / sxx));
    return new double[] {intercept, slope, seIntercept, seSlope};
  }

  static double[] diff(double[] a, double[] b, double h) {
    double[] o = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      o[i] = (a[i] - b[i]) / h;
    }
    return o;
  }

  static Batch rowShift(Batch x, int row, int col, double h) {
    Batch r = new Batch(1, x.d(), x.row(row));
    r.data()[col] += h;
    return r;
  }
}
