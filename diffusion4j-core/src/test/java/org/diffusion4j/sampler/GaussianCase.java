package org.diffusion4j.sampler;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;

/**
 * Single-Gaussian data N(m, diag v): the probability-flow ODE maps x_t to
 * x_s = alpha_s m + sqrt(alpha_s^2 v + sigma_s^2) / sqrt(alpha_t^2 v + sigma_t^2) (x_t - alpha_t m)
 * per coordinate (the ODE is linear and transports the Gaussian marginals onto each other).
 */
final class GaussianCase {
  static final double[] MEAN = {0.5, -1.0, 2.0};
  static final double[] VAR = {0.3, 1.5, 0.05};
  static final GaussianMixture GAUSSIAN = GaussianMixture.gaussian(MEAN, VAR);

  final String pathName;
  final GaussianPath path;
  final double tStart;
  final double tEnd;

  GaussianCase(String pathName, double tStart, double tEnd) {
    this.pathName = pathName;
    this.path = Paths.create(pathName, Map.of());
    this.tStart = tStart;
    this.tEnd = tEnd;
  }

  /** The paths of the matrix with start/end times strictly inside (finite lambda). */
  static GaussianCase[] all() {
    return new GaussianCase[] {
      new GaussianCase("vp-linear", 1, 1e-3),
      new GaussianCase("vp-cosine", 0.99, 1e-3),
      new GaussianCase("ve", 1, 1e-3),
      new GaussianCase("edm", 80, 0.002),
      new GaussianCase("cond-ot", 0.99, 1e-3),
      new GaussianCase("sub-vp", 1, 1e-2),
      new GaussianCase("trig", 0.99, 1e-3),
      new GaussianCase("discrete", 1, 1e-2),
    };
  }

  /** Noise at tStart: rows drawn from the exact marginal p_tStart. */
  Batch start(int n, long seed) {
    Batch z = Noise.standardNormal(seed, n, MEAN.length);
    double a = path.alpha(tStart);
    double s = path.sigma(tStart);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < MEAN.length; j++) {
        z.set(i, j, a * MEAN[j] + Math.sqrt(a * a * VAR[j] + s * s) * z.get(i, j));
      }
    }
    return z;
  }

  /** The exact probability-flow ODE solution at {@code s} from x at {@code t}. */
  static Batch exact(GaussianPath path, Batch x, double t, double s) {
    Batch out = x.zerosLike();
    double at = path.alpha(t);
    double st = path.sigma(t);
    double as = path.alpha(s);
    double ss = path.sigma(s);
    for (int i = 0; i < x.n(); i++) {
      for (int j = 0; j < x.d(); j++) {
        double k = Math.sqrt(as * as * VAR[j] + ss * ss) / Math.sqrt(at * at * VAR[j] + st * st);
        out.set(i, j, as * MEAN[j] + k * (x.get(i, j) - at * MEAN[j]));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return pathName;
  }
}
