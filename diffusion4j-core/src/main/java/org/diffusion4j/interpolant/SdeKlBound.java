package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Noise;

/**
 * The bound on KL(rho1 || rho_hat1) of the generative SDE dX = b_hat_F dt + sqrt(2 eps) dW,
 * b_hat_F = b_hat + eps s_hat, started from the exact rho0 (Albergo, Boffi &amp; Vanden-Eijnden
 * 2023, "Stochastic Interpolants", likelihood control of the SDE model):
 * <pre>
 *   KL(rho1 || rho_hat1) &lt;= (1 / (4 eps)) int_0^1 E |b_hat_F - b_F|^2(t, x_t) dt            (direct)
 *                        &lt;= (1 / (2 eps)) int_0^1 E |b_hat - b|^2 dt + (eps / 2) int_0^1 E |s_hat - s|^2 dt  (split)
 * </pre>
 * with x_t the interpolant. Derivation (done here): rho and rho_hat solve Fokker-Planck equations
 * with the same diffusion eps and drifts b_F, b_hat_F, so with f = log(rho / rho_hat)
 * d/dt KL = int (b_F - b_hat_F) . grad f rho - eps int |grad f|^2 rho &lt;= int |b_F - b_hat_F|^2 rho / (4 eps)
 * (Young's inequality a.v - eps |v|^2 &lt;= |a|^2 / (4 eps)), and KL = 0 at t = 0; the split
 * uses |u + v|^2 &lt;= 2|u|^2 + 2|v|^2. Since the quadratic losses exceed their minima by half the
 * mean squared field errors (L_b[b_hat] - L_b[b] = (1/2) int E |b_hat - b|^2 for
 * L_b = int E[|b_hat|^2 / 2 - (d_t I + gamma' z) . b_hat], likewise for L_s), the split bound is
 * (1 / eps)(L_b[b_hat] - min L_b) + eps (L_s[s_hat] - min L_s): the form in which the paper states
 * that the two losses control the likelihood. The minima are unknown for real data, so the bound is
 * computable only when the exact fields are (e.g. {@link GaussianInterpolantFields}).
 *
 * <p>Monte Carlo: the time integral by the midpoint rule on {@code times} nodes of [tStart, tEnd]
 * (the bound then holds for KL at tEnd given the exact density at tStart), the expectation over
 * x_t = alpha x0 + beta x1 + gamma z from the given (x0, x1) rows (the coupling) and z from
 * {@code Noise.standardNormal(seed + k, ...)} at node k. Each row's time integral is an independent
 * sample, so standard errors are sd / sqrt(rows).
 */
public final class SdeKlBound {
  private SdeKlBound() {}

  /** A Monte Carlo estimate and its standard error. */
  public record Estimate(double value, double standardError) {}

  /**
   * @param direct (1 / (4 eps)) int E|b_hat_F - b_F|^2
   * @param velocity (1 / (2 eps)) int E|b_hat - b|^2
   * @param score (eps / 2) int E|s_hat - s|^2
   * @param split velocity + score, the looser bound in terms of the two losses
   */
  public record Result(double eps, Estimate direct, Estimate velocity, Estimate score, Estimate split) {}

  /**
   * Estimates the bound for the model (bHat, sHat) against the exact fields (b, s) of
   * {@code interpolant} at constant eps &gt; 0.
   *
   * @param x0 rows of rho0 (ignored values for the mirror interpolant, alpha = 0)
   * @param x1 rows of rho1, paired with x0 by the coupling (row i with row i)
   */
  public static Result estimate(Interpolant interpolant, VectorField b, VectorField s, VectorField bHat,
      VectorField sHat, double eps, Batch x0, Batch x1, double tStart, double tEnd, int times, long seed) {
    if (!(eps > 0) || !Double.isFinite(eps)) {
      throw new IllegalArgumentException("the KL bound needs a finite eps > 0, got " + eps);
    }
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1, got " + times);
    }
    Interpolant.checkTime(tStart);
    Interpolant.checkTime(tEnd);
    if (!(tStart < tEnd)) {
      throw new IllegalArgumentException("tStart = " + tStart + " must be below tEnd = " + tEnd);
    }
    x0.requireSameShape(x1);
    int n = x1.n();
    int d = x1.d();
    double[] db = new double[n];
    double[] ds = new double[n];
    double[] dbf = new double[n];
    Batch xt = x1.zerosLike();
    Batch[] f = {x1.zerosLike(), x1.zerosLike(), x1.zerosLike(), x1.zerosLike()};
    double dt = (tEnd - tStart) / times;
    for (int k = 0; k < times; k++) {
      double t = tStart + (k + 0.5) * dt;
      interpolant.sample(t, x0, x1, Noise.standardNormal(seed + k, n, d), xt, null);
      b.evaluate(xt, t, f[0]);
      bHat.evaluate(xt, t, f[1]);
      s.evaluate(xt, t, f[2]);
      sHat.evaluate(xt, t, f[3]);
      for (int i = 0; i < n; i++) {
        double qb = 0;
        double qs = 0;
        double qf = 0;
        for (int j = i * d; j < (i + 1) * d; j++) {
          double eb = f[1].data()[j] - f[0].data()[j];
          double es = f[3].data()[j] - f[2].data()[j];
          double ef = eb + eps * es;
          qb += eb * eb;
          qs += es * es;
          qf += ef * ef;
        }
        if (!Double.isFinite(qb) || !Double.isFinite(qs)) {
          throw new IllegalStateException("field error is non-finite at t=" + t + ", row " + i);
        }
        db[i] += dt * qb;
        ds[i] += dt * qs;
        dbf[i] += dt * qf;
      }
    }
    double[] split = new double[n];
    for (int i = 0; i < n; i++) {
      dbf[i] /= 4 * eps;
      db[i] /= 2 * eps;
      ds[i] *= eps / 2;
      split[i] = db[i] + ds[i];
    }
    return new Result(eps, of(dbf), of(db), of(ds), of(split));
  }

  private static Estimate of(double[] a) {
    int n = a.length;
    double m = 0;
    for (double v : a) {
      m += v;
    }
    m /= n;
    double ss = 0;
    for (double v : a) {
      ss += (v - m) * (v - m);
    }
    return new Estimate(m, n < 2 ? 0 : Math.sqrt(ss / (n - 1) / n));
  }
}
