package org.diffusion4j.forecast;

import java.util.function.BiConsumer;
import org.diffusion4j.array.Batch;
import org.diffusion4j.metrics.SymmetricEigen;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * The exact denoiser of a zero-mean Gaussian N(0, S) over a window: E[x0 | x_t = x] =
 * alpha S (alpha^2 S + sigma^2 I)^{-1} x = V diag(alpha l / (alpha^2 l + sigma^2)) V^T x. Its
 * Jacobian is that symmetric matrix, so the pullback of v is the same product with v.
 */
final class GaussianWindowDenoiser implements DifferentiableDenoiser {
  private final GaussianPath path;
  private final SymmetricEigen eig;
  private final int d;

  GaussianWindowDenoiser(GaussianPath path, double[][] covariance) {
    this.path = path;
    this.eig = SymmetricEigen.of(covariance);
    this.d = covariance.length;
  }

  /** Covariance of a stationary AR(1) with coefficient phi and unit marginal variance: phi^|i-j|. */
  static double[][] ar1Covariance(int d, double phi) {
    double[][] s = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        s[i][j] = Math.pow(phi, Math.abs(i - j));
      }
    }
    return s;
  }

  @Override
  public int dim() {
    return d;
  }

  @Override
  public Prediction prediction() {
    return Prediction.X0;
  }

  private void apply(Batch x, double t, Batch out) {
    double a = path.alpha(t);
    double s = path.sigma(t);
    double[] gain = new double[d];
    for (int k = 0; k < d; k++) {
      double l = eig.values()[k];
      gain[k] = a * l / (a * a * l + s * s);
    }
    double[][] v = eig.vectors();
    double[] coord = new double[d];
    for (int r = 0; r < x.n(); r++) {
      for (int k = 0; k < d; k++) {
        double c = 0;
        for (int i = 0; i < d; i++) {
          c += v[i][k] * x.get(r, i);
        }
        coord[k] = gain[k] * c;
      }
      for (int i = 0; i < d; i++) {
        double o = 0;
        for (int k = 0; k < d; k++) {
          o += v[i][k] * coord[k];
        }
        out.set(r, i, o);
      }
    }
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    apply(x, t, out);
  }

  @Override
  public void predictWithPullback(Batch x, double t, Batch out, BiConsumer<Batch, Batch> cotangent, Batch grad) {
    apply(x, t, out);
    Batch v = x.zerosLike();
    cotangent.accept(out, v);
    apply(v, t, grad);
  }
}
