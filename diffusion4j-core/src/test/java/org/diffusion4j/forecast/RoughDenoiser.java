package org.diffusion4j.forecast;

import java.util.function.BiConsumer;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Noise;

/**
 * A deliberately rough denoiser, standing in for an undertrained network: the exact Gaussian
 * denoiser's noise prediction plus a small, fast-varying error c sin(omega R x) (R a fixed random
 * matrix, entries N(0, 1/d)). The error is bounded by c, so unguided sampling stays bounded, but
 * its Jacobian, c omega R cos(.), is large, and x0hat = x0_exact - (sigma/alpha) c sin(omega R x)
 * carries it with the factor sigma/alpha (up to 16 on TSDiff's schedule) into the guidance.
 */
final class RoughDenoiser implements DifferentiableDenoiser {
  private final GaussianPath path;
  private final GaussianWindowDenoiser exact;
  private final double[][] r;
  private final int d;
  private final double c;
  private final double omega;

  RoughDenoiser(GaussianPath path, GaussianWindowDenoiser exact, double c, double omega, long seed) {
    this.c = c;
    this.omega = omega;
    this.path = path;
    this.exact = exact;
    this.d = exact.dim();
    Batch g = Noise.standardNormal(seed, d, d);
    r = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        r[i][j] = g.get(i, j) / Math.sqrt(d);
      }
    }
  }

  @Override
  public int dim() {
    return d;
  }

  @Override
  public Prediction prediction() {
    return Prediction.X0;
  }

  private double[] phase(Batch x, int row) {
    double[] u = new double[d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        u[i] += r[i][j] * x.get(row, j);
      }
      u[i] *= omega;
    }
    return u;
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    exact.predict(x, t, out);
    double k = path.sigma(t) / path.alpha(t);
    for (int row = 0; row < x.n(); row++) {
      double[] u = phase(x, row);
      for (int i = 0; i < d; i++) {
        out.set(row, i, out.get(row, i) - k * c * Math.sin(u[i]));
      }
    }
  }

  @Override
  public void predictWithPullback(Batch x, double t, Batch out, BiConsumer<Batch, Batch> cotangent, Batch grad) {
    predict(x, t, out);
    Batch v = x.zerosLike();
    cotangent.accept(out, v);
    exact.predict(v, t, grad);
    double k = path.sigma(t) / path.alpha(t);
    for (int row = 0; row < x.n(); row++) {
      double[] u = phase(x, row);
      for (int j = 0; j < d; j++) {
        double e = 0;
        for (int i = 0; i < d; i++) {
          e += r[i][j] * Math.cos(u[i]) * v.get(row, i);
        }
        grad.set(row, j, grad.get(row, j) - k * c * omega * e);
      }
    }
  }
}
