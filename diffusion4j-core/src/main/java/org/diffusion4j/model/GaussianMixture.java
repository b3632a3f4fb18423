package org.diffusion4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonException;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/**
 * An exact analytic model: data x0 ~ sum_k w_k N(mu_k, diag(v_k)). On any Gaussian path the
 * marginal at t is the mixture sum_k w_k N(alpha mu_k, diag(alpha^2 v_k + sigma^2)), so the
 * posterior mean E[x0 | x_t], the score, every other prediction kind and log p_t(x) are closed
 * form. It is the ground truth for the tests and accuracy benchmarks of samplers and likelihoods.
 *
 * <p>With responsibilities r_k(x) (a log-sum-exp softmax, stable for d in the hundreds and t near
 * 0) and s_k = alpha^2 v_k + sigma^2:
 * score(x) = -sum_k r_k (x - alpha mu_k) / s_k, and
 * E[x0 | x] = sum_k r_k (mu_k + alpha v_k (x - alpha mu_k) / s_k) (Gaussian conditioning).
 *
 * <p>JSON spec: {@code {"weights": [...], "means": [[...], ...], "vars": [[...], ...]}}, weights
 * positive (normalised on load), variances positive.
 */
public final class GaussianMixture {
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final double[] logWeights;
  private final double[][] means;
  private final double[][] vars;
  private final int dim;

  /** A mixture; {@code weights} are normalised to sum to 1. Arrays are copied. */
  public GaussianMixture(double[] weights, double[][] means, double[][] vars) {
    int k = weights.length;
    if (k == 0) {
      throw new IllegalArgumentException("mixture needs at least one component");
    }
    if (means.length != k || vars.length != k) {
      throw new IllegalArgumentException("mixture has " + k + " weights but " + means.length + " means and "
          + vars.length + " vars");
    }
    dim = means[0].length;
    if (dim == 0) {
      throw new IllegalArgumentException("mixture means must have dimension >= 1");
    }
    double total = 0;
    for (int i = 0; i < k; i++) {
      if (!(weights[i] > 0) || !Double.isFinite(weights[i])) {
        throw new IllegalArgumentException("weights[" + i + "] = " + weights[i] + " must be positive and finite");
      }
      total += weights[i];
      if (means[i].length != dim || vars[i].length != dim) {
        throw new IllegalArgumentException("component " + i + " has mean of length " + means[i].length
            + " and vars of length " + vars[i].length + ", expected " + dim);
      }
      for (int j = 0; j < dim; j++) {
        if (!Double.isFinite(means[i][j])) {
          throw new IllegalArgumentException("means[" + i + "][" + j + "] = " + means[i][j] + " is not finite");
        }
        if (!(vars[i][j] > 0) || !Double.isFinite(vars[i][j])) {
          throw new IllegalArgumentException("vars[" + i + "][" + j + "] = " + vars[i][j] + " must be positive and finite");
        }
      }
    }
    if (!Double.isFinite(total)) {
      throw new IllegalArgumentException("weights sum to " + total + " (overflow); scale them down, they are normalised");
    }
    logWeights = new double[k];
    this.means = new double[k][];
    this.vars = new double[k][];
    for (int i = 0; i < k; i++) {
      logWeights[i] = Math.log(weights[i] / total);
      this.means[i] = means[i].clone();
      this.vars[i] = vars[i].clone();
    }
  }

  /** A single Gaussian N(mean, diag(var)). */
  public static GaussianMixture gaussian(double[] mean, double[] var) {
    return new GaussianMixture(new double[] {1}, new double[][] {mean}, new double[][] {var});
  }

  /**
   * A seeded random mixture of {@code k} components in {@code d} dimensions: weights uniform in
   * [0.5, 1.5) (then normalised), means uniform in [-1.5, 1.5), variances uniform in [0.05, 0.5).
   * The validation and benchmark mixture of the likelihood tests and tables.
   */
  public static GaussianMixture random(int k, int d, long seed) {
    Rng r = Rng.of(seed);
    double[] w = new double[k];
    double[][] mu = new double[k][d];
    double[][] v = new double[k][d];
    for (int c = 0; c < k; c++) {
      w[c] = 0.5 + r.nextDouble();
      for (int j = 0; j < d; j++) {
        mu[c][j] = 3 * r.nextDouble() - 1.5;
        v[c][j] = 0.05 + 0.45 * r.nextDouble();
      }
    }
    return new GaussianMixture(w, mu, v);
  }

  /** Parses the JSON spec; errors name the field. */
  public static GaussianMixture fromJson(String json) {
    Object root = Json.parse(json);
    if (!(root instanceof Map<?, ?> m)) {
      throw new JsonException("mixture spec must be a JSON object with weights, means and vars");
    }
    for (Object key : m.keySet()) {
      if (!List.of("weights", "means", "vars").contains(key)) {
        throw new JsonException("mixture spec has unknown field '" + key + "'; expected weights, means, vars");
      }
    }
    double[] w = Json.doubleArray(m.get("weights"), "weights");
    double[][] mu = Json.doubleMatrix(m.get("means"), "means");
    double[][] v = Json.doubleMatrix(m.get("vars"), "vars");
    try {
      return new GaussianMixture(w, mu, v);
    } catch (IllegalArgumentException e) {
      throw new JsonException("mixture spec: " + e.getMessage());
    }
  }

  /** Reads a JSON spec file; errors name the file. */
  public static GaussianMixture read(Path file) throws IOException {
    String text;
    try {
      text = org.diffusion4j.io.ReadLimits.readJson(file);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new JsonException(file + ": not valid UTF-8 text");
    }
    try {
      return fromJson(text);
    } catch (JsonException e) {
      throw new JsonException(file + ": " + e.getMessage());
    }
  }

  /** The JSON spec of this mixture (normalised weights). */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"weights\": ");
    double[] w = new double[logWeights.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.exp(logWeights[i]);
    }
    Json.appendArray(sb, w);
    sb.append(",\n \"means\": ");
    Json.appendMatrix(sb, means);
    sb.append(",\n \"vars\": ");
    Json.appendMatrix(sb, vars);
    return sb.append("}\n").toString();
  }

  public int dim() {
    return dim;
  }

  public int components() {
    return logWeights.length;
  }

  public double weight(int k) {
    return Math.exp(logWeights[k]);
  }

  public double[] mean(int k) {
    return means[k].clone();
  }

  public double[] var(int k) {
    return vars[k].clone();
  }

  /** Mean of the data distribution. */
  public double[] dataMean() {
    double[] m = new double[dim];
    for (int k = 0; k < components(); k++) {
      double w = weight(k);
      for (int j = 0; j < dim; j++) {
        m[j] += w * means[k][j];
      }
    }
    return m;
  }

  /** Per-coordinate variance of the data distribution (law of total variance). */
  public double[] dataVar() {
    double[] m = dataMean();
    double[] v = new double[dim];
    for (int k = 0; k < components(); k++) {
      double w = weight(k);
      for (int j = 0; j < dim; j++) {
        double dm = means[k][j] - m[j];
        v[j] += w * (vars[k][j] + dm * dm);
      }
    }
    return v;
  }

  /** n exact samples of x0; row i uses {@code Rng.of(seed).stream(i)} (thread-count independent). */
  public Batch sample(long seed, int n) {
    Batch out = new Batch(n, dim);
    Rng root = Rng.of(seed);
    double[] a = out.data();
    double[] cdf = new double[components()];
    double acc = 0;
    for (int k = 0; k < cdf.length; k++) {
      acc += weight(k);
      cdf[k] = acc;
    }
    Parallel.forRows(n, (from, to) -> {
      for (int i = from; i < to; i++) {
        Rng r = root.stream(i);
        double u = r.nextDouble() * cdf[cdf.length - 1];
        int k = 0;
        while (k < cdf.length - 1 && u >= cdf[k]) {
          k++;
        }
        for (int j = 0; j < dim; j++) {
          a[i * dim + j] = means[k][j] + Math.sqrt(vars[k][j]) * r.nextGaussian();
        }
      }
    });
    return out;
  }

  /** Per-time constants: inverse marginal variances and log normalisers of each component. */
  private final class AtTime {
    final double a;
    final double[][] invVar;
    final double[] logNorm;
    final double[][] gain;

    AtTime(GaussianPath path, double t) {
      a = path.alpha(t);
      double s = path.sigma(t);
      int k = components();
      invVar = new double[k][dim];
      gain = new double[k][dim];
      logNorm = new double[k];
      for (int c = 0; c < k; c++) {
        double ln = logWeights[c] - 0.5 * dim * LOG_2PI;
        for (int j = 0; j < dim; j++) {
          double st = a * a * vars[c][j] + s * s;
          invVar[c][j] = 1 / st;
          gain[c][j] = a * vars[c][j] / st;
          ln -= 0.5 * Math.log(st);
        }
        logNorm[c] = ln;
      }
    }

    /** Fills logits[c] = log w_c + log N(x; a mu_c, s_c) for row x at offset off; returns log p. */
    double logits(double[] x, int off, double[] logits) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < logits.length; c++) {
        double[] mu = means[c];
        double[] iv = invVar[c];
        double q = 0;
        for (int j = 0; j < dim; j++) {
          double r = x[off + j] - a * mu[j];
          q += r * r * iv[j];
        }
        double l = logNorm[c] - 0.5 * q;
        logits[c] = l;
        if (l > max) {
          max = l;
        }
      }
      double sum = 0;
      for (int c = 0; c < logits.length; c++) {
        sum += Math.exp(logits[c] - max);
      }
      return max + Math.log(sum);
    }
  }

  /** log p_t(x) for every row of {@code x}, the exact marginal density on {@code path}. */
  public double[] logDensity(GaussianPath path, double t, Batch x) {
    requireDim(x);
    AtTime at = new AtTime(path, t);
    double[] out = new double[x.n()];
    double[] xs = x.data();
    Parallel.forRows(x.n(), (from, to) -> {
      double[] logits = new double[components()];
      for (int i = from; i < to; i++) {
        out[i] = at.logits(xs, i * dim, logits);
      }
    });
    return out;
  }

  /** log p_0(x): the data density itself. */
  public double[] logDensityData(Batch x) {
    return logDensity(new Identity(), 0, x);
  }

  /**
   * Posterior mean E[x0 | x_t] and score grad log p_t(x_t) for every row; either output may be
   * null when it is not needed.
   */
  public void posterior(GaussianPath path, double t, Batch x, Batch meanOut, Batch scoreOut) {
    requireDim(x);
    AtTime at = new AtTime(path, t);
    double[] xs = x.data();
    double[] mo = meanOut == null ? null : meanOut.data();
    double[] so = scoreOut == null ? null : scoreOut.data();
    Parallel.forRows(x.n(), 16, (from, to) -> {
      int k = components();
      double[] logits = new double[k];
      for (int i = from; i < to; i++) {
        int off = i * dim;
        double lse = at.logits(xs, off, logits);
        if (mo != null) {
          java.util.Arrays.fill(mo, off, off + dim, 0);
        }
        if (so != null) {
          java.util.Arrays.fill(so, off, off + dim, 0);
        }
        for (int c = 0; c < k; c++) {
          double r = Math.exp(logits[c] - lse);
          if (r == 0) {
            continue;
          }
          double[] mu = means[c];
          double[] iv = at.invVar[c];
          double[] g = at.gain[c];
          for (int j = 0; j < dim; j++) {
            double res = xs[off + j] - at.a * mu[j];
            if (mo != null) {
              mo[off + j] += r * (mu[j] + g[j] * res);
            }
            if (so != null) {
              so[off + j] -= r * res * iv[j];
            }
          }
        }
      }
    });
  }

  /**
   * This mixture as a {@link Denoiser} on {@code path} predicting {@code kind}. Every kind is an
   * exact linear combination of the posterior mean m and the score sc, computed without
   * division by alpha or sigma: eps = -sigma sc, v = alpha eps - sigma m, u = alpha' m + sigma' eps.
   */
  public Denoiser denoiser(GaussianPath path, Prediction kind) {
    return new Denoiser() {
      @Override
      public int dim() {
        return dim;
      }

      @Override
      public Prediction prediction() {
        return kind;
      }

      @Override
      public void predict(Batch x, double t, Batch out) {
        x.requireSameShape(out);
        switch (kind) {
          case X0 -> posterior(path, t, x, out, null);
          case SCORE -> posterior(path, t, x, null, out);
          case EPSILON -> {
            posterior(path, t, x, null, out);
            out.scale(-path.sigma(t));
          }
          case V, VELOCITY -> {
            Batch m = x.zerosLike();
            posterior(path, t, x, m, out);
            double a = path.alpha(t);
            double s = path.sigma(t);
            if (kind == Prediction.V) {
              out.setLinear(-a * s, out, -s, m);
            } else {
              out.setLinear(-path.sigmaDot(t) * s, out, path.alphaDot(t), m);
            }
          }
          default -> throw new AssertionError(kind);
        }
      }

      @Override
      public String toString() {
        return "GaussianMixture(" + components() + " components, d=" + dim + ") on " + path.name() + " as " + kind;
      }
    };
  }

  /**
   * The posterior-mean denoiser E[x0 | x_t] (kind X0) with its exact vector-Jacobian product, for
   * gradient-guided solvers (DPS) in tests. With r_k the responsibilities, m_k(x) the component
   * means, g_k = alpha v_k / s_k and sc_k = -(x - alpha mu_k) / s_k:
   * J^T v = sum_k r_k g_k v + sum_k r_k (m_k . v) (sc_k - sum_j r_j sc_j).
   */
  public org.diffusion4j.forecast.DifferentiableDenoiser differentiableDenoiser(GaussianPath path) {
    Denoiser plain = denoiser(path, Prediction.X0);
    return new org.diffusion4j.forecast.DifferentiableDenoiser() {
      @Override
      public int dim() {
        return dim;
      }

      @Override
      public Prediction prediction() {
        return Prediction.X0;
      }

      @Override
      public void predict(Batch x, double t, Batch out) {
        plain.predict(x, t, out);
      }

      @Override
      public void predictWithPullback(Batch x, double t, Batch out,
          java.util.function.BiConsumer<Batch, Batch> cotangent, Batch grad) {
        x.requireSameShape(out);
        x.requireSameShape(grad);
        plain.predict(x, t, out);
        Batch v = x.zerosLike();
        cotangent.accept(out, v);
        AtTime at = new AtTime(path, t);
        int k = components();
        double[] xs = x.data();
        double[] logits = new double[k];
        double[] r = new double[k];
        double[] mv = new double[k];
        double[] scBar = new double[dim];
        for (int i = 0; i < x.n(); i++) {
          int off = i * dim;
          double lse = at.logits(xs, off, logits);
          java.util.Arrays.fill(scBar, 0);
          for (int c = 0; c < k; c++) {
            r[c] = Math.exp(logits[c] - lse);
            double dot = 0;
            for (int j = 0; j < dim; j++) {
              double res = xs[off + j] - at.a * means[c][j];
              dot += (means[c][j] + at.gain[c][j] * res) * v.data()[off + j];
              scBar[j] -= r[c] * res * at.invVar[c][j];
            }
            mv[c] = dot;
          }
          for (int j = 0; j < dim; j++) {
            double g = 0;
            for (int c = 0; c < k; c++) {
              double sc = -(xs[off + j] - at.a * means[c][j]) * at.invVar[c][j];
              g += r[c] * (at.gain[c][j] * v.data()[off + j] + mv[c] * (sc - scBar[j]));
            }
            grad.data()[off + j] = g;
          }
        }
      }
    };
  }

  private void requireDim(Batch x) {
    if (x.d() != dim) {
      throw new IllegalArgumentException("state dimension " + x.d() + " does not match the mixture's dimension " + dim);
    }
  }

  /** alpha = 1, sigma = 0: evaluates the data density itself. */
  private static final class Identity implements GaussianPath {
    @Override public String name() { return "identity"; }
    @Override public double alpha(double t) { return 1; }
    @Override public double sigma(double t) { return 0; }
    @Override public double alphaDot(double t) { return 0; }
    @Override public double sigmaDot(double t) { return 0; }
    @Override public double tMin() { return 0; }
    @Override public double tMax() { return 0; }
  }
}
