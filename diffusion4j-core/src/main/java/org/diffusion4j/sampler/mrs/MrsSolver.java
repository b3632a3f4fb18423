package org.diffusion4j.sampler.mrs;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/**
 * MRS: exact-integrator ODE and SDE solvers for mean-reverting diffusion (Li et al. 2024,
 * "MRS: A Fast Sampler for Mean Reverting Diffusion based on ODE and SDE Solvers").
 *
 * <p>In the centred state y = x - mu the reverse dynamics are semi-linear in the half log-SNR
 * lambda = log(alpha / sigma); the linear part is integrated exactly and the model term by a
 * Taylor expansion in lambda of order {@code order} (MRS Eq. 14-15 for the PF-ODE, Eq. 11-12
 * for the reverse SDE), with h = lambda_t - lambda_s &gt; 0 and the derivative of the prediction
 * estimated by a backward difference over the previous step (multistep, one NFE per step):
 * <pre>
 *   ODE, noise: y_t = (a_t/a_s) y_s - s_t (e^h - 1) eps - s_t (e^h - 1 - h) eps'
 *   ODE, data : y_t = (s_t/s_s) y_s + a_t (1 - e^-h) x0 + a_t (h - 1 + e^-h) x0'
 *   SDE, noise: y_t = (a_t/a_s) y_s - 2 s_t (e^h - 1) eps - 2 s_t (e^h - 1 - h) eps' + s_t sqrt(e^2h - 1) z
 *   SDE, data : y_t = (s_t/s_s) e^-h y_s + a_t (1 - e^-2h) x0 + a_t (h - (1 - e^-2h)/2) x0'
 *               + s_t sqrt(1 - e^-2h) z
 * </pre>
 * where x0 here is the centred data prediction x0_theta - mu. With mu = 0 these are DPM-Solver
 * (noise) and DPM-Solver++ (data) in their multistep Taylor form, and the SDE variants of
 * DPM-Solver++ (Lu et al. 2022, "DPM-Solver++", Sec. 5 and Appendix).
 *
 * @param prediction EPSILON (noise prediction) or X0 (data prediction)
 * @param order 1 or 2
 * @param stochastic false for the probability-flow ODE, true for the reverse SDE
 */
public record MrsSolver(Prediction prediction, int order, boolean stochastic) {
  public MrsSolver {
    if (prediction != Prediction.EPSILON && prediction != Prediction.X0) {
      throw new IllegalArgumentException("MRS uses noise (eps) or data (x0) prediction, got " + prediction);
    }
    if (order != 1 && order != 2) {
      throw new IllegalArgumentException("MRS order must be 1 or 2, got " + order);
    }
  }

  /** Name such as {@code mrs-ode-x0-2}. */
  public String name() {
    return "mrs-" + (stochastic ? "sde" : "ode") + "-" + prediction.cliName() + "-" + order;
  }

  /**
   * Integrates from {@code xT} at {@code times[0]} to {@code times[last]} through the decreasing
   * {@code times}; one model evaluation per step. {@code seed} drives the SDE noise: step i, row r
   * draws from {@code Rng.of(seed).stream(i, r)}. {@code model} must predict eps or x0.
   *
   * @throws IllegalStateException if the model returns a non-finite value (names step and time)
   */
  public Batch sample(Denoiser model, MeanRevertingPath path, Batch xT, double[] times, long seed) {
    Prediction kind = model.prediction();
    if (kind != Prediction.EPSILON && kind != Prediction.X0) {
      throw new IllegalArgumentException("MRS needs a model predicting eps or x0, got " + kind.cliName());
    }
    if (xT.d() != path.dim() || model.dim() != path.dim()) {
      throw new IllegalArgumentException("dimension mismatch: state " + xT.d() + ", model " + model.dim()
          + ", mu " + path.dim());
    }
    checkTimes(path.base(), times);
    GaussianPath base = path.base();
    Rng rng = Rng.of(seed);
    Batch y = xT.zerosLike();
    path.center(xT, y);
    Batch x = xT.copy();
    Batch raw = xT.zerosLike();
    Batch pred = xT.zerosLike();
    Batch prevPred = xT.zerosLike();
    Batch deriv = xT.zerosLike();
    Batch z = xT.zerosLike();
    double hPrev = Double.NaN;
    for (int i = 0; i + 1 < times.length; i++) {
      double s = times[i];
      double t = times[i + 1];
      double as = base.alpha(s);
      double ss = base.sigma(s);
      double at = base.alpha(t);
      double st = base.sigma(t);
      path.uncenter(y, x);
      model.predict(x, s, raw);
      int bad = raw.firstNonFinite();
      if (bad >= 0) {
        throw new IllegalStateException("model returned " + raw.data()[bad] + " at step " + i + ", t=" + s
            + " (row " + bad / raw.d() + ")");
      }
      toCentred(path, kind, y, raw, as, ss, pred);
      double h = base.lambda(t) - base.lambda(s);
      boolean second = order == 2 && i > 0;
      if (second) {
        deriv.setLinear(1 / hPrev, pred, -1 / hPrev, prevPred);
      }
      double em1 = Math.expm1(h);
      if (prediction == Prediction.EPSILON) {
        double c0 = stochastic ? 2 : 1;
        y.setLinear(at / as, y, -c0 * st * em1, pred);
        if (second) {
          y.addScaled(-c0 * st * (em1 - h), deriv);
        }
      } else if (!stochastic) {
        double oneMinus = -Math.expm1(-h);
        y.setLinear(st / ss, y, at * oneMinus, pred);
        if (second) {
          y.addScaled(at * (h - oneMinus), deriv);
        }
      } else {
        double oneMinus2 = -Math.expm1(-2 * h);
        y.setLinear(st / ss * Math.exp(-h), y, at * oneMinus2, pred);
        if (second) {
          y.addScaled(at * (h - 0.5 * oneMinus2), deriv);
        }
      }
      if (stochastic) {
        double noise = prediction == Prediction.EPSILON ? st * Math.sqrt(Math.expm1(2 * h))
            : st * Math.sqrt(-Math.expm1(-2 * h));
        fillNoise(rng.stream(i), z);
        y.addScaled(noise, z);
      }
      prevPred.setFrom(pred);
      hPrev = h;
    }
    path.uncenter(y, x);
    return x;
  }

  /** Converts the raw model output to this solver's centred prediction (eps, or x0 - mu). */
  private void toCentred(MeanRevertingPath path, Prediction kind, Batch y, Batch raw, double a, double s,
      Batch out) {
    if (kind == Prediction.X0) {
      path.center(raw, out);
      if (prediction == Prediction.EPSILON) {
        out.setLinear(1 / s, y, -a / s, out);
      }
    } else {
      out.setFrom(raw);
      if (prediction == Prediction.X0) {
        out.setLinear(1 / a, y, -s / a, out);
      }
    }
  }

  /** Row r of {@code z} from {@code stepRng.stream(r)}: independent of thread count. */
  static void fillNoise(Rng stepRng, Batch z) {
    int d = z.d();
    for (int r = 0; r < z.n(); r++) {
      stepRng.stream(r).fillGaussian(z.data(), r * d, d);
    }
  }

  static void checkTimes(GaussianPath base, double[] times) {
    if (times.length < 2) {
      throw new IllegalArgumentException("need at least two time points, got " + times.length);
    }
    for (int i = 0; i < times.length; i++) {
      base.checkTime(times[i]);
      if (!Double.isFinite(base.lambda(times[i]))) {
        throw new IllegalArgumentException("time " + times[i] + " has infinite log-SNR on " + base.name()
            + "; stop sampling at a time > " + base.tMin());
      }
      if (i > 0 && !(times[i] < times[i - 1])) {
        throw new IllegalArgumentException("times must decrease, but times[" + i + "] = " + times[i]
            + " >= times[" + (i - 1) + "] = " + times[i - 1]);
      }
    }
  }

  /**
   * {@code steps + 1} times from {@code tStart} to {@code tEnd} uniform in lambda (the log-SNR
   * grid of DPM-Solver, Lu et al. 2022, Sec. 3.3).
   */
  public static double[] logSnrTimes(GaussianPath base, double tStart, double tEnd, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    double l0 = base.lambda(tStart);
    double l1 = base.lambda(tEnd);
    double[] ts = new double[steps + 1];
    ts[0] = tStart;
    ts[steps] = tEnd;
    for (int i = 1; i < steps; i++) {
      ts[i] = base.tOfLambda(l0 + (l1 - l0) * i / steps);
    }
    return ts;
  }
}
