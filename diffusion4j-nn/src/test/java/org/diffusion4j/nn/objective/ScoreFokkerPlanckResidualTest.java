package org.diffusion4j.nn.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.TimeEmbedding;
import org.diffusion4j.nn.net.TimeMlp;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScoreFokkerPlanckResidualTest {

  /** The residual and the size of its largest term, from double finite differences of a score model. */
  record Fd(double[] r, double scale) {}

  /**
   * r(t, x) of {@code score} (a SCORE-kind denoiser) by central differences in double: J and
   * d_t s with step 1e-5, the mixed second derivatives of grad(div s) with step 1e-3.
   */
  static Fd finiteDifferenceResidual(Denoiser score, GaussianPath path, double t, double[] x) {
    int d = x.length;
    double[] s = eval(score, t, x);
    double h = 1e-5;
    double[][] jac = new double[d][d];
    for (int j = 0; j < d; j++) {
      double[] p = eval(score, t, shift(x, j, h));
      double[] m = eval(score, t, shift(x, j, -h));
      for (int k = 0; k < d; k++) {
        jac[k][j] = (p[k] - m[k]) / (2 * h);
      }
    }
    double[] sp = eval(score, t + h, x);
    double[] sm = eval(score, t - h, x);
    double[] dts = new double[d];
    for (int k = 0; k < d; k++) {
      dts[k] = (sp[k] - sm[k]) / (2 * h);
    }
    double h2 = 1e-3;
    double[] gradDiv = new double[d];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < d; i++) {
        double[] pp = eval(score, t, shift(shift(x, i, h2), j, h2));
        double[] pm = eval(score, t, shift(shift(x, i, h2), j, -h2));
        double[] mp = eval(score, t, shift(shift(x, i, -h2), j, h2));
        double[] mm = eval(score, t, shift(shift(x, i, -h2), j, -h2));
        gradDiv[j] += (pp[i] - pm[i] - mp[i] + mm[i]) / (4 * h2 * h2);
      }
    }
    double f = path.drift(t);
    double g2 = path.diffusionSquared(t);
    double[] r = ScoreFokkerPlanckResidual.residual(f, g2, x, s, dts, jac, gradDiv);
    double scale = 0;
    for (int j = 0; j < d; j++) {
      double jtx = 0;
      double jts = 0;
      for (int k = 0; k < d; k++) {
        jtx += jac[k][j] * x[k];
        jts += jac[k][j] * s[k];
      }
      scale = Math.max(scale, Math.max(Math.abs(dts[j]), Math.abs(f * (s[j] + jtx))));
      scale = Math.max(scale, Math.max(Math.abs(0.5 * g2 * gradDiv[j]), Math.abs(g2 * jts)));
    }
    return new Fd(r, scale);
  }

  static double[] eval(Denoiser m, double t, double[] x) {
    Batch b = new Batch(1, x.length, x.clone());
    Batch out = new Batch(1, x.length);
    m.predict(b, t, out);
    return out.row(0);
  }

  static double[] shift(double[] x, int j, double h) {
    double[] y = x.clone();
    y[j] += h;
    return y;
  }

  static double maxAbs(double[] v) {
    double m = 0;
    for (double a : v) {
      m = Math.max(m, Math.abs(a));
    }
    return m;
  }

  /** A score model multiplied by a constant: not the score of any marginal family of the SDE. */
  record Scaled(Denoiser base, double factor) implements Denoiser {
    public int dim() {
      return base.dim();
    }

    public Prediction prediction() {
      return Prediction.SCORE;
    }

    public void predict(Batch x, double t, Batch out) {
      base.predict(x, t, out);
      out.scale(factor);
    }
  }

  /**
   * Network-free check through the core path: the exact score of Gaussian data N(mu, s^2 I) and
   * of a two-component mixture (core GaussianMixture, posterior score) satisfies the score
   * Fokker-Planck equation (r ~ 0 up to finite-difference error, 1e-5 of the largest term),
   * while 1.2 times the score does not (r at least 5% of the largest term).
   */
  @ParameterizedTest
  @ValueSource(strings = {"vp-linear", "cond-ot", "ve", "vp-cosine"})
  void exactScoresHaveZeroResidualAndWrongOnesDoNot(String pathName) {
    GaussianPath path = Paths.create(pathName, java.util.Map.of());
    GaussianMixture gauss = GaussianMixture.gaussian(new double[] {0.7, -0.4}, new double[] {0.5, 0.5});
    GaussianMixture mix = new GaussianMixture(new double[] {0.3, 0.7}, new double[][] {{-1, 0.5}, {1, -0.2}},
        new double[][] {{0.3, 0.2}, {0.25, 0.4}});
    double[][] points = {{0.3, -0.2}, {-1.1, 0.8}, {0.9, 0.4}};
    double lo = path.tMin();
    double span = path.tMax() - lo;
    for (GaussianMixture data : new GaussianMixture[] {gauss, mix}) {
      Denoiser score = data.denoiser(path, Prediction.SCORE);
      for (double frac : new double[] {0.2, 0.5, 0.8}) {
        double t = lo + frac * span;
        for (double[] x0 : points) {
          // points on the scale of x_t at this time
          double[] x = {x0[0] * Math.hypot(path.alpha(t), path.sigma(t)), x0[1] * Math.hypot(path.alpha(t), path.sigma(t))};
          Fd exact = finiteDifferenceResidual(score, path, t, x);
          assertTrue(maxAbs(exact.r()) <= 1e-5 * exact.scale(), pathName + " t=" + t + ": exact score residual "
              + maxAbs(exact.r()) + " vs term scale " + exact.scale());
          Fd wrong = finiteDifferenceResidual(new Scaled(score, 1.2), path, t, x);
          assertTrue(maxAbs(wrong.r()) >= 0.05 * wrong.scale(), pathName + " t=" + t + ": wrong score residual "
              + maxAbs(wrong.r()) + " vs term scale " + wrong.scale());
        }
      }
    }
  }

  /** The TimeMlp evaluated in double (weights from a float init) as a core Denoiser of the objective's kind. */
  record PlainNet(TrainConfig cfg, org.diffusion4j.nn.net.TimeMlpJetTest.Plain plain) implements Denoiser {
    public int dim() {
      return cfg.network().dim();
    }

    public Prediction prediction() {
      return cfg.objective().prediction();
    }

    public void predict(Batch x, double t, Batch out) {
      Parameterisation p = Parameterisation.of(cfg.objective(), cfg.gaussianPath(), cfg.sigmaData(), t);
      for (int i = 0; i < x.n(); i++) {
        double[] u = x.row(i);
        for (int j = 0; j < u.length; j++) {
          u[j] *= p.cIn();
        }
        double[] f = plain.f(u, p.cNoise(), 0);
        for (int j = 0; j < u.length; j++) {
          out.set(i, j, p.cSkip() * x.get(i, j) + p.cOut() * f[j]);
        }
      }
    }
  }

  /**
   * The DJL residual (jets + coefficient algebra + score conversion) against the double
   * finite-difference residual of the same network run in plain double arithmetic and converted
   * to a score by the core {@link Predictions}: agreement to 1e-4 of the largest term.
   */
  @ParameterizedTest
  @EnumSource(value = Objective.class, names = {"EPS", "FLOW", "EDM", "V"})
  void networkResidualMatchesFiniteDifferences(Objective objective) {
    MlpConfig net = new MlpConfig(2, 16, 2, 8, TimeEmbedding.FOURIER, 1.0, 0, 5);
    String pathName = objective == Objective.FLOW ? "cond-ot" : "vp-linear";
    TrainConfig cfg = TrainConfig.builder(2).network(net).objective(objective).path(pathName).sigmaData(0.8).build();
    TimeMlp mlp = new TimeMlp(net);
    float[][] w = mlp.initialValues();
    for (float[] a : w) {
      for (int j = 0; j < a.length; j++) {
        a[j] *= 2;
      }
    }
    GaussianPath path = cfg.gaussianPath();
    Denoiser score = Predictions.as(new PlainNet(cfg, new org.diffusion4j.nn.net.TimeMlpJetTest.Plain(mlp, w)), path,
        Prediction.SCORE);
    int n = 4;
    double[] t = new double[n];
    float[] xs = new float[n * 2];
    float[] us = new float[n * 2];
    float[] cs = new float[n];
    Rng r = Rng.of(3);
    ScoreFokkerPlanckResidual fp = ScoreFokkerPlanckResidual.of(cfg);
    for (int i = 0; i < n; i++) {
      t[i] = path.tMin() + (0.15 + 0.7 * i / (n - 1.0)) * (path.tMax() - path.tMin());
      Parameterisation p = Parameterisation.of(objective, path, cfg.sigmaData(), t[i]);
      cs[i] = (float) p.cNoise();
      for (int j = 0; j < 2; j++) {
        xs[i * 2 + j] = (float) r.nextGaussian();
        us[i * 2 + j] = (float) (p.cIn() * xs[i * 2 + j]);
      }
    }
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet params = ParamSet.of(m, mlp.specs(), w, false);
      ScoreFokkerPlanckResidual.Result res = fp.evaluate(params, m.create(xs, new Shape(n, 2)),
          m.create(us, new Shape(n, 2)), m.create(cs, new Shape(n, 1)), fp.coefficients(t), null);
      float[] got = res.residual().toFloatArray();
      float[] gotW = res.weighted().toFloatArray();
      float[] gotS = res.score().toFloatArray();
      for (int i = 0; i < n; i++) {
        double[] x = {xs[i * 2], xs[i * 2 + 1]};
        Fd fd = finiteDifferenceResidual(score, path, t[i], x);
        double[] s = eval(score, t[i], x);
        double wt = fp.weight(t[i]);
        for (int j = 0; j < 2; j++) {
          assertEquals(s[j], gotS[i * 2 + j], 1e-4 * (1 + maxAbs(s)), "score, row " + i);
          assertEquals(fd.r()[j], got[i * 2 + j], 1e-4 * fd.scale(), objective + " residual, row " + i + " t=" + t[i]
              + " (term scale " + fd.scale() + ")");
          assertEquals(wt * got[i * 2 + j], gotW[i * 2 + j], 1e-5 * Math.abs(wt * fd.scale()), "weighted");
        }
      }
    }
  }

  /**
   * A tiny run on Gaussian data N(mu, s^2 I) (eps objective, VP path, same seeds): with
   * fpWeight 1 the measured penalty E|w r|^2/d on fresh x_t is lower than with fpWeight 0.
   */
  @Test
  void penaltyDecreasesWhenTrainedWithIt() {
    GaussianMixture g = GaussianMixture.gaussian(new double[] {0.5, -0.5}, new double[] {0.3, 0.3});
    Dataset data = Dataset.of("gauss", g.sample(1, 2048));
    MlpConfig net = new MlpConfig(2, 32, 1, 16, TimeEmbedding.FOURIER, 1.0, 0, 2);
    TrainConfig base = TrainConfig.builder(2).network(net).objective(Objective.EPS).path("vp-linear").steps(200)
        .batch(128).lr(3e-3).warmupSteps(10).seed(4).build();
    Batch held = g.sample(99, 2000);
    double[] penalty = new double[2];
    double[] weights = {0, 1};
    for (int k = 0; k < 2; k++) {
      TrainConfig cfg = base.toBuilder().fpWeight(weights[k]).build();
      try (Trainer tr = Trainer.create(cfg, data)) {
        while (tr.stepsDone() < cfg.steps()) {
          tr.trainStep();
        }
        assertEquals(0, tr.skippedSteps());
        penalty[k] = ScoreFokkerPlanckResidual.meanPenalty(cfg, tr.weights(), held, 7);
      }
    }
    assertTrue(penalty[1] < 0.7 * penalty[0], "penalty without " + penalty[0] + ", with fp " + penalty[1]);
  }

  /** Training with the Hutchinson variant (1 probe) runs, reports a finite penalty and skips no step. */
  @Test
  void hutchinsonPenaltyTrains() {
    GaussianMixture g = GaussianMixture.gaussian(new double[] {0.5, -0.5}, new double[] {0.3, 0.3});
    Dataset data = Dataset.of("gauss", g.sample(1, 512));
    MlpConfig net = new MlpConfig(2, 16, 1, 8, TimeEmbedding.FOURIER, 1.0, 0, 2);
    TrainConfig cfg = TrainConfig.builder(2).network(net).objective(Objective.EPS).path("vp-linear").steps(20)
        .batch(64).seed(4).fpWeight(1).fpProbes(1).build();
    try (Trainer tr = Trainer.create(cfg, data)) {
      while (tr.stepsDone() < cfg.steps()) {
        tr.trainStep();
      }
      assertEquals(0, tr.skippedSteps());
      assertTrue(Double.isFinite(tr.lastFpPenalty()) && tr.lastFpPenalty() > 0, "penalty " + tr.lastFpPenalty());
      assertTrue(Double.isFinite(ScoreFokkerPlanckResidual.meanPenalty(cfg, tr.weights(), g.sample(2, 200), 3)));
    }
  }

  /** fpWeight round-trips through the config JSON; configs written without it read as 0 and differ from fp runs. */
  @Test
  void configJsonCarriesFpWeight() {
    TrainConfig a = TrainConfig.builder(2).fpWeight(0.25).fpProbes(2).build();
    TrainConfig back = TrainConfig.fromJson(a.toJson());
    assertEquals(0.25, back.fpWeight());
    assertEquals(2, back.fpProbes());
    assertEquals(a, back);
    TrainConfig zero = TrainConfig.builder(2).build();
    // Configs written before the penalty existed have neither field: they read as 0.
    String old = zero.toJson().replace(", \"fpWeight\": 0", "").replace(", \"fpProbes\": 0", "");
    assertTrue(!old.contains("fpWeight") && !old.contains("fpProbes"), old);
    assertEquals(zero, TrainConfig.fromJson(old));
    assertEquals(0.0, TrainConfig.fromJson(zero.toJson()).fpWeight());
    assertEquals(2, zero.differences(a).size(), zero.differences(a).toString());
    assertEquals(2, a.differences(zero).size(), a.differences(zero).toString());
  }
}
