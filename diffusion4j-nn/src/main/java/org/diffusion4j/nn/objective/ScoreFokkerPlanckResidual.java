package org.diffusion4j.nn.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.TimeMlp;
import org.diffusion4j.nn.net.TimeMlpJet;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;
import org.diffusion4j.nn.net.Layers;

/**
 * Residual of the score Fokker-Planck equation for a learned score, and the training penalty
 * built from it (Deveney, Stanczuk, Kreusser, Budd &amp; Schoenlieb 2023, "Closing the ODE-SDE gap
 * in score-based diffusion models through the Fokker-Planck equation"; the score form is Lai et
 * al. 2023, "FP-Diffusion", Eq. 3).
 *
 * <p>Derivation. The forward SDE dx = f(t) x dt + g(t) dW of a {@link GaussianPath} has marginals
 * p_t with dp/dt = -div(f x p) + (g^2/2) lap p. For l = log p this reads
 * dl/dt = -d f - f x . grad l + (g^2/2)(lap l + |grad l|^2); its gradient in x, with
 * s = grad l and J = ds/dx (J_kj = d s_k / d x_j), gives r = 0 for the true score, where
 * <pre>
 *   r(t, x) = d_t s + f (s + J^T x) - (g^2/2) grad(div s) - g^2 J^T s.
 * </pre>
 * (grad(x . s) = s + J^T x, grad |s|^2 = 2 J^T s.) Every exact marginal family of the same SDE
 * (any data distribution) has r = 0; a learned s generally does not, and Deveney et al. bound the
 * Wasserstein-2 distance between the probability-flow ODE and reverse-SDE distributions by a norm of this residual.
 *
 * <p>The network's score is s = A(t) x + B(t) F(c_in x, c_noise): the prediction
 * K = c_skip x + c_out F ({@link Parameterisation}) converted to the score with the exact linear
 * map of {@link Predictions} (score = k_x x + k_p K, so A = k_x + k_p c_skip, B = k_p c_out).
 * Hence J = A I + B c_in dF/du, grad(div s) = B c_in^2 grad_u(div_u F) and
 * d_t s = A' x + B' F + B (dF/du . c_in' x + dF/dc c_noise'). All network derivatives come
 * exactly from {@link TimeMlpJet}; the time derivatives of the scalar functions A, B, c_in,
 * c_noise are central differences in double with step 1e-6 of the time range (relative error
 * 1e-6 or better, far below float32 training noise).
 *
 * <p>Weighting. The public Fokker-Planck training module from the authors' Cambridge group
 * (GBATZOLIS/conditional_score_diffusion, lightning_modules/FokkerPlanckModel.py; the paper's
 * own text on weighting was not retrievable here) adds the mean absolute log-density residual,
 * unweighted in t (t uniform), times a constant or scheduled multiplier to the denoising loss. The raw score residual is far from O(1) across t:
 * s ~ 1/sigma, J ~ 1/sigma^2, grad div s ~ 1/sigma^3 and every term carries one time derivative
 * (units of g^2), so r ~ g^2 / sigma^3. We therefore penalise r~ = w(t) r with
 * w(t) = sigma(t)^3 / g^2(t): r~ is dimensionless (invariant under rescaling x and sigma together,
 * and under reparametrising time, since r/g^2 is the residual in the time variable of the
 * variance), so lambda E_t E_x |r~|^2 / d is O(1) for an O(1) relative score error at every
 * noise level; the penalty is its mean over the training batch.
 */
public final class ScoreFokkerPlanckResidual {
  private final Objective objective;
  private final GaussianPath path;
  private final double sigmaData;
  private final Prediction kind;
  private final TimeMlpJet jet;

  /**
   * @param probes 0: exact grad(div s); &gt; 0: Hutchinson estimate with that many Rademacher probes
   *     per row (see {@link TimeMlpJet}); |r|^2 then carries the estimator's variance as a bias
   */
  public ScoreFokkerPlanckResidual(TimeMlp net, Objective objective, GaussianPath path, double sigmaData,
      int probes) {
    this.objective = objective;
    this.path = path;
    this.sigmaData = sigmaData;
    this.kind = objective.prediction();
    this.jet = new TimeMlpJet(net, probes);
  }

  /** For the network, objective, path and fpProbes of a training configuration. */
  public static ScoreFokkerPlanckResidual of(TrainConfig config) {
    return new ScoreFokkerPlanckResidual(new TimeMlp(config.mlp()), config.objective(), config.gaussianPath(),
        config.sigmaData(), config.fpProbes());
  }

  /** Hutchinson probes per row (0 = exact). */
  public int probes() {
    return jet.probes();
  }

  /**
   * Rademacher probe directions (probes, n, d) as floats: probe p of row i uses {@code rows[i]}
   * (drawn in probe order, after whatever the caller drew from it).
   */
  public float[] rademacherProbes(Rng[] rows, int d) {
    int n = rows.length;
    int probes = jet.probes();
    float[] v = new float[probes * n * d];
    for (int i = 0; i < n; i++) {
      for (int q = 0; q < probes; q++) {
        for (int j = 0; j < d; j++) {
          v[(q * n + i) * d + j] = (float) rows[i].nextRademacher();
        }
      }
    }
    return v;
  }

  public TimeMlpJet jet() {
    return jet;
  }

  /**
   * The scalar functions of t for one batch, as (n, 1) float columns: score = a x + b F,
   * their t-derivatives, the network input scalings, the SDE coefficients and the weight w(t).
   */
  public record Coefficients(float[] a, float[] b, float[] aDot, float[] bDot, float[] cIn, float[] cInDot,
      float[] cNoise, float[] cNoiseDot, float[] f, float[] g2, float[] weight) {}

  /** The coefficients at the times {@code t}. */
  public Coefficients coefficients(double[] t) {
    int n = t.length;
    float[][] c = new float[11][n];
    for (int i = 0; i < n; i++) {
      double ti = t[i];
      double[] v = {
          scoreA(ti), scoreB(ti), derivative(this::scoreA, ti), derivative(this::scoreB, ti),
          param(ti).cIn(), derivative(s -> param(s).cIn(), ti), param(ti).cNoise(),
          derivative(s -> param(s).cNoise(), ti), path.drift(ti), path.diffusionSquared(ti), weight(ti)};
      for (int k = 0; k < v.length; k++) {
        c[k][i] = (float) v[k];
      }
    }
    return new Coefficients(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]);
  }

  /** w(t) = sigma(t)^3 / g^2(t), the normalisation of the penalised residual (see the class comment). */
  public double weight(double t) {
    double s = path.sigma(t);
    return s * s * s / path.diffusionSquared(t);
  }

  private Parameterisation param(double t) {
    return Parameterisation.of(objective, path, sigmaData, t);
  }

  /** (k_x, k_p) with score = k_x x + k_p K for the objective's prediction K at t. */
  private double[] scoreMap(double t) {
    if (kind == Prediction.SCORE) {
      return new double[] {0, 1};
    }
    Batch x = new Batch(1, 1);
    Batch p = new Batch(1, 1);
    Batch out = new Batch(1, 1);
    x.set(0, 0, 1);
    Predictions.convert(path, t, x, kind, p, Prediction.SCORE, out);
    double kx = out.get(0, 0);
    x.set(0, 0, 0);
    p.set(0, 0, 1);
    Predictions.convert(path, t, x, kind, p, Prediction.SCORE, out);
    return new double[] {kx, out.get(0, 0)};
  }

  private double scoreA(double t) {
    double[] k = scoreMap(t);
    return k[0] + k[1] * param(t).cSkip();
  }

  private double scoreB(double t) {
    return scoreMap(t)[1] * param(t).cOut();
  }

  /** d g / dt by central differences (one-sided second order at the ends of the path's range). */
  private double derivative(DoubleUnaryOperator g, double t) {
    double lo = path.tMin();
    double hi = path.tMax();
    double h = 1e-6 * (hi - lo);
    if (t - h >= lo && t + h <= hi) {
      return (g.applyAsDouble(t + h) - g.applyAsDouble(t - h)) / (2 * h);
    }
    if (t - h < lo) {
      return (-3 * g.applyAsDouble(t) + 4 * g.applyAsDouble(t + h) - g.applyAsDouble(t + 2 * h)) / (2 * h);
    }
    return (3 * g.applyAsDouble(t) - 4 * g.applyAsDouble(t - h) + g.applyAsDouble(t - 2 * h)) / (2 * h);
  }

  /**
   * @param value the raw network output F (n, d), as {@link TimeMlp#forward} gives it
   * @param score s (n, d)
   * @param residual r (n, d)
   * @param weighted w(t) r (n, d)
   */
  public record Result(NDArray value, NDArray score, NDArray residual, NDArray weighted) {}

  /**
   * The residual for one batch, differentiable in the parameters (one ordinary backward).
   *
   * @param x the points x_t (n, d)
   * @param u the network input c_in x (n, d) (passed in so it is bitwise the training input)
   * @param c the noise-level input (n, 1)
   * @param classOneHot (n, classes + 1) or null
   */
  public Result evaluate(ParamSet params, NDArray x, NDArray u, NDArray c, Coefficients k, NDArray classOneHot) {
    return evaluate(params, x, u, c, k, classOneHot, null);
  }

  /** As above, with Hutchinson probe directions (probes, n, d) when {@link #probes()} &gt; 0 (else null). */
  public Result evaluate(ParamSet params, NDArray x, NDArray u, NDArray c, Coefficients k, NDArray classOneHot,
      NDArray probeDirs) {
    NDManager m = x.getManager();
    NDArray a = column(m, k.a());
    NDArray b = column(m, k.b());
    NDArray cIn = column(m, k.cIn());
    TimeMlpJet.Result jr = jet.forward(params, u, c, x.mul(column(m, k.cInDot())), column(m, k.cNoiseDot()),
        classOneHot, probeDirs);
    NDArray f = jr.value();
    NDArray bc = b.mul(cIn);
    NDArray s = x.mul(a).add(f.mul(b));
    NDArray jtx = x.mul(a).add(transposedJvp(jr.spatial(), x).mul(bc));
    NDArray jts = s.mul(a).add(transposedJvp(jr.spatial(), s).mul(bc));
    NDArray dts = x.mul(column(m, k.aDot())).add(f.mul(column(m, k.bDot()))).add(jr.time().mul(b));
    NDArray gradDiv = jet.gradDivergence(jr).mul(bc.mul(cIn));
    NDArray drift = column(m, k.f());
    NDArray g2 = column(m, k.g2());
    NDArray r = dts.add(s.add(jtx).mul(drift)).sub(gradDiv.mul(g2).mul(Layers.scalar(gradDiv, 0.5))).sub(jts.mul(g2));
    return new Result(f, s, r, r.mul(column(m, k.weight())));
  }

  /** (sum_i v_i dF_i/du_j) as (n, d) from the stacked tangents (d, n, d). */
  private static NDArray transposedJvp(NDArray spatial, NDArray v) {
    return spatial.mul(v.expandDims(0)).sum(new int[] {2}).transpose();
  }

  private static NDArray column(NDManager m, float[] v) {
    return m.create(v, new Shape(v.length, 1));
  }

  /**
   * The residual of one point from the score's derivatives (plain double arithmetic, for closed
   * forms and tests): r = d_t s + f (s + J^T x) - (g^2/2) grad(div s) - g^2 J^T s with
   * {@code jac[k][j]} = d s_k / d x_j.
   */
  public static double[] residual(double f, double g2, double[] x, double[] s, double[] dtS, double[][] jac,
      double[] gradDiv) {
    int d = x.length;
    double[] r = new double[d];
    for (int j = 0; j < d; j++) {
      double jtx = 0;
      double jts = 0;
      for (int k = 0; k < d; k++) {
        jtx += jac[k][j] * x[k];
        jts += jac[k][j] * s[k];
      }
      r[j] = dtS[j] + f * (s[j] + jtx) - 0.5 * g2 * gradDiv[j] - g2 * jts;
    }
    return r;
  }

  /**
   * Monte Carlo E_t E_x |w(t) r(t, x_t)|^2 / d of a trained model: t uniform on the trained time
   * range, x_t = alpha x0 + sigma eps for the rows of {@code x0} (row i uses stream i of
   * {@code seed} for its time and noise). Unconditional networks only.
   */
  public static double meanPenalty(TrainConfig config, float[][] weights, Batch x0, long seed) {
    TimeSampler ts = new TimeSampler(TimeSampling.UNIFORM, config.gaussianPath());
    return meanPenalty(config, weights, x0, seed, ts.lo(), ts.hi());
  }

  /** As {@link #meanPenalty(TrainConfig, float[][], Batch, long)} with t uniform on [tLo, tHi]. */
  public static double meanPenalty(TrainConfig config, float[][] weights, Batch x0, long seed, double tLo,
      double tHi) {
    if (config.network().classes() > 0) {
      throw new IllegalArgumentException("meanPenalty is for unconditional networks");
    }
    ScoreFokkerPlanckResidual fp = of(config);
    GaussianPath path = fp.path;
    path.checkTime(tLo);
    path.checkTime(tHi);
    int n = x0.n();
    int d = x0.d();
    double[] t = new double[n];
    float[] xs = new float[n * d];
    float[] us = new float[n * d];
    float[] cs = new float[n];
    Rng[] rows = new Rng[n];
    for (int i = 0; i < n; i++) {
      Rng r = Rng.of(seed).stream(i);
      rows[i] = r;
      t[i] = tLo + (tHi - tLo) * r.nextDouble();
      Parameterisation p = fp.param(t[i]);
      cs[i] = (float) p.cNoise();
      for (int j = 0; j < d; j++) {
        double xt = path.alpha(t[i]) * x0.get(i, j) + path.sigma(t[i]) * r.nextGaussian();
        xs[i * d + j] = (float) xt;
        us[i * d + j] = (float) (p.cIn() * xt);
      }
    }
    Coefficients k = fp.coefficients(t);
    float[] probeDirs = fp.probes() > 0 ? fp.rademacherProbes(rows, d) : null;
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet params = ParamSet.of(m, fp.jet.net().specs(), weights, false);
      Result res = fp.evaluate(params, m.create(xs, new Shape(n, d)), m.create(us, new Shape(n, d)),
          m.create(cs, new Shape(n, 1)), k, null,
          probeDirs == null ? null : m.create(probeDirs, new Shape(fp.probes(), n, d)));
      return res.weighted().square().sum().getFloat() / ((double) n * d);
    }
  }
}
