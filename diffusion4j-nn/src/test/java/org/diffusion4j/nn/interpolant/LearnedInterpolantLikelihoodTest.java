package org.diffusion4j.nn.interpolant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.DivergenceField;
import org.diffusion4j.interpolant.GaussianInterpolantFields;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.interpolant.SdeInterpolantLikelihood;
import org.diffusion4j.interpolant.SdeKlBound;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

/**
 * The SDE likelihood of a short-trained Gaussian-to-Gaussian interpolant (Albergo et al. 2023):
 * autograd divergences of the learned b and s against finite differences, and, on rows drawn from
 * the exact marginal at tEnd, the Jensen bound below the exact log-density on average
 * (E log rho_hat &lt;= E log rho by Gibbs' inequality), the ODE likelihood close to exact, and the
 * estimated KL(rho || rho_hat) below the paper's KL bound computed from the exact fields.
 */
class LearnedInterpolantLikelihoodTest {
  static final GaussianMixture SOURCE = InterpolantTrainerTest.SOURCE;
  static final GaussianMixture TARGET = InterpolantTrainerTest.TARGET;

  @Test
  void boundOfTrainedModel() {
    InterpolantTrainConfig cfg = InterpolantTrainerTest.gaussianToGaussian(InterpolantTrainConfig.DENOISER);
    Interpolant it = cfg.interpolantObject();
    GaussianInterpolantFields exact = new GaussianInterpolantFields(it, SOURCE, TARGET);
    try (InterpolantTrainer tr = InterpolantTrainerTest.gaussianTrainer(cfg); LearnedInterpolant model = tr.modelAfter()) {
      checkDivergences(model);
      double t0 = 0.02;
      double t1 = 0.98;
      int n = 200;
      Batch x = new Batch(n, 2).setLinear(it.alpha(t1), SOURCE.sample(1, n), it.beta(t1), TARGET.sample(2, n), it.gamma(t1),
          Noise.standardNormal(3, n, 2));
      double[] logRho = exact.logDensity(t1, x);
      DivergenceField b = model.velocityDivergence(0, 0);
      for (double eps : new double[] {0, 0.5, 1.0}) {
        long start = System.nanoTime();
        SdeInterpolantLikelihood.Result r = SdeInterpolantLikelihood.builder(b, xx -> exact.logDensity(t0, xx))
            .score(model.scoreField()).eps(eps).times(t0, t1).steps(200).paths(eps == 0 ? 1 : 16).seed(7).build().evaluate(x);
        double[] diff = new double[n];
        double[] diffMean = new double[n];
        for (int i = 0; i < n; i++) {
          diff[i] = logRho[i] - r.lowerBound()[i];
          diffMean[i] = logRho[i] - r.logMeanWeight()[i];
        }
        double gap = mean(diff);
        double klEstimate = mean(diffMean);
        double se = se(diff);
        String kl = "";
        if (eps > 0) {
          SdeKlBound.Result bound = SdeKlBound.estimate(it, exact.velocityField(), exact.scoreField(), model.velocityField(),
              model.scoreField(), eps, SOURCE.sample(20, 2000), TARGET.sample(21, 2000), t0, t1, 40, 22);
          kl = String.format(" KL bound %.4f +- %.4f (split %.4f)", bound.direct().value(), bound.direct().standardError(),
              bound.split().value());
          // The estimated KL (mean of log rho - log mean weight) must respect the bound, up to 4 standard errors of
          // both estimates and 0.01 nats for the time discretisation (first order, about 2 eps / steps).
          assertTrue(klEstimate <= bound.direct().value() + 4 * (se(diffMean) + bound.direct().standardError()) + 0.01,
              "eps " + eps + ": KL estimate " + klEstimate + " above the bound " + bound.direct());
        }
        System.out.printf("eps %.1f: E log rho %.4f, Jensen bound %.4f (gap %.4f +- %.4f), log mean weight %.4f, mean ESS %.1f/%d%s%n",
            eps, mean(logRho), r.meanLowerBound(), gap, se, r.meanLogMeanWeight(), mean(r.effectiveSampleSize()), r.paths(), kl + String.format(" %.1f s", (System.nanoTime() - start) * 1e-9));
        // Gibbs: E[bound] <= E[log rho_hat] <= E[log rho]; allowance 4 standard errors + 0.01 nats of discretisation.
        assertTrue(gap >= -4 * se - 0.01, "eps " + eps + ": bound above the exact log-density by " + -gap);
        // Quality of the short-trained model (600 steps): within 0.15 nats of the exact log-density.
        assertTrue(gap < 0.15, "eps " + eps + ": gap " + gap);
      }
    }
  }

  /** Autograd divergences of b and s against central differences of the network with step 1e-2 (float32 net). */
  static void checkDivergences(LearnedInterpolant model) {
    Batch x = Noise.standardNormal(9, 16, 2);
    double h = 1e-2;
    for (double t : new double[] {0.2, 0.7}) {
      for (int which = 0; which < 2; which++) {
        DivergenceField f = which == 0 ? model.velocityDivergence(0, 0) : model.scoreDivergence(0, 0);
        Batch value = x.zerosLike();
        double[] div = new double[x.n()];
        f.evaluate(x, t, 0, value, div);
        Batch plain = x.zerosLike();
        (which == 0 ? model.velocityField() : model.scoreField()).evaluate(x, t, plain);
        assertEquals(0, value.maxAbsDistance(plain), 1e-6, "value of the field");
        double[] fd = new double[x.n()];
        for (int j = 0; j < 2; j++) {
          Batch xp = x.copy();
          Batch xm = x.copy();
          for (int i = 0; i < x.n(); i++) {
            xp.set(i, j, x.get(i, j) + h);
            xm.set(i, j, x.get(i, j) - h);
          }
          Batch fp = x.zerosLike();
          Batch fm = x.zerosLike();
          (which == 0 ? model.velocityField() : model.scoreField()).evaluate(xp, t, fp);
          (which == 0 ? model.velocityField() : model.scoreField()).evaluate(xm, t, fm);
          for (int i = 0; i < x.n(); i++) {
            fd[i] += (fp.get(i, j) - fm.get(i, j)) / (2 * h);
          }
        }
        for (int i = 0; i < x.n(); i++) {
          // Float32 differences over 2h = 0.02: rounding ~1e-7 / 0.02 plus O(h^2) truncation; 2% + 1e-3.
          assertEquals(fd[i], div[i], 0.02 * Math.abs(fd[i]) + 1e-3, (which == 0 ? "div b" : "div s") + " t=" + t + " row " + i);
        }
        DivergenceField hut = which == 0 ? model.velocityDivergence(400, 3) : model.scoreDivergence(400, 3);
        double[] hd = new double[x.n()];
        hut.evaluate(x, t, 0, value, hd);
        double err = 0;
        for (int i = 0; i < x.n(); i++) {
          err += Math.abs(hd[i] - div[i]) / x.n();
        }
        double scale = 0;
        for (int i = 0; i < x.n(); i++) {
          scale += Math.abs(div[i]) / x.n();
        }
        // 400 Rademacher probes in d = 2: sd of the estimate = sqrt(2 (J12 + J21)^2 / 4 / 400) ~ 0.05 |J|.
        assertTrue(err < 0.1 * scale + 1e-3, "Hutchinson vs exact: mean abs error " + err + " scale " + scale);
      }
    }
  }

  static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  static double se(double[] a) {
    double m = mean(a);
    double s = 0;
    for (double v : a) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / (a.length - 1) / a.length);
  }
}
