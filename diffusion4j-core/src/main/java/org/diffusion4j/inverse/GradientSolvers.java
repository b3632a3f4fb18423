package org.diffusion4j.inverse;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.forecast.DifferentiableDenoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/** The solvers that only need A(x) and its adjoint Jacobian product: DPS and RED-Diff. */
final class GradientSolvers {
  private GradientSolvers() {}

  /** Coefficients (kx, kp) with x0hat = kx x + kp p for a prediction p of {@code kind} at time t. */
  static double[] x0Coefficients(GaussianPath path, double t, Prediction kind) {
    Batch one = new Batch(1, 1, new double[] {1});
    Batch zero = new Batch(1, 1, new double[] {0});
    Batch out = new Batch(1, 1);
    Predictions.convert(path, t, one, kind, zero, Prediction.X0, out);
    double kx = out.data()[0];
    Predictions.convert(path, t, zero, kind, one, Prediction.X0, out);
    return new double[] {kx, out.data()[0]};
  }

  /** The start of RED-Diff's mean: A^+ y for a linear operator, y where A keeps the shape, else 0. */
  static Batch initialMean(Measurement m) {
    ForwardOperator op = m.operator();
    if (op instanceof LinearOperator lin) {
      return lin.pseudoInverse(m.y());
    }
    if (op.outputDim() == op.inputDim()) {
      return m.y().copy();
    }
    return new Batch(m.n(), op.inputDim());
  }

  static Batch dps(Restoration.Problem p) {
    DifferentiableDenoiser model = (DifferentiableDenoiser) p.ev().model();
    GaussianPath path = p.path();
    ForwardOperator op = p.meas().operator();
    Batch y = p.meas().y();
    double[] ts = p.times();
    double zeta = p.opt().dpsScale();
    int d = p.dim();
    int m = op.outputDim();
    Batch x = SpectralSamplers.priorNoise(p);
    Batch pred = x.zerosLike();
    Batch pull = x.zerosLike();
    Batch x0 = x.zerosLike();
    Batch g0 = x.zerosLike();
    for (int i = 0; i < ts.length; i++) {
      double t = ts[i];
      p.ev().step(i);
      double[] k = x0Coefficients(path, t, model.prediction());
      long start = System.nanoTime();
      // Gradient of ||y - A(x0hat)|| per row, pulled back through x0hat = kx x + kp p(x).
      model.predictWithPullback(x, t, pred, (out, v) -> {
        x0.setLinear(k[0], x, k[1], out);
        Batch ax = op.apply(x0);
        Batch r = ax.copy();
        r.addScaled(-1, y);
        for (int row = 0; row < r.n(); row++) {
          double s = 0;
          for (int j = 0; j < m; j++) {
            double e = r.data()[row * m + j];
            s += e * e;
          }
          double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
          for (int j = 0; j < m; j++) {
            r.data()[row * m + j] *= inv;
          }
        }
        g0.setFrom(op.vjp(x0, r));
        v.setScaled(k[1], g0);
      }, pull);
      p.countPullback(System.nanoTime() - start);
      boolean last = i == ts.length - 1;
      double at = path.alpha(t);
      double st = path.sigma(t);
      double as = last ? 1 : path.alpha(ts[i + 1]);
      double ss = last ? 0 : path.sigma(ts[i + 1]);
      double c = last ? 0 : SpectralSamplers.ancestralStd(path, t, ts[i + 1], p.opt().eta());
      double keep = Math.sqrt(Math.max(0, ss * ss - c * c));
      Parallel.forRows(p.n(), 1, (from, to) -> {
        for (int r = from; r < to; r++) {
          Rng rng = p.rows()[r];
          // A float32 network's backward pass can (rarely) return a non-finite gradient; that row then
          // takes the unguided step rather than turning into NaN.
          boolean finite = true;
          for (int j = r * d; j < (r + 1) * d && finite; j++) {
            finite = Double.isFinite(pull.data()[j]) && Double.isFinite(g0.data()[j]);
          }
          double scale = finite ? zeta : 0;
          for (int j = r * d; j < (r + 1) * d; j++) {
            double grad = finite ? k[0] * g0.data()[j] + pull.data()[j] : 0;
            double m0 = x0.data()[j];
            double eps = (x.data()[j] - at * m0) / st;
            x.data()[j] = as * m0 + keep * eps + (c > 0 ? c * rng.nextGaussian() : 0) - scale * grad;
          }
        }
      });
    }
    return x;
  }

  static Batch redDiff(Restoration.Problem p) {
    GaussianPath path = p.path();
    ForwardOperator op = p.meas().operator();
    Batch y = p.meas().y();
    double[] ts = p.times();
    RestorationOptions o = p.opt();
    int d = p.dim();
    int m = op.outputDim();
    Batch mu = initialMean(p.meas());
    double[] adamM = new double[mu.size()];
    double[] adamV = new double[mu.size()];
    final double beta1 = 0.9;
    final double beta2 = 0.99;
    final double adamEps = 1e-8;
    Batch noise = mu.zerosLike();
    Batch xt = mu.zerosLike();
    Batch epsHat = mu.zerosLike();
    for (int i = 0; i < ts.length; i++) {
      double t = ts[i];
      p.ev().step(i);
      double at = path.alpha(t);
      double st = path.sigma(t);
      for (int r = 0; r < p.n(); r++) {
        p.rows()[r].fillGaussian(noise.data(), r * d, d);
      }
      xt.setLinear(at, mu, st, noise);
      p.ev().evaluate(xt, t, Prediction.EPSILON, epsHat);
      // d/dmu of obs_weight ||y - A(mu)||^2 / (2m) + lambda (sigma/alpha) (eps_hat - eps)^T mu / n (eps_hat detached).
      Batch res = op.apply(mu);
      res.addScaled(-1, y);
      Batch gObs = op.vjp(mu, res);
      double wt = o.redDiffLambda() * st / at;
      int step = i + 1;
      double bc1 = 1 - Math.pow(beta1, step);
      double bc2 = 1 - Math.pow(beta2, step);
      double[] mus = mu.data();
      Parallel.forRows(p.n(), 1, (from, to) -> {
        for (int j = from * d; j < to * d; j++) {
          double g = wt * (epsHat.data()[j] - noise.data()[j]) / d + o.redDiffObsWeight() * gObs.data()[j] / m;
          adamM[j] = beta1 * adamM[j] + (1 - beta1) * g;
          adamV[j] = beta2 * adamV[j] + (1 - beta2) * g * g;
          mus[j] -= o.redDiffLr() * (adamM[j] / bc1) / (Math.sqrt(adamV[j] / bc2) + adamEps);
        }
      });
    }
    return mu;
  }
}
