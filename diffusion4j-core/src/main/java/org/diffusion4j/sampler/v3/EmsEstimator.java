package org.diffusion4j.sampler.v3;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;

/**
 * Computes {@link Ems} from a model on pilot trajectories (Zheng et al. 2023, Sec. 3.2 and
 * Appendix C): pilot noises from {@code pilotSeed} are integrated along the probability-flow ODE
 * by a fine second-order multistep exponential integrator (DPM-Solver++ 2M, Taylor form) on a
 * log-SNR grid {@code refine} times finer than the EMS grid, and at each EMS grid point
 * <pre>
 *   l_lambda = sigma E[diag grad_x eps]                     (Eq. 7: minimises E||grad_x N||_F^2)
 *   s_lambda = Cov(f', f) / Var(f),  b_lambda = E f' - s E f  (Eq. 9: least squares of f' on f)
 *   (s clipped to [-S_MAX, S_MAX] where f is nearly constant and the ratio is noise)
 * </pre>
 * per coordinate, where f = (sigma eps - l x) / alpha and f' is its total derivative along the
 * trajectory. diag grad_x eps is Hutchinson's diagonal estimator E_v[v (eps(x + dv) - eps(x - dv)) / 2d]
 * with Rademacher v (one stream per pilot and grid point); f' is a central difference over
 * the fine grid. The statistics depend only on the model and the pilot noise, never on data or
 * evaluation noise. Two passes over the trajectories (the first for l, the second for s and b)
 * keep memory at a few batches.
 *
 * @param pilots number of pilot trajectories
 * @param gridPoints number of EMS grid points in lambda (at least 2)
 * @param refine fine solver steps per EMS grid cell (at least 2)
 * @param probes Rademacher probes per pilot and grid point for l
 * @param pilotSeed seed of the pilot noise and probes
 * @param tStart first time (noise end)
 * @param tEnd last time (data end)
 */
public record EmsEstimator(int pilots, int gridPoints, int refine, int probes, long pilotSeed, double tStart,
    double tEnd) {
  /** Bound on |s| (see {@link #compute}); the classic forms have s in {-1, 0}. */
  public static final double S_MAX = 3;

  public EmsEstimator {
    if (pilots < 2 || gridPoints < 2 || refine < 2 || probes < 1) {
      throw new IllegalArgumentException("EMS needs pilots >= 2, grid points >= 2, refine >= 2, probes >= 1; got "
          + pilots + ", " + gridPoints + ", " + refine + ", " + probes);
    }
    if (!(tStart > tEnd)) {
      throw new IllegalArgumentException("EMS time range needs t-start > t-end, got " + tStart + ", " + tEnd);
    }
  }

  /** Computes the statistics; {@code progress} (may be null) sees one unit per fine step of each pass. */
  public Ems compute(Denoiser model, GaussianPath path, ProgressListener progress) {
    path.checkTime(tStart);
    path.checkTime(tEnd);
    Denoiser eps = Predictions.as(model, path, Prediction.EPSILON);
    int d = model.dim();
    int cells = gridPoints - 1;
    int fine = cells * refine;
    double l0 = path.lambda(tStart);
    double l1 = path.lambda(tEnd);
    if (!Double.isFinite(l0) || !Double.isFinite(l1)) {
      throw new IllegalArgumentException("EMS time range must have finite log-SNR, got lambda " + l0 + ", " + l1);
    }
    double[] lambdas = new double[gridPoints];
    for (int k = 0; k < gridPoints; k++) {
      lambdas[k] = l0 + (l1 - l0) * k / cells;
    }
    double[] fineLam = new double[fine + 1];
    double[] fineT = new double[fine + 1];
    for (int i = 0; i <= fine; i++) {
      fineLam[i] = l0 + (l1 - l0) * i / fine;
      fineT[i] = i == 0 ? tStart : i == fine ? tEnd : path.tOfLambda(fineLam[i]);
    }
    double[][] l = new double[gridPoints][d];
    double[][] s = new double[gridPoints][d];
    double[][] b = new double[gridPoints][d];
    Batch xT = Noise.standardNormal(pilotSeed, pilots, d);
    xT.scale(path.priorStd(tStart));
    Rng probeRng = Rng.of(pilotSeed).stream(Long.MAX_VALUE / 3);
    int total = 2 * fine + 2;
    int[] done = {0};

    // Pass 1: l at the EMS grid points.
    trajectory(eps, path, xT, fineT, fineLam, (i, x, e) -> {
      if (i % refine == 0) {
        diagJacobian(eps, x, fineT[i], probeRng.stream(i), l[i / refine]);
        double sg = path.sigma(fineT[i]);
        for (int j = 0; j < d; j++) {
          l[i / refine][j] *= sg;
        }
      }
      report(progress, ++done[0], total, "EMS pass 1 (l)");
    });
    Ems lOnly = new Ems(lambdas, l, s, b);

    // Pass 2: f along the trajectory, f' by central differences, regression at grid points.
    Batch[] window = new Batch[3];
    double[] lv = new double[d];
    trajectory(eps, path, xT, fineT, fineLam, (i, x, e) -> {
      lOnly.l(fineLam[i], lv);
      Batch f = x.zerosLike();
      double a = path.alpha(fineT[i]);
      double sg = path.sigma(fineT[i]);
      for (int q = 0; q < f.size(); q++) {
        f.data()[q] = (sg * e.data()[q] - lv[q % d] * x.data()[q]) / a;
      }
      window[0] = window[1];
      window[1] = window[2];
      window[2] = f;
      // Grid point k sits at fine index k*refine; regress once its right neighbour is known.
      if (i >= 1 && (i - 1) % refine == 0) {
        int k = (i - 1) / refine;
        Batch deriv = x.zerosLike();
        if (k == 0) {
          deriv.setLinear(1 / (fineLam[1] - fineLam[0]), window[2], -1 / (fineLam[1] - fineLam[0]), window[1]);
        } else {
          double h2 = fineLam[i] - fineLam[i - 2];
          deriv.setLinear(1 / h2, window[2], -1 / h2, window[0]);
        }
        regress(window[1], deriv, s[k], b[k]);
      }
      if (i == fine) {
        Batch deriv = x.zerosLike();
        double h1 = fineLam[fine] - fineLam[fine - 1];
        deriv.setLinear(1 / h1, window[2], -1 / h1, window[1]);
        regress(window[2], deriv, s[cells], b[cells]);
      }
      report(progress, ++done[0], total, "EMS pass 2 (s, b)");
    });
    return new Ems(lambdas, l, s, b);
  }

  private static void report(ProgressListener p, int done, int total, String status) {
    if (p != null) {
      p.onProgress(done, total, status);
    }
  }

  @FunctionalInterface
  private interface Visit {
    void at(int i, Batch x, Batch eps);
  }

  /** DPM-Solver++ 2M (Taylor form) through the fine grid, visiting (x_i, eps_i) at every point. */
  private static void trajectory(Denoiser eps, GaussianPath path, Batch xT, double[] ts, double[] lams, Visit visit) {
    Batch x = xT.copy();
    Batch e = x.zerosLike();
    Batch x0 = x.zerosLike();
    Batch prev = x.zerosLike();
    double hPrev = 0;
    for (int i = 0; i < ts.length; i++) {
      eps.predict(x, ts[i], e);
      int bad = e.firstNonFinite();
      if (bad >= 0) {
        throw new IllegalStateException("model returned " + e.data()[bad] + " at pilot step " + i + ", t=" + ts[i]);
      }
      visit.at(i, x, e);
      if (i + 1 == ts.length) {
        break;
      }
      double as = path.alpha(ts[i]);
      double ss = path.sigma(ts[i]);
      double at = path.alpha(ts[i + 1]);
      double st = path.sigma(ts[i + 1]);
      x0.setLinear(1 / as, x, -ss / as, e);
      double h = lams[i + 1] - lams[i];
      double oneMinus = -Math.expm1(-h);
      Batch next = x.zerosLike();
      next.setLinear(st / ss, x, at * oneMinus, x0);
      if (i > 0) {
        double c = at * (h - oneMinus) / hPrev;
        next.addScaled(c, x0);
        next.addScaled(-c, prev);
      }
      prev.setFrom(x0);
      hPrev = h;
      x = next;
    }
  }

  /** Hutchinson diagonal of grad_x eps at (x, t), averaged over rows and probes, into {@code out}. */
  private void diagJacobian(Denoiser eps, Batch x, double t, Rng rng, double[] out) {
    int n = x.n();
    int d = x.d();
    java.util.Arrays.fill(out, 0);
    Batch v = x.zerosLike();
    Batch plus = x.zerosLike();
    Batch minus = x.zerosLike();
    Batch ep = x.zerosLike();
    Batch em = x.zerosLike();
    double scale = 0;
    for (double a : x.data()) {
      scale += a * a;
    }
    double delta = 1e-4 * Math.max(1e-3, Math.sqrt(scale / x.size()));
    for (int p = 0; p < probes; p++) {
      Rng pr = rng.stream(p);
      for (int r = 0; r < n; r++) {
        Rng rr = pr.stream(r);
        for (int j = 0; j < d; j++) {
          v.data()[r * d + j] = rr.nextRademacher();
        }
      }
      plus.setLinear(1, x, delta, v);
      minus.setLinear(1, x, -delta, v);
      eps.predict(plus, t, ep);
      eps.predict(minus, t, em);
      for (int q = 0; q < x.size(); q++) {
        out[q % d] += v.data()[q] * (ep.data()[q] - em.data()[q]) / (2 * delta);
      }
    }
    for (int j = 0; j < d; j++) {
      out[j] /= (double) n * probes;
    }
  }

  /** Per coordinate least squares deriv ~ s f + b over the rows. */
  private static void regress(Batch f, Batch deriv, double[] s, double[] b) {
    int n = f.n();
    int d = f.d();
    for (int j = 0; j < d; j++) {
      double mf = 0;
      double md = 0;
      for (int r = 0; r < n; r++) {
        mf += f.get(r, j);
        md += deriv.get(r, j);
      }
      mf /= n;
      md /= n;
      double vf = 0;
      double cov = 0;
      for (int r = 0; r < n; r++) {
        double df = f.get(r, j) - mf;
        vf += df * df;
        cov += df * (deriv.get(r, j) - md);
      }
      // A (numerically) constant f carries no information on s: its spread is then rounding and
      // finite-difference noise, and cov/var would be noise over noise. Below a relative spread of
      // 1e-6 keep s = 0 and fit b alone; above it a small ridge keeps s finite.
      double scale2 = mf * mf + vf / n;
      double sj = vf / n > 1e-12 * scale2 && scale2 > 0 ? cov / (vf + 1e-9 * n * scale2) : 0;
      // Where l already removes f's dependence on x (f nearly constant across pilots, as at high
      // noise or for Gaussian data), cov/var is noise over noise and can reach hundreds, which
      // makes e^S ill-conditioned; s is clipped to [-S_MAX, S_MAX] and b absorbs the mean.
      sj = Math.max(-S_MAX, Math.min(S_MAX, sj));
      s[j] = sj;
      b[j] = md - sj * mf;
    }
  }
}
