package org.diffusion4j.pde;

import java.util.function.Function;
import org.diffusion4j.array.SmallMatrices;
import org.diffusion4j.metrics.SymmetricEigen;
import org.diffusion4j.random.Rng;

/**
 * Gaussian (Laplace) posterior of theta under the prior N(0, priorStd^2 I) and the likelihood
 * y ~ N(G(theta), noiseStd^2 I) for a forward map G: the maximum a posteriori point by
 * Levenberg-Marquardt damped Gauss-Newton, with covariance (J^T J / noiseStd^2 + I / priorStd^2)^-1
 * at it (the Gauss-Newton Hessian; Bishop, "Pattern Recognition and Machine Learning", 2006,
 * Sec. 4.4 and 5.7.1). The Jacobian J is taken by central differences (step {@code 1e-5} times
 * max(1, |theta_k|)), so G may be any black box: a trained surrogate or a reference solver. For a
 * linear G the result is the exact Gaussian posterior (Bishop Eq. 3.53-3.54).
 *
 * @param mean MAP point
 * @param covariance posterior covariance
 * @param iterations Gauss-Newton iterations taken
 */
public record LaplacePosterior(double[] mean, double[][] covariance, int iterations) {

  /**
   * Fits the posterior from the start theta = 0.
   *
   * @throws IllegalArgumentException if the standard deviations are not positive, y is empty or G
   *     returns a vector of another length
   */
  public static LaplacePosterior fit(Function<double[], double[]> forward, int dimension, double[] y, double noiseStd,
      double priorStd, int maxIterations) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    if (y.length < 1) {
      throw new IllegalArgumentException("need at least one observation, got none");
    }
    if (!(noiseStd > 0) || !Double.isFinite(noiseStd) || !(priorStd > 0) || !Double.isFinite(priorStd)) {
      throw new IllegalArgumentException("noise and prior standard deviations must be positive and finite, got "
          + noiseStd + ", " + priorStd);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
    }
    double[] theta = new double[dimension];
    double objective = objective(forward, theta, y, noiseStd, priorStd);
    double damping = 1e-3;
    int iteration = 0;
    while (iteration < maxIterations) {
      iteration++;
      double[] g = checkedForward(forward, theta, y.length);
      double[][] jac = jacobian(forward, theta, g.length);
      double[][] hessian = gaussNewtonHessian(jac, noiseStd, priorStd);
      double[] gradient = new double[dimension];
      for (int k = 0; k < dimension; k++) {
        double s = theta[k] / (priorStd * priorStd);
        for (int i = 0; i < g.length; i++) {
          s += jac[i][k] * (g[i] - y[i]) / (noiseStd * noiseStd);
        }
        gradient[k] = s;
      }
      boolean improved = false;
      double[] next = theta;
      double nextObjective = objective;
      for (int attempt = 0; attempt < 30 && !improved; attempt++) {
        double[][] damped = new double[dimension][dimension];
        for (int k = 0; k < dimension; k++) {
          damped[k] = hessian[k].clone();
          damped[k][k] += damping * hessian[k][k];
        }
        double[] step = SmallMatrices.solve(damped, gradient);
        next = new double[dimension];
        for (int k = 0; k < dimension; k++) {
          next[k] = theta[k] - step[k];
        }
        nextObjective = objective(forward, next, y, noiseStd, priorStd);
        if (nextObjective <= objective) {
          improved = true;
          damping = Math.max(damping / 10, 1e-12);
        } else {
          damping *= 10;
        }
      }
      if (!improved) {
        break;
      }
      double decrease = objective - nextObjective;
      theta = next;
      objective = nextObjective;
      if (decrease <= 1e-12 * Math.max(1, objective)) {
        break;
      }
    }
    double[][] covariance = SmallMatrices.invert(gaussNewtonHessian(jacobian(forward, theta, y.length), noiseStd, priorStd));
    return new LaplacePosterior(theta, covariance, iteration);
  }

  /** count draws theta = mean + Sigma^{1/2} eps, eps ~ N(0, I), one per row. */
  public double[][] sample(Rng rng, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("sample count must be >= 1, got " + count);
    }
    double[][] root = SymmetricEigen.sqrtPsd(covariance);
    int d = mean.length;
    double[][] out = new double[count][d];
    double[] eps = new double[d];
    for (int s = 0; s < count; s++) {
      rng.fillGaussian(eps, 0, d);
      for (int k = 0; k < d; k++) {
        double v = mean[k];
        for (int l = 0; l < d; l++) {
          v += root[k][l] * eps[l];
        }
        out[s][k] = v;
      }
    }
    return out;
  }

  private static double[] checkedForward(Function<double[], double[]> forward, double[] theta, int expected) {
    double[] g = forward.apply(theta);
    if (g.length != expected) {
      throw new IllegalArgumentException("forward map returned " + g.length + " values for " + expected + " observations");
    }
    return g;
  }

  private static double objective(Function<double[], double[]> forward, double[] theta, double[] y, double noiseStd,
      double priorStd) {
    double[] g = checkedForward(forward, theta, y.length);
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      double r = (g[i] - y[i]) / noiseStd;
      s += 0.5 * r * r;
    }
    for (double v : theta) {
      s += 0.5 * v * v / (priorStd * priorStd);
    }
    return s;
  }

  private static double[][] jacobian(Function<double[], double[]> forward, double[] theta, int outputs) {
    double[][] jac = new double[outputs][theta.length];
    for (int k = 0; k < theta.length; k++) {
      double h = 1e-5 * Math.max(1, Math.abs(theta[k]));
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[k] += h;
      minus[k] -= h;
      double[] gp = checkedForward(forward, plus, outputs);
      double[] gm = checkedForward(forward, minus, outputs);
      for (int i = 0; i < outputs; i++) {
        jac[i][k] = (gp[i] - gm[i]) / (2 * h);
      }
    }
    return jac;
  }

  private static double[][] gaussNewtonHessian(double[][] jac, double noiseStd, double priorStd) {
    int d = jac[0].length;
    double[][] h = new double[d][d];
    for (int k = 0; k < d; k++) {
      for (int l = 0; l <= k; l++) {
        double s = 0;
        for (double[] row : jac) {
          s += row[k] * row[l];
        }
        h[k][l] = s / (noiseStd * noiseStd);
        h[l][k] = h[k][l];
      }
      h[k][k] += 1 / (priorStd * priorStd);
    }
    return h;
  }
}
