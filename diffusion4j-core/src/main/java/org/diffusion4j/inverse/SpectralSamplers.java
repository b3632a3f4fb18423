package org.diffusion4j.inverse;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/** The solvers that work in the SVD basis of a linear operator: projection, DDRM and the conditional ODE. */
final class SpectralSamplers {
  private SpectralSamplers() {}

  /**
   * Step i's coefficients: alpha and sigma at t_i and at the next time (1 and 0 after the last
   * step, which returns the clean estimate). Also evaluates the model's x0 prediction at (x, t_i).
   */
  record Step(double t, boolean last, double at, double st, double as, double ss) {
    static Step evaluateX0(Restoration.Problem p, int i, Batch x, Batch x0) {
      double[] ts = p.times();
      GaussianPath path = p.path();
      double t = ts[i];
      p.ev().step(i);
      p.ev().evaluate(x, t, Prediction.X0, x0);
      boolean last = i == ts.length - 1;
      return new Step(t, last, path.alpha(t), path.sigma(t), last ? 1 : path.alpha(ts[i + 1]),
          last ? 0 : path.sigma(ts[i + 1]));
    }
  }

  /** Initial states sigma_T n (the path's prior) per row. */
  static Batch priorNoise(Restoration.Problem p) {
    int d = p.dim();
    Batch x = new Batch(p.n(), d);
    double sd = p.path().priorStd(p.times()[0]);
    for (int r = 0; r < p.n(); r++) {
      p.rows()[r].fillGaussian(x.data(), r * d, d);
    }
    x.scale(sd);
    return x;
  }

  /**
   * The DDPM/DDIM reverse step coefficient c = eta sigma_s sqrt(1 - (alpha_t sigma_s / (alpha_s sigma_t))^2):
   * the standard deviation of q(x_s | x_t, x0) scaled by eta (Song et al. 2021, DDIM, Eq. 16), on any path.
   */
  static double ancestralStd(GaussianPath path, double t, double s, double eta) {
    double r = path.alpha(t) * path.sigma(s) / (path.alpha(s) * path.sigma(t));
    return eta * path.sigma(s) * Math.sqrt(Math.max(0, 1 - r * r));
  }

  static Batch projection(Restoration.Problem p) {
    Spectral sp = new Spectral((LinearOperator) p.meas().operator(), p.meas().y());
    GaussianPath path = p.path();
    double[] ts = p.times();
    double sy = p.meas().sigmaY();
    int d = p.dim();
    Batch x = priorNoise(p);
    Batch x0 = x.zerosLike();
    for (int i = 0; i < ts.length; i++) {
      Step step = Step.evaluateX0(p, i, x, x0);
      double t = step.t();
      boolean last = step.last();
      double at = step.at();
      double st = step.st();
      double as = step.as();
      double ss = step.ss();
      double c = last ? 0 : ancestralStd(path, t, ts[i + 1], p.opt().eta());
      double keep = Math.sqrt(Math.max(0, ss * ss - c * c));
      Parallel.forRows(p.n(), 1, (from, to) -> {
        double[] cx = new double[d];
        double[] row = new double[d];
        for (int r = from; r < to; r++) {
          Rng rng = p.rows()[r];
          int off = r * d;
          for (int j = 0; j < d; j++) {
            double xv = x.data()[off + j];
            double m = x0.data()[off + j];
            double eps = (xv - at * m) / st;
            row[j] = as * m + keep * eps + (c > 0 ? c * rng.nextGaussian() : 0);
          }
          sp.svd.vt(row, 0, cx, 0);
          for (int j = 0; j < d; j++) {
            if (sp.measured[j]) {
              double var = ss * ss - as * as * sy * sy / (sp.s[j] * sp.s[j]);
              double z = last ? 0 : rng.nextGaussian();
              cx[j] = as * sp.ybar[off + j] + (var > 0 ? Math.sqrt(var) * z : 0);
            }
          }
          sp.svd.v(cx, 0, x.data(), off);
        }
      });
    }
    return x;
  }

  static Batch ddrm(Restoration.Problem p) {
    Spectral sp = new Spectral((LinearOperator) p.meas().operator(), p.meas().y());
    GaussianPath path = p.path();
    double[] ts = p.times();
    double sy = p.meas().sigmaY();
    double eta = p.opt().eta();
    double etaB = p.opt().etaB();
    int d = p.dim();
    // x_T: measured coordinates ybar + sqrt(sigma_T^2 - sigma_y^2/s^2) n where s sigma_T > sigma_y,
    // sigma_T n elsewhere (DDRM's p(x_T | y), official initialisation), scaled by alpha_T.
    double sigT = path.sigma(ts[0]) / path.alpha(ts[0]);
    Batch x = new Batch(p.n(), d);
    double a0 = path.alpha(ts[0]);
    for (int r = 0; r < p.n(); r++) {
      double[] c = new double[d];
      Rng rng = p.rows()[r];
      for (int j = 0; j < d; j++) {
        double z = rng.nextGaussian();
        if (sp.measured[j] && sp.s[j] * sigT > sy) {
          c[j] = sp.ybar[r * d + j] + Math.sqrt(sigT * sigT - sy * sy / (sp.s[j] * sp.s[j])) * z;
        } else {
          c[j] = sigT * z;
        }
      }
      sp.svd.v(c, 0, x.data(), r * d);
      for (int j = 0; j < d; j++) {
        x.data()[r * d + j] *= a0;
      }
    }
    Batch x0 = x.zerosLike();
    for (int i = 0; i < ts.length; i++) {
      Step step = Step.evaluateX0(p, i, x, x0);
      double at = step.at();
      double sig = step.st() / at;
      double aNext = step.as();
      double sigNext = step.ss() / aNext;
      double tilde = Math.sqrt(1 - eta * eta) * sigNext;
      Parallel.forRows(p.n(), 1, (from, to) -> {
        double[] c0 = new double[d];
        double[] ce = new double[d];
        double[] epsRow = new double[d];
        for (int r = from; r < to; r++) {
          Rng rng = p.rows()[r];
          int off = r * d;
          for (int j = 0; j < d; j++) {
            epsRow[j] = (x.data()[off + j] / at - x0.data()[off + j]) / sig;
          }
          sp.svd.vt(x0.data(), off, c0, 0);
          sp.svd.vt(epsRow, 0, ce, 0);
          for (int j = 0; j < d; j++) {
            double z = rng.nextGaussian();
            double sj = sp.s[j];
            double next;
            if (sp.measured[j] && sj * sigNext > sy) {
              // Noisier than y: move to the measurement (eta_b), keep the remaining noise level.
              double rest = sigNext * sigNext - sy * sy * etaB * etaB / (sj * sj);
              next = etaB * sp.ybar[off + j] + (1 - etaB) * c0[j] + Math.sqrt(Math.max(0, rest)) * z;
            } else if (sp.measured[j] && sj * sigNext < sy) {
              // Less noisy than y: the residual to the measurement plays the role of the noise.
              next = c0[j] + tilde * (sp.ybar[off + j] - c0[j]) * sj / sy + eta * sigNext * z;
            } else {
              next = c0[j] + tilde * ce[j] + eta * sigNext * z;
            }
            c0[j] = next;
          }
          sp.svd.v(c0, 0, x.data(), off);
          for (int j = 0; j < d; j++) {
            x.data()[off + j] *= aNext;
          }
        }
      });
    }
    return x;
  }

  static Batch ode(Restoration.Problem p) {
    Spectral sp = new Spectral((LinearOperator) p.meas().operator(), p.meas().y());
    GaussianPath path = p.path();
    double[] ts = p.times();
    int d = p.dim();
    Batch x;
    if (p.boundary() != null) {
      x = new Batch(p.n(), d);
      double sd = path.priorStd(ts[0]);
      boolean shared = p.boundary().length == d;
      for (int r = 0; r < p.n(); r++) {
        for (int j = 0; j < d; j++) {
          x.data()[r * d + j] = sd * p.boundary()[shared ? j : r * d + j];
        }
      }
    } else {
      x = priorNoise(p);
    }
    Batch x0 = x.zerosLike();
    for (int i = 0; i < ts.length; i++) {
      Step step = Step.evaluateX0(p, i, x, x0);
      double t = step.t();
      boolean last = step.last();
      double at = step.at();
      double st = step.st();
      double as = step.as();
      double ss = step.ss();
      Parallel.forRows(p.n(), 1, (from, to) -> {
        double[] c0 = new double[d];
        double[] ce = new double[d];
        double[] epsRow = new double[d];
        for (int r = from; r < to; r++) {
          int off = r * d;
          for (int j = 0; j < d; j++) {
            epsRow[j] = (x.data()[off + j] - at * x0.data()[off + j]) / st;
          }
          sp.svd.vt(x0.data(), off, c0, 0);
          sp.svd.vt(epsRow, 0, ce, 0);
          for (int j = 0; j < d; j++) {
            double signal = sp.measured[j] ? sp.ybar[off + j] : c0[j];
            c0[j] = as * signal + ss * ce[j];
          }
          sp.svd.v(c0, 0, x.data(), off);
        }
      });
    }
    return x;
  }
}
