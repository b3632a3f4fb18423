package org.diffusion4j.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

/**
 * SDE samplers reproduce the exact marginal of Gaussian data, N(alpha m, alpha^2 v + sigma^2), at
 * t-end: sample means, variances and covariances over n paths lie within 5 standard errors
 * (mean: sqrt(var/n); variance: var sqrt(2/(n-1)); covariance: sqrt(var_j var_k / n)).
 */
class StochasticSamplerTest {
  private static final int N = 4000;

  private static void assertMatchesMarginal(String what, Batch x, GaussianPath path, double t) {
    double a = path.alpha(t);
    double s = path.sigma(t);
    int d = x.d();
    double[] mean = new double[d];
    double[][] cov = new double[d][d];
    for (int i = 0; i < x.n(); i++) {
      for (int j = 0; j < d; j++) {
        mean[j] += x.get(i, j) / x.n();
      }
    }
    for (int i = 0; i < x.n(); i++) {
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < d; k++) {
          cov[j][k] += (x.get(i, j) - mean[j]) * (x.get(i, k) - mean[k]) / (x.n() - 1);
        }
      }
    }
    StringBuilder bad = new StringBuilder();
    for (int j = 0; j < d; j++) {
      double vj = a * a * GaussianCase.VAR[j] + s * s;
      double mj = a * GaussianCase.MEAN[j];
      if (Math.abs(mean[j] - mj) > 5 * Math.sqrt(vj / x.n())) {
        bad.append(String.format("mean[%d]=%.4f vs %.4f; ", j, mean[j], mj));
      }
      if (Math.abs(cov[j][j] - vj) > 5 * vj * Math.sqrt(2.0 / (x.n() - 1))) {
        bad.append(String.format("var[%d]=%.4f vs %.4f; ", j, cov[j][j], vj));
      }
      for (int k = j + 1; k < d; k++) {
        double vk = a * a * GaussianCase.VAR[k] + s * s;
        if (Math.abs(cov[j][k]) > 5 * Math.sqrt(vj * vk / x.n())) {
          bad.append(String.format("cov[%d][%d]=%.4f vs 0; ", j, k, cov[j][k]));
        }
      }
    }
    assertTrue(bad.length() == 0, what + ": " + bad);
  }

  @Test
  void sdeSamplersMatchTheGaussianMarginal() {
    GaussianCase c = new GaussianCase("vp-linear", 1, 1e-3);
    Batch x = c.start(N, 5);
    String[] names = {"euler-ancestral", "ddpm", "dpm-solver++-2m-sde", "dpm-solver++-3m-sde", "euler-maruyama", "pc",
      "heun"};
    for (String name : names) {
      SamplerOptions o = name.equals("heun") ? SamplerOptions.builder().churn(40, 0.05, 50, 1.003).build()
          : SamplerOptions.defaults();
      Sampler s = Samplers.create(name, o);
      assertTrue(s.stochastic(), name);
      Batch out = Sampling.with(s, GaussianCase.GAUSSIAN.denoiser(c.path, Prediction.EPSILON), c.path)
          .times(c.tStart, c.tEnd).nfe(200).seed(17).run(x).x();
      assertMatchesMarginal(name, out, c.path, c.tEnd);
    }
  }

  @Test
  void langevinCorrectorKeepsTheStationaryGaussianStationary() {
    GaussianCase c = new GaussianCase("ve", 1, 1e-3);
    double t = 0.3;
    Batch x = c.start(N, 9);
    // start from the exact marginal at t (not tStart)
    Batch z = Noise.standardNormal(9, N, 3);
    double a = c.path.alpha(t);
    double s = c.path.sigma(t);
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < 3; j++) {
        x.set(i, j, a * GaussianCase.MEAN[j] + Math.sqrt(a * a * GaussianCase.VAR[j] + s * s) * z.get(i, j));
      }
    }
    ModelEvaluator ev = new ModelEvaluator(GaussianCase.GAUSSIAN.denoiser(c.path, Prediction.SCORE), c.path);
    Batch score = x.zerosLike();
    Batch noise = x.zerosLike();
    for (int k = 0; k < 200; k++) {
      ev.evaluate(x, t, Prediction.SCORE, score);
      BaseSampler.gaussian(123, k, noise);
      PredictorCorrector.langevin(x, score, noise, 0.05);
    }
    assertMatchesMarginal("200 Langevin steps, snr 0.05", x, c.path, t);
  }

  @Test
  void stochasticSamplersDoNotDependOnThreadCount() throws Exception {
    GaussianCase c = new GaussianCase("vp-linear", 1, 1e-3);
    Batch x = c.start(300, 3);
    for (String name : new String[] {"euler-ancestral", "dpm-solver++-3m-sde", "pc", "euler-maruyama"}) {
      Sampler s = Samplers.create(name);
      java.util.concurrent.Callable<double[]> job = () -> Sampling.with(s,
          GaussianCase.GAUSSIAN.denoiser(c.path, Prediction.EPSILON), c.path).times(1, 1e-3).nfe(20).seed(4).run(x)
          .x().data();
      double[] one = new ForkJoinPool(1).submit(job).get();
      double[] four = new ForkJoinPool(4).submit(job).get();
      assertArrayEquals(one, four, 0.0, name);
    }
  }
}
